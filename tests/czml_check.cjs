// SPDX-License-Identifier: MIT
// czml_check.cjs: checks CZML files against CesiumJS's CZML reader (CzmlDataSource), in Node
// without a browser or WebGL (docs/replay.md, docs/testing.md).
//
//   node tests/czml_check.cjs NODE_MODULES FILE.czml...
//
// NODE_MODULES is the directory holding the npm packages cesium and @cesium/engine (web/
// node_modules, installed by scripts/web.sh). For each file it checks:
//   - the file is a JSON array of objects, each with a non-empty, unique string id; the first is
//     the document packet, with version "1.0" and a clock whose interval parses;
//   - CzmlDataSource.load accepts it without an error or a console warning;
//   - every property name in the file is one CzmlDataSource processes: each packet is handed to
//     CesiumJS behind a proxy that records which properties its code reads, and a name it never
//     read (ignored silently by CesiumJS) fails the file; the name must also occur in the
//     installed CzmlDataSource.js (so a name read only by a generic walk does not pass);
//   - every interval and instant parses (JulianDate and TimeInterval from CesiumJS);
//   - sampled positions have 4 numbers a sample with strictly increasing times, longitudes in
//     [-180, 180] and latitudes in [-90, 90]; the first and last samples bound the availability;
//   - one entity per packet after the document; each entity's availability is the packet's;
//     every graphics value CesiumJS built (point, label, path) equals the file's (enumeration
//     names such as "LEFT" looked up in CesiumJS's own enumerations);
//   - the position CesiumJS evaluates at every sample time of a track (and at the start of a
//     fixed object's availability) lies within 1 m of the file's longitude, latitude, height;
//   - the data source's clock is the document's (interval, current time, multiplier, range, step).
// Prints one line per file; exits 1 naming the file, the packet and the property on the first
// problem, 2 on bad usage.
"use strict";

const fs = require("fs");
const path = require("path");

function usage() {
  console.error("usage: node czml_check.cjs NODE_MODULES FILE.czml...");
  process.exit(2);
}

const argv = process.argv.slice(2);
if (argv.length < 2) usage();
const modules = path.resolve(argv[0]);
const files = argv.slice(1);

// CzmlDataSource names the browser's Image constructor as a type tag (never constructed while
// reading CZML); Node has none.
if (typeof globalThis.Image === "undefined") globalThis.Image = class Image {};
const Cesium = require(path.join(modules, "cesium"));
const sourcePath = path.join(modules, "@cesium/engine/Source/DataSources/CzmlDataSource.js");
const source = fs.readFileSync(sourcePath, "utf8");

// The property names CzmlDataSource.js reads, from its text:
//  - packetNames: a packet's own properties (`packet.name`, `packet["delete"]`);
//  - subNames: for a property that a process function takes as `const xData = packet.x;`, the
//    names it reads from that variable in the same function (label: text, font, pixelOffset...);
//  - sourceNames: any name it reads (`.name`) or passes as a string, for deeper properties
//    (position.epoch, material.solidColor, color.rgba), read by shared helpers.
const ident = "[A-Za-z_$][\\w$]*";
const sourceNames = new Set();
for (const m of source.matchAll(new RegExp(`\\.(${ident})`, "g"))) sourceNames.add(m[1]);
for (const m of source.matchAll(new RegExp(`["'](${ident})["']`, "g"))) sourceNames.add(m[1]);
const packetNames = new Set();
for (const m of source.matchAll(new RegExp(`\\bpacket(?:\\.(${ident})|\\["(${ident})"\\])`, "g")))
  packetNames.add(m[1] || m[2]);
const subNames = new Map();
for (const fn of source.split(/\n(?=function )/)) {
  for (const m of fn.matchAll(new RegExp(`(?:const|let) (${ident}) = packet\\.(${ident});`, "g"))) {
    const names = subNames.get(m[2]) || new Set();
    for (const r of fn.matchAll(new RegExp(`\\b${m[1].replace(/\$/g, "\\$")}\\.(${ident})`, "g"))) names.add(r[1]);
    if (names.size) subNames.set(m[2], names);
  }
}
if (packetNames.size < 20 || !subNames.has("label") || !subNames.get("label").has("text"))
  throw new Error(`${sourcePath}: its packet properties were not found (CesiumJS's source changed?)`);

