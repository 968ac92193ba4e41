#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// geo-countries.js: converts Natural Earth Admin 0 countries (public domain), as redistributed in
// TopoJSON by the npm package world-atlas (ISC), into data/geo/countries-50m.geojson: the
// countries that meet the box 20..80 N, -80..110 E, clipped to it, each with its name, its
// ISO 3166-1 numeric code and alpha-3 code, rings wound as RFC 7946 says (outer counter-clockwise,
// holes clockwise), coordinates rounded to 1e-4 degree (about 11 m, far below the 1:50m outline's
// own resolution of about 1 km).
//
// Run once, by hand (the derived file is committed; building never runs this):
//   mkdir -p /tmp/geo && cd /tmp/geo && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
//   npm install topojson-client@3 i18n-iso-countries@7.14.0
//   NODE_PATH=/tmp/geo/node_modules node scripts/geo-countries.js \
//       /tmp/geo/package/countries-50m.json data/geo/countries-50m.geojson
//
// world-atlas identifies countries by ISO 3166-1 numeric code (Natural Earth's ISO_N3); the
// alpha-3 code comes from the table of the npm package i18n-iso-countries (MIT), which follows
// ISO 3166-1. Natural Earth gives four units no ISO code; they keep Natural Earth's own ADM0_A3
// codes (KOS Kosovo, CYN Northern Cyprus, SOL Somaliland, KAS Siachen Glacier), marked
// "iso": false.
'use strict';
const fs = require('fs');
const topojson = require('topojson-client');
const iso = require('i18n-iso-countries');

const BOX = {lat_min: 20, lat_max: 80, lon_min: -80, lon_max: 110};
const NE_CODES = {'Kosovo': 'KOS', 'N. Cyprus': 'CYN', 'Somaliland': 'SOL', 'Siachen Glacier': 'KAS'};
const DIGITS = 1e4;

// Sutherland-Hodgman against one edge of the box. A concave ring may come out with zero-width
// spurs along the box edge: they enclose no area and cross no horizontal ray an odd number of
// times, so both the even-odd test and the area are unchanged.
function clipEdge(ring, inside, cross) {
  const out = [];
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    const ia = inside(a);
    const ib = inside(b);
    if (ia) out.push(a);
    if (ia !== ib) out.push(cross(a, b));
  }
  return out;
}

// Natural Earth cuts rings at the antimeridian, and a cut ring jumps from +180 to -180 (Russia's
// Chukotka): made continuous here (each longitude within 180 degrees of the one before), then
// clipped as it is and shifted by +-360 degrees, so no edge runs across the whole box.
function unwrap(ring) {
  const out = [ring[0].slice()];
  for (let i = 1; i < ring.length; i++) {
    let x = ring[i][0];
    const prev = out[i - 1][0];
    while (x - prev > 180) x -= 360;
    while (x - prev < -180) x += 360;
    out.push([x, ring[i][1]]);
  }
  return out;
}

function shifted(ring, dx) {
  return ring.map(p => [p[0] + dx, p[1]]);
}

function clipRing(ring) {
  let r = ring.slice(0, ring.length - 1); // open ring
  const lerpLon = (a, b, lon) => [lon, a[1] + (b[1] - a[1]) * (lon - a[0]) / (b[0] - a[0])];
  const lerpLat = (a, b, lat) => [a[0] + (b[0] - a[0]) * (lat - a[1]) / (b[1] - a[1]), lat];
  r = clipEdge(r, p => p[0] >= BOX.lon_min, (a, b) => lerpLon(a, b, BOX.lon_min));
  r = clipEdge(r, p => p[0] <= BOX.lon_max, (a, b) => lerpLon(a, b, BOX.lon_max));
  r = clipEdge(r, p => p[1] >= BOX.lat_min, (a, b) => lerpLat(a, b, BOX.lat_min));
  r = clipEdge(r, p => p[1] <= BOX.lat_max, (a, b) => lerpLat(a, b, BOX.lat_max));
  // Round, drop repeated points, close.
  const q = [];
  for (const p of r) {
    const x = Math.round(p[0] * DIGITS) / DIGITS;
    const y = Math.round(p[1] * DIGITS) / DIGITS;
    const last = q[q.length - 1];
    if (!last || last[0] !== x || last[1] !== y) q.push([x, y]);
  }
  while (q.length > 1 && q[0][0] === q[q.length - 1][0] && q[0][1] === q[q.length - 1][1]) q.pop();
  if (q.length < 3) return null;
  q.push([q[0][0], q[0][1]]);
  return q;
}