// Whether CzmlDataSource.js's text reads the name at the path "packet N.a.b.c".
function inSource(pathName) {
  const parts = pathName.split(".").slice(1);
  const name = parts[parts.length - 1];
  if (parts.length === 1) return packetNames.has(name);
  if (parts.length === 2 && subNames.has(parts[0])) return subNames.get(parts[0]).has(name);
  return sourceNames.has(name);
}

class CheckError extends Error {}
function fail(where, msg) {
  throw new CheckError(`${where}: ${msg}`);
}

// A proxy over the packet's objects (not array elements) that records "PATH.key" for each own
// property CesiumJS reads.
function recorder(value, where, read) {
  if (value === null || typeof value !== "object") return value;
  const isArray = Array.isArray(value);
  const cache = new Map();
  return new Proxy(value, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof key !== "string" || !Object.prototype.hasOwnProperty.call(target, key)) return v;
      if (!isArray) read.add(`${where}.${key}`);
      if (v === null || typeof v !== "object") return v;
      if (!cache.has(key)) cache.set(key, recorder(v, isArray ? where : `${where}.${key}`, read));
      return cache.get(key);
    },
  });
}

// Every "PATH.key" of the packet's objects, arrays' objects under their array's path.
function ownPaths(value, where, out) {
  if (Array.isArray(value)) {
    for (const v of value) ownPaths(v, where, out);
  } else if (value !== null && typeof value === "object") {
    for (const k of Object.keys(value)) {
      out.push(`${where}.${k}`);
      ownPaths(value[k], `${where}.${k}`, out);
    }
  }
  return out;
}

function julian(where, s) {
  if (typeof s !== "string") fail(where, `${JSON.stringify(s)} is not an ISO 8601 string`);
  let d;
  try {
    d = Cesium.JulianDate.fromIso8601(s);
  } catch (e) {
    fail(where, `${JSON.stringify(s)} does not parse as an ISO 8601 instant (${e.message})`);
  }
  if (!d || !Number.isFinite(d.dayNumber) || !Number.isFinite(d.secondsOfDay))
    fail(where, `${JSON.stringify(s)} does not parse as an ISO 8601 instant`);
  return d;
}

function interval(where, s) {
  if (typeof s !== "string" || s.split("/").length !== 2)
    fail(where, `${JSON.stringify(s)} is not an ISO 8601 interval START/STOP`);
  const [a, b] = s.split("/");
  const start = julian(where, a);
  const stop = julian(where, b);
  if (Cesium.JulianDate.compare(start, stop) > 0) fail(where, `${s}: the start is after the stop`);
  const ti = Cesium.TimeInterval.fromIso8601({ iso8601: s });
  if (!Cesium.JulianDate.equals(ti.start, start) || !Cesium.JulianDate.equals(ti.stop, stop))
    fail(where, `${s}: CesiumJS reads another interval`);
  return { start, stop };
}

const MS = 1e-3; // times are written to the millisecond

function sameTime(a, b) {
  return Math.abs(Cesium.JulianDate.secondsDifference(a, b)) <= 1e-6;
}

// The file's value against the value CesiumJS built from it.
function compareValue(where, key, fileValue, v) {
  if (v === undefined || v === null) fail(where, `CesiumJS built no value from ${JSON.stringify(fileValue)}`);
  if (typeof fileValue === "number" || typeof fileValue === "boolean") {
    if (v !== fileValue) fail(where, `CesiumJS reads ${v}, the file has ${fileValue}`);
  } else if (typeof fileValue === "string") {
    if (typeof v === "string") {
      if (v !== fileValue) fail(where, `CesiumJS reads ${JSON.stringify(v)}, the file has ${JSON.stringify(fileValue)}`);
    } else {
      // An enumeration: CesiumJS's enumeration of that name (horizontalOrigin: HorizontalOrigin).
      const en = Cesium[key.charAt(0).toUpperCase() + key.slice(1)];
      if (!en || typeof en !== "object" || !(fileValue in en))
        fail(where, `${JSON.stringify(fileValue)} is not a value of CesiumJS's enumeration for ${key}`);
      if (en[fileValue] !== v) fail(where, `CesiumJS reads ${v} for ${JSON.stringify(fileValue)}`);
    }
  } else if (fileValue && Array.isArray(fileValue.rgba)) {
    if (!(v instanceof Cesium.Color)) fail(where, "CesiumJS built no colour");
    const bytes = v.toBytes();
    if (bytes.join(",") !== fileValue.rgba.join(","))
      fail(where, `CesiumJS reads rgba ${bytes}, the file has ${fileValue.rgba}`);
  } else if (fileValue && Array.isArray(fileValue.cartesian2)) {
    if (v.x !== fileValue.cartesian2[0] || v.y !== fileValue.cartesian2[1])
      fail(where, `CesiumJS reads (${v.x}, ${v.y}), the file has ${fileValue.cartesian2}`);
  } else {
    fail(where, `no comparison for ${JSON.stringify(fileValue)}: add one to czml_check.cjs`);
  }
}

function checkGraphics(where, entity, name, data, time) {
  const g = entity[name];
  if (!g) fail(where, `CesiumJS built no ${name}`);
  for (const [key, fileValue] of Object.entries(data)) {
    const w = `${where}.${name}.${key}`;
    const prop = g[key];
    if (prop === undefined) fail(w, `CesiumJS's ${name} has no ${key}`);
    if (key === "material") {
      const keys = Object.keys(fileValue);
      if (keys.length !== 1 || keys[0] !== "solidColor" || Object.keys(fileValue.solidColor).join() !== "color")
        fail(w, `no comparison for ${JSON.stringify(fileValue)}: add one to czml_check.cjs`);
      if (prop.getType(time) !== "Color") fail(w, `CesiumJS built a ${prop.getType(time)} material`);
      compareValue(`${w}.solidColor.color`, "color", fileValue.solidColor.color, prop.color.getValue(time));
    } else {
      compareValue(w, key, fileValue, prop.getValue(time));
    }
  }
}

function checkPosition(where, entity, pos, avail) {
  const prop = entity.position;
  if (!prop) fail(where, "CesiumJS built no position");
  const cd = pos.cartographicDegrees;
  if (!Array.isArray(cd)) fail(`${where}.cartographicDegrees`, "missing");
  for (const x of cd) if (typeof x !== "number" || !Number.isFinite(x)) fail(`${where}.cartographicDegrees`, `${x} is not a finite number`);
  const near = (t, lon, lat, h, w) => {
    if (lon < -180 || lon > 180) fail(w, `longitude ${lon} outside [-180, 180]`);
    if (lat < -90 || lat > 90) fail(w, `latitude ${lat} outside [-90, 90]`);
    const got = prop.getValue(t);
    if (!got) fail(w, `CesiumJS gives no position at ${Cesium.JulianDate.toIso8601(t, 3)}`);
    const want = Cesium.Cartesian3.fromDegrees(lon, lat, h);
    const d = Cesium.Cartesian3.distance(got, want);
    if (!(d <= 1.0)) fail(w, `CesiumJS's position is ${d.toFixed(3)} m from the file's (${lon}, ${lat}, ${h})`);
  };
  if (pos.epoch === undefined) {
    if (cd.length !== 3) fail(`${where}.cartographicDegrees`, `a fixed position has 3 numbers, not ${cd.length}`);
    near(avail.start, cd[0], cd[1], cd[2], where);
    return 0;
  }
  const epoch = julian(`${where}.epoch`, pos.epoch);
  if (cd.length === 0 || cd.length % 4 !== 0)
    fail(`${where}.cartographicDegrees`, `${cd.length} numbers: not 4 a sample (time, longitude, latitude, height)`);
  if (cd.length < 8) fail(`${where}.cartographicDegrees`, "fewer than 2 samples");
  if (pos.interpolationDegree !== undefined && prop.interpolationDegree !== pos.interpolationDegree)
    fail(`${where}.interpolationDegree`, `CesiumJS reads ${prop.interpolationDegree}`);
  if (pos.interpolationAlgorithm !== undefined) {
    const alg = prop.interpolationAlgorithm;
    if (!alg || typeof alg.type !== "string" || alg.type.toUpperCase() !== pos.interpolationAlgorithm)
      fail(`${where}.interpolationAlgorithm`, `CesiumJS reads ${alg && alg.type}`);
  }
  let last = -Infinity;
  const n = cd.length / 4;
  for (let i = 0; i < n; i++) {
    const [t, lon, lat, h] = cd.slice(4 * i, 4 * i + 4);
    const w = `${where}.cartographicDegrees sample ${i + 1}`;
    if (!(t > last)) fail(w, `time ${t} s is not after the previous sample's ${last} s`);
    last = t;
    near(Cesium.JulianDate.addSeconds(epoch, t, new Cesium.JulianDate()), lon, lat, h, w);
  }
  const first = Cesium.JulianDate.addSeconds(epoch, cd[0], new Cesium.JulianDate());
  const end = Cesium.JulianDate.addSeconds(epoch, cd[cd.length - 4], new Cesium.JulianDate());
  if (Math.abs(Cesium.JulianDate.secondsDifference(first, avail.start)) > MS / 2 ||
      Math.abs(Cesium.JulianDate.secondsDifference(end, avail.stop)) > MS / 2)
    fail(where, "the first and last samples are not the availability's start and stop");
  return n;
}