function signedArea(ring) {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) s += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return s / 2;
}

function wind(ring, ccw) {
  const a = signedArea(ring);
  if ((a > 0) !== ccw) ring.reverse();
  return ring;
}

function clipPolygon(poly, dx) {
  const outer = clipRing(shifted(unwrap(poly[0]), dx));
  if (!outer || signedArea(outer) === 0) return null;
  const rings = [wind(outer, true)];
  for (let k = 1; k < poly.length; k++) {
    const h = clipRing(shifted(unwrap(poly[k]), dx));
    if (h && signedArea(h) !== 0) rings.push(wind(h, false));
  }
  return rings;
}

function main() {
  const [src, dst] = process.argv.slice(2);
  if (!src || !dst) {
    process.stderr.write('usage: geo-countries.js countries-50m.json out.geojson\n');
    process.exit(2);
  }
  const topo = JSON.parse(fs.readFileSync(src, 'utf8'));
  const fc = topojson.feature(topo, topo.objects.countries);
  const features = [];
  for (const f of fc.features) {
    if (!f.geometry) continue;
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    const kept = [];
    for (const p of polys) {
      for (const dx of [0, -360, 360]) {
        const c = clipPolygon(p, dx);
        if (c) kept.push(c);
      }
    }
    if (kept.length === 0) continue;
    const name = f.properties.name;
    let a3 = f.id !== undefined ? iso.numericToAlpha3(f.id) : undefined;
    const isIso = a3 !== undefined;
    if (!isIso) a3 = NE_CODES[name];
    if (!a3) throw new Error(`no alpha-3 code for ${name} (id ${f.id})`);
    features.push({
      type: 'Feature',
      properties: {name, iso_a3: a3, iso_n3: f.id === undefined ? null : f.id, iso: isIso},
      geometry: {type: 'MultiPolygon', coordinates: kept},
    });
  }
  features.sort((a, b) => (a.properties.iso_a3 < b.properties.iso_a3 ? -1 :
                           a.properties.iso_a3 > b.properties.iso_a3 ? 1 : 0));
  const seen = new Set();
  for (const f of features) {
    if (seen.has(f.properties.iso_a3)) throw new Error(`duplicate code ${f.properties.iso_a3}`);
    seen.add(f.properties.iso_a3);
  }
  const out = {
    type: 'FeatureCollection',
    source: 'Natural Earth Admin 0 countries 1:50m, version 4.1.0 (public domain, ' +
            'naturalearthdata.com), from the TopoJSON of the npm package world-atlas 2.0.2 (ISC), ' +
            'clipped to 20..80 N, -80..110 E by scripts/geo-countries.js; alpha-3 codes from the ' +
            'npm package i18n-iso-countries 7.14.0 (ISO 3166-1); KOS, CYN, SOL, KAS are Natural ' +
            'Earth ADM0_A3 codes of units without an ISO code',
    bbox: [BOX.lon_min, BOX.lat_min, BOX.lon_max, BOX.lat_max],
    features,
  };
  // One feature a line: small diffs when the data is regenerated.
  let text = '{"type":"FeatureCollection",\n"source":' + JSON.stringify(out.source) + ',\n"bbox":' +
             JSON.stringify(out.bbox) + ',\n"features":[\n';
  text += features.map(f => JSON.stringify(f)).join(',\n');
  text += '\n]}\n';
  fs.writeFileSync(dst, text);
  process.stderr.write(`${features.length} countries, ${text.length} bytes\n`);
}

main();