async function checkFile(file) {
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    fail(file, `cannot read: ${e.message}`);
  }
  let czml;
  try {
    czml = JSON.parse(text);
  } catch (e) {
    fail(file, `not JSON: ${e.message}`);
  }
  if (!Array.isArray(czml) || czml.length === 0) fail(file, "not a non-empty JSON array of packets");
  const ids = new Set();
  czml.forEach((p, i) => {
    const w = `${file}: packet ${i + 1}`;
    if (p === null || typeof p !== "object" || Array.isArray(p)) fail(w, "not an object");
    if (typeof p.id !== "string" || p.id === "") fail(w, "no id");
    if (ids.has(p.id)) fail(w, `id ${JSON.stringify(p.id)} repeated`);
    ids.add(p.id);
    if ((i === 0) !== (p.id === "document"))
      fail(w, i === 0 ? "the first packet is not the document packet" : "a second document packet");
  });
  const doc = czml[0];
  if (doc.version !== "1.0") fail(`${file}: document`, `version ${JSON.stringify(doc.version)}, not "1.0"`);
  if (!doc.clock || typeof doc.clock !== "object") fail(`${file}: document`, "no clock");
  const clockSpan = interval(`${file}: document.clock.interval`, doc.clock.interval);

  // Intervals and sampled positions first, so that a malformed one is named here rather than by
  // an exception from inside CesiumJS.
  czml.forEach((p, i) => {
    const w = `${file}: packet ${i + 1} (id ${JSON.stringify(p.id)})`;
    if (p.availability !== undefined) interval(`${w}.availability`, p.availability);
    const pos = p.position;
    if (!pos || !Array.isArray(pos.cartographicDegrees)) return;
    const cd = pos.cartographicDegrees;
    for (const x of cd)
      if (typeof x !== "number" || !Number.isFinite(x)) fail(`${w}.position.cartographicDegrees`, `${x} is not a finite number`);
    if (pos.epoch === undefined) return;
    julian(`${w}.position.epoch`, pos.epoch);
    if (cd.length === 0 || cd.length % 4 !== 0)
      fail(`${w}.position.cartographicDegrees`, `${cd.length} numbers: not 4 a sample (time, longitude, latitude, height)`);
    for (let k = 4; k < cd.length; k += 4)
      if (!(cd[k] > cd[k - 4]))
        fail(`${w}.position.cartographicDegrees sample ${k / 4 + 1}`, `time ${cd[k]} s is not after the previous sample's ${cd[k - 4]} s`);
  });

  // Loaded through the recording proxies; a warning from CesiumJS fails the file.
  const read = new Set();
  const proxied = czml.map((p, i) => recorder(p, `packet ${i + 1}`, read));
  const warnings = [];
  const saved = { warn: console.warn, error: console.error };
  console.warn = (...a) => warnings.push(a.join(" "));
  console.error = (...a) => warnings.push(a.join(" "));
  let ds;
  try {
    ds = await Cesium.CzmlDataSource.load(proxied);
  } catch (e) {
    fail(file, `CzmlDataSource.load failed: ${e.message}`);
  } finally {
    console.warn = saved.warn;
    console.error = saved.error;
  }
  if (warnings.length) fail(file, `CesiumJS warned: ${warnings.join("; ")}`);
  czml.forEach((p, i) => {
    for (const k of ownPaths(p, `packet ${i + 1}`, [])) {
      const name = k.slice(k.lastIndexOf(".") + 1);
      if (!read.has(k))
        fail(`${file}: ${k} (id ${JSON.stringify(p.id)})`, `CzmlDataSource never reads "${name}": CesiumJS ignores it`);
      if (!inSource(k))
        fail(`${file}: ${k} (id ${JSON.stringify(p.id)})`, `${sourcePath} does not read "${name}" there`);
    }
  });

  // The clock.
  const clock = ds.clock;
  if (!clock) fail(`${file}: document.clock`, "CesiumJS built no clock");
  if (!sameTime(clock.startTime, clockSpan.start) || !sameTime(clock.stopTime, clockSpan.stop))
    fail(`${file}: document.clock.interval`, "CesiumJS's clock has another interval");
  if (doc.clock.currentTime !== undefined &&
      !sameTime(clock.currentTime, julian(`${file}: document.clock.currentTime`, doc.clock.currentTime)))
    fail(`${file}: document.clock.currentTime`, "CesiumJS's clock has another current time");
  if (doc.clock.multiplier !== undefined && clock.multiplier !== doc.clock.multiplier)
    fail(`${file}: document.clock.multiplier`, `CesiumJS reads ${clock.multiplier}`);
  if (doc.clock.range !== undefined && clock.clockRange !== Cesium.ClockRange[doc.clock.range])
    fail(`${file}: document.clock.range`, `${JSON.stringify(doc.clock.range)} is not CesiumJS's ClockRange`);
  if (doc.clock.step !== undefined && clock.clockStep !== Cesium.ClockStep[doc.clock.step])
    fail(`${file}: document.clock.step`, `${JSON.stringify(doc.clock.step)} is not CesiumJS's ClockStep`);
  if (doc.name !== undefined && ds.name !== doc.name) fail(`${file}: document.name`, `CesiumJS reads ${ds.name}`);

  // The entities.
  const entities = ds.entities.values;
  if (entities.length !== czml.length - 1)
    fail(file, `CesiumJS made ${entities.length} entities of ${czml.length - 1} object packets`);
  let samples = 0;
  for (let i = 1; i < czml.length; i++) {
    const p = czml[i];
    const where = `${file}: packet ${i + 1} (id ${JSON.stringify(p.id)})`;
    const e = ds.entities.getById(p.id);
    if (!e) fail(where, "no entity with this id");
    if (p.name !== undefined && e.name !== p.name) fail(`${where}.name`, `CesiumJS reads ${e.name}`);
    if (p.availability === undefined) fail(where, "no availability");
    const avail = interval(`${where}.availability`, p.availability);
    if (!e.availability || e.availability.length !== 1) fail(`${where}.availability`, "CesiumJS reads another availability");
    const ea = e.availability.get(0);
    if (!sameTime(ea.start, avail.start) || !sameTime(ea.stop, avail.stop))
      fail(`${where}.availability`, "CesiumJS reads another interval");
    const mid = Cesium.JulianDate.addSeconds(avail.start,
      Cesium.JulianDate.secondsDifference(avail.stop, avail.start) / 2, new Cesium.JulianDate());
    if (p.description !== undefined) compareValue(`${where}.description`, "description", p.description, e.description.getValue(mid));
    if (p.position === undefined) fail(where, "no position");
    samples += checkPosition(`${where}.position`, e, p.position, avail);
    for (const g of ["point", "label", "path", "billboard", "polyline"])
      if (p[g] !== undefined) checkGraphics(where, e, g, p[g], mid);
  }
  console.log(`ok ${file}: ${czml.length} packets, ${entities.length} entities, ${samples} position samples ` +
              `within 1 m in CesiumJS ${Cesium.VERSION}`);
}

(async () => {
  for (const f of files) {
    try {
      await checkFile(f);
    } catch (e) {
      if (!(e instanceof CheckError)) throw e;
      console.log(`FAILED ${e.message}`);
      process.exit(1);
    }
  }
})().catch((e) => {
  console.log(`FAILED: ${e.stack || e}`);
  process.exit(1);
});
