/* bmdsim report: draws the page from window.BMD_REPORT (report/data.js, written by bmdsim
 * report or run --out). No network: the libraries are files beside this one (docs/report.md).
 * The page sets window.BMD_STATUS = {map2d, globe, errors} for tests and tools. */
(function () {
  'use strict';

  var STATUS = { map2d: 'pending', globe: 'pending', errors: [] };
  window.BMD_STATUS = STATUS;
  window.addEventListener('error', function (e) {
    STATUS.errors.push(String(e.message || e));
  });

  var R = window.BMD_REPORT;
  var EPOCH_MS = Date.parse('2011-12-01T00:00:00Z'); /* the epoch of bmdsim's CZML */
  var EARTH_R_KM = 6371.0088;                          /* mean radius (plots, coverage) */
  var PALETTE = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2',
    '#17becf', '#bcbd22', '#7f7f7f', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173',
    '#3182bd', '#e6550d', '#31a354'];

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  var numberFormats = {}; /* one Intl.NumberFormat per number of decimals: making one is slow */
  function fmt(v, d) {
    if (v === null || v === undefined || (typeof v === 'number' && !isFinite(v))) return '–';
    if (typeof v !== 'number') return String(v);
    var f = numberFormats[d];
    if (!f) f = numberFormats[d] = new Intl.NumberFormat('en-GB', { minimumFractionDigits: d, maximumFractionDigits: d });
    return f.format(v);
  }
  function fail(part, err) {
    STATUS.errors.push(part + ': ' + (err && err.message ? err.message : String(err)));
  }

  /* ---------------------------------------------------------------- data helpers */

  function parseCsv(text) {
    var rows = [];
    if (!text) return rows;
    var lines = [], cur = [], field = '', q = false;
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (q) {
        if (c === '"') { if (text[i + 1] === '"') { field += '"'; i++; } else q = false; }
        else field += c;
      } else if (c === '"') q = true;
      else if (c === ',') { cur.push(field); field = ''; }
      else if (c === '\n') { cur.push(field); lines.push(cur); cur = []; field = ''; }
      else if (c !== '\r') field += c;
    }
    if (field !== '' || cur.length) { cur.push(field); lines.push(cur); }
    var head = lines.shift() || [];
    lines.forEach(function (l) {
      if (l.length < head.length) return;
      var o = {};
      head.forEach(function (h, k) {
        var v = l[k];
        o[h] = v !== '' && !isNaN(+v) ? +v : v;
      });
      rows.push(o);
    });
    return rows;
  }

  /* Great-circle distance (km) on the mean sphere. */
  function gcKm(lat1, lon1, lat2, lon2) {
    var r = Math.PI / 180;
    var a = Math.sin((lat2 - lat1) * r / 2), b = Math.sin((lon2 - lon1) * r / 2);
    var h = a * a + Math.cos(lat1 * r) * Math.cos(lat2 * r) * b * b;
    return 2 * EARTH_R_KM * Math.asin(Math.min(1, Math.sqrt(h)));
  }
  /* The point at distance d_km and azimuth az_deg from (lat, lon) on the sphere: [lon, lat]. */
  function dest(lat, lon, az, dKm) {
    var r = Math.PI / 180, d = dKm / EARTH_R_KM;
    var p1 = lat * r, l1 = lon * r, t = az * r;
    var p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(t));
    var l2 = l1 + Math.atan2(Math.sin(t) * Math.sin(d) * Math.cos(p1),
      Math.cos(d) - Math.sin(p1) * Math.sin(p2));
    return [((l2 / r + 540) % 360) - 180, p2 / r];
  }

  /* Threat tracks of a phase: [{name, color, pts: [[t_s, lon, lat, alt_km], ...]}]. */
  function tracksOf(ph) {
    var out = [];
    if (ph.czml) {
      ph.czml.forEach(function (p) {
        if (!p.id || p.id.indexOf('threat-') !== 0 || !p.position) return;
        var c = p.position.cartographicDegrees || [];
        var pts = [];
        for (var i = 0; i + 3 < c.length; i += 4) pts.push([c[i], c[i + 1], c[i + 2], c[i + 3] / 1e3]);
        var t0 = p.position.epoch ? (Date.parse(p.position.epoch) - EPOCH_MS) / 1e3 : 0;
        pts.forEach(function (q) { q[0] += t0; });
        out.push({ name: p.name, pts: pts });
      });
      return out;
    }
    var csv = ph.tables && (ph.tables.threat_trajectories || ph.tables.trajectories);
    if (!csv) return out;
    var by = {};
    var order = [];
    parseCsv(csv).forEach(function (r) {
      var k = r.threat;
      if (!(k in by)) { by[k] = { name: '', pts: [] }; order.push(k); }
      by[k].pts.push([r.time_s, r.lon_deg, r.lat_deg, r.altitude_km]);
      if (r.base !== undefined) by[k].name = r.base + ' → ' + r.target;
    });
    var thr = ph.threatNames || [];
    order.forEach(function (k) {
      if (!by[k].name) by[k].name = thr[k] || ('threat ' + (k + 1));
      out.push(by[k]);
    });
    return out;
  }

  /* ---------------------------------------------------------------- phases */

  var phases = [];
  function buildPhases() {
    (R.phases || []).forEach(function (p) { phases.push(p); });
    if (R.dispute) {
      var names = (R.dispute.threats || []).map(function (t) {
        return t.missile + ', ' + t.launch + ' → ' + t.target;
      });
      phases.push({
        dir: '.', dispute: true, threatNames: names,
        result: { scenario: 'The threats of the December 2011 dispute (flown over the rotating WGS-84 Earth)', sites: [] },
        tables: { trajectories: R.dispute.trajectories_csv }, layers: {}, files: []
      });
    }
    phases.forEach(function (p) {
      p.threatNames = p.threatNames || fmThreatNames(p);
      p.tracks = tracksOf(p);
      p.tracks.forEach(function (t, i) { t.color = PALETTE[i % PALETTE.length]; });
    });
  }
  function fmThreatNames(p) {
    var fm = p.result && p.result.feasibility_matrix;
    if (fm && fm.threats) return fm.threats.map(function (t) { return t.missile + ', ' + t.base + ' → ' + t.target; });
    var inp = p.inputs;
    if (inp && inp.threats) return inp.threats.map(function (t, i) { return 'threat ' + (i + 1) + ': ' + t.missile; });
    return [];
  }

  /* ---------------------------------------------------------------- summary */

  function kpi(box, v, k) {
    var d = el('div', { class: 'kpi' });
    d.appendChild(el('div', { class: 'v' }, v));
    d.appendChild(el('div', { class: 'k' }, k));
    box.appendChild(d);
  }
  function table(head, rows, cls) {
    var t = el('table', cls ? { class: cls } : null);
    var tr = el('tr');
    head.forEach(function (h) { tr.appendChild(el('th', null, h)); });
    t.appendChild(tr);
    rows.forEach(function (r) {
      var row = el('tr');
      r.forEach(function (c) {
        var td;
        if (c && typeof c === 'object' && c.text !== undefined) {
          td = el('td', c.cls ? { class: c.cls } : null, c.text);
          if (c.title) td.title = c.title;
        } else td = el('td', typeof c === 'number' ? { class: 'num' } : null, c);
        row.appendChild(td);
      });
      t.appendChild(row);
    });
    return t;
  }

  function drawOverview(ph) {
    var box = $('overview');
    box.textContent = '';
    var res = ph.result || {};
    var k = el('div', { class: 'kpis' });
    if (res.sites) kpi(k, res.sites.length, 'interceptor sites');
    if (ph.inputs) kpi(k, ph.inputs.sensors.length + (ph.inputs.early_warning ? 1 : 0), 'sensors (radars and early warning)');
    if (ph.tracks.length) kpi(k, ph.tracks.length, 'threat trajectories');
    var raid = res.raid;
    if (raid) {
      kpi(k, raid.leakers_run0 + ' of ' + raid.threats_run0.length, 'threats leaked in run 0');
      kpi(k, raid.interceptors_fired_run0, 'interceptors fired in run 0');
      if (raid.monte_carlo) {
        var mc = raid.monte_carlo;
        kpi(k, fmt(mc.leak_probability, 3), 'P(a threat leaks), ' + mc.runs + ' runs, 95% ' +
          fmt(mc.leak_probability_lo, 3) + '–' + fmt(mc.leak_probability_hi, 3));
      }
    }
    var da = res.defended_area;
    if (da) da.launch_areas.forEach(function (a) {
      kpi(k, fmt(100 * a.share_of_nato_europe, 1) + ' %', 'of NATO Europe defended against ' + da.missile + ' from ' + a.name);
    });
    box.appendChild(k);
    if (res.sites && res.sites.length) {
      box.appendChild(el('h3', null, 'Interceptor sites'));
      box.appendChild(table(['site', 'lat (deg)', 'lon (deg)', 'interceptor', 'inventory'],
        res.sites.map(function (s) { return [s.name, s.lat_deg, s.lon_deg, s.interceptor, s.inventory]; })));
    }
    if (da) {
      box.appendChild(el('h3', null, 'Defended area against ' + da.missile + ' (cue: ' + da.cue + ', grid ' + da.grid_deg + ' deg)'));
      box.appendChild(table(['launch area', 'defended area (km²)', 'share of NATO Europe', 'capitals covered', 'capitals in reach, not covered'],
        da.launch_areas.map(function (a) {
          return [a.name, Math.round(a.defended_area_km2), fmt(100 * a.share_of_nato_europe, 1) + ' %',
            (a.capitals_covered || []).join(', ') || '–', (a.capitals_in_reach_not_covered || []).join(', ') || '–'];
        })));
    }
    var gu = res.guarantees;
    if (gu && gu.sites) {
      box.appendChild(el('h3', null, 'Least interceptor burnout speed to engage any threat (' + gu.interceptor + ' scaled, cue ' + gu.cue + ')'));
      box.appendChild(table(['site', 'min burnout speed (km/s)', 'first engaged'],
        gu.sites.map(function (s) {
          return [s.site, s.min_burnout_speed_km_s === null ? 'none up to ' + s.max_burnout_speed_tried_km_s : fmt(s.min_burnout_speed_km_s, 2),
            s.first_engaged_missile ? s.first_engaged_missile + ', ' + s.first_engaged_base + ' → ' + s.first_engaged_target : '–'];
        })));
    }
    var kg = res.kaliningrad;
    if (kg && kg.iskander_strikes) {
      box.appendChild(el('h3', null, 'Kaliningrad: Iskander-M strikes'));
      box.appendChild(table(['place', 'range (km)', 'in range', 'flight time (s)', 'apogee (km)'],
        kg.iskander_strikes.map(function (s) {
          return [s.place, Math.round(s.range_km), s.in_range ? 'yes' : 'no', s.flight_time_s === null ? '–' : Math.round(s.flight_time_s), s.apogee_km === null ? '–' : fmt(s.apogee_km, 1)];
        })));
    }
    if (ph.dispute && R.dispute) {
      box.appendChild(table(['missile', 'launch', 'target', 'range (km)', 'flight time (min)', 'apogee (km)', 'burnout speed (km/s)'],
        R.dispute.threats.map(function (t) {
          return [t.missile, t.launch, t.target, t.reached ? Math.round(t.range_km) : '–', t.reached ? fmt(t.flight_time_s / 60, 1) : '–',
            t.reached ? Math.round(t.apogee_km) : '–', t.reached ? fmt(t.burnout_speed_km_s, 2) : '–'];
        })));
    }
  }

  /* ---------------------------------------------------------------- 2D map */

  var LAYERS = [
    { id: 'defended-areas', label: 'Defended areas (aim points a site can defend)', kind: 'fill', color: 'rgba(44,160,44,0.35)', stroke: '#2a7a2a' },
    { id: 'safe-zones', label: 'Safe deployment zones (no ICBM engageable)', kind: 'fill', color: 'rgba(148,103,189,0.30)', stroke: '#6a4a9a' },
    { id: 'radar-coverage', label: 'Radar coverage (instrumented range, field of regard)', kind: 'fill', color: 'rgba(31,119,180,0.10)', stroke: '#1f77b4' },
    { id: 'kaliningrad', label: 'Kaliningrad envelopes (S-400, Voronezh-DM)', kind: 'line', color: '#e377c2' },
    { id: 'threat-tracks', label: 'Threat ground tracks', kind: 'line', color: '#d62728' },
    { id: 'defended-assets', label: 'Defended assets (radius, km)', kind: 'fill', color: 'rgba(255,127,14,0.25)', stroke: '#c85a00' },
    { id: 'launch-areas', label: 'Launch areas', kind: 'dot', color: '#8c564b' },
    { id: 'sensors', label: 'Radars', kind: 'dot', color: '#1f77b4' },
    { id: 'sites', label: 'Interceptor sites', kind: 'dot', color: '#111111' }
  ];
  var layerOn = {};
  var world = null, projection = null, mapPhase = null;

  function layerData(ph) {
    var d = {};
    var L = ph.layers || {};
    var da = [], sz = [], kg = [];
    Object.keys(L).forEach(function (k) {
      if (k.indexOf('defended_area_') === 0) da.push(L[k]);
      else if (k.indexOf('safe_zones') === 0) sz.push(L[k]);
      else if (k.indexOf('kaliningrad') === 0) kg.push(L[k]);
    });
    d['defended-areas'] = da;
    d['safe-zones'] = sz;
    d['kaliningrad'] = kg;
    var cov = [];
    var sensors = (ph.inputs && ph.inputs.sensors) || [];
    sensors.forEach(function (s) {
      var ring = [];
      var hw = s.az_half_width_deg >= 180 ? 180 : s.az_half_width_deg;
      var n = 96;
      if (hw < 180) ring.push([s.lon_deg, s.lat_deg]);
      for (var i = 0; i <= n; i++) ring.push(dest(s.lat_deg, s.lon_deg, s.boresight_az_deg - hw + 2 * hw * i / n, s.range_max_km));
      if (hw < 180) ring.push([s.lon_deg, s.lat_deg]);
      cov.push({ type: 'Feature', properties: { name: s.id + ' (' + s.range_max_km + ' km)' }, geometry: { type: 'Polygon', coordinates: [ring] } });
    });
    d['radar-coverage'] = cov.length ? [{ type: 'FeatureCollection', features: cov }] : [];
    d['threat-tracks'] = ph.tracks;
    d['defended-assets'] = ((ph.inputs && ph.inputs.defended_assets) || []).map(function (a) {
      return { name: a.name, lat: a.lat_deg, lon: a.lon_deg, r: a.radius_km };
    });
    var la = [];
    var res = ph.result || {};
    if (res.defended_area) res.defended_area.launch_areas.forEach(function (a) { la.push({ name: a.name, lat: a.lat_deg, lon: a.lon_deg }); });
    if (ph.dispute && R.dispute) R.dispute.threats.forEach(function (t) { la.push({ name: t.launch, lat: t.launch_lat_deg, lon: t.launch_lon_deg }); });
    d['launch-areas'] = la;
    d['sensors'] = sensors.map(function (s) { return { name: s.id, lat: s.lat_deg, lon: s.lon_deg }; });
    d['sites'] = (res.sites || []).map(function (s) { return { name: s.name, lat: s.lat_deg, lon: s.lon_deg }; });
    return d;
  }
  function hasData(v) { return Array.isArray(v) ? v.length > 0 : !!v; }

  function buildToggles(ph) {
    var box = $('layers');
    box.textContent = '';
    var d = layerData(ph);
    mapPhase = { ph: ph, data: d };
    LAYERS.forEach(function (L) {
      if (!hasData(d[L.id])) return;
      if (!(L.id in layerOn)) layerOn[L.id] = true;
      var lab = el('label');
      var cb = el('input', { type: 'checkbox', class: 'layer-toggle', 'data-layer': L.id });
      cb.checked = layerOn[L.id];
      cb.addEventListener('change', function () { layerOn[L.id] = cb.checked; drawMap(); });
      var sw = el('span', { class: 'swatch' + (L.kind === 'line' ? ' line' : L.kind === 'dot' ? ' dot' : '') });
      sw.style.background = L.kind === 'fill' ? L.color : L.color;
      if (L.stroke) sw.style.borderColor = L.stroke;
      lab.appendChild(cb);
      lab.appendChild(sw);
      lab.appendChild(document.createTextNode(L.label));
      box.appendChild(lab);
    });
    var src = [];
    if (hasData(d['defended-areas'])) src.push('defended areas: defended_area_*.geojson');
    if (hasData(d['safe-zones'])) src.push('safe zones: safe_zones.geojson');
    if (hasData(d['kaliningrad'])) src.push('Kaliningrad: kaliningrad.geojson');
    $('map-note').textContent = 'Conformal conic projection; coastlines and borders: Natural Earth 1:50m (world-atlas). ' +
      (src.length ? 'Layers from the run: ' + src.join('; ') + '. ' : '') +
      'Radar coverage: the instrumented range drawn on the ground over the field of regard in azimuth (a target must also be above the horizon and within elevation limits).';
  }

  /* GeoJSON (RFC 7946) winds exterior rings counterclockwise; d3-geo, on the sphere, takes a
   * ring's inside to be on its right. A polygon whose area comes out larger than a hemisphere is
   * the complement of what was meant: its rings are reversed (once). */
  function rewind(f) {
    var g = f.geometry;
    if (f._bmdWound || !g) return f;
    f._bmdWound = true;
    var polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    polys.forEach(function (p) {
      if (d3.geoArea({ type: 'Polygon', coordinates: p }) > 2 * Math.PI) p.forEach(function (r) { r.reverse(); });
    });
    return f;
  }

  /* The projected outline of a GeoJSON object, computed once per object: the projection is fixed,
   * and projecting and clipping the world's coastlines is most of the cost of a draw (a layer
   * toggle redraws from these). */
  var projected = new WeakMap();
  function outline(obj) {
    var p = projected.get(obj);
    if (!p) {
      p = new Path2D();
      d3.geoPath(projection, p)(obj);
      projected.set(obj, p);
    }
    return p;
  }

  function drawMap() {
    if (!world || !mapPhase) return;
    try {
      var canvas = document.querySelector('#map2d canvas');
      var ctx = canvas.getContext('2d');
      var W = canvas.width, H = canvas.height;
      ctx.clearRect(0, 0, W, H);
      ctx.fillStyle = '#dce9f5';
      ctx.fillRect(0, 0, W, H);
      ctx.strokeStyle = 'rgba(80,100,130,0.25)'; ctx.lineWidth = 0.6; ctx.stroke(outline(world.graticule));
      ctx.fillStyle = '#f3f1ea'; ctx.fill(outline(world.land));
      ctx.strokeStyle = '#b9b4a8'; ctx.lineWidth = 0.6; ctx.stroke(outline(world.borders));
      ctx.strokeStyle = '#8d99a6'; ctx.lineWidth = 0.7; ctx.stroke(outline(world.land));
      var d = mapPhase.data;
      LAYERS.forEach(function (L) {
        if (!layerOn[L.id] || !hasData(d[L.id])) return;
        var v = d[L.id];
        if (L.id === 'threat-tracks') {
          v.forEach(function (t) {
            if (!t._bmdLine) t._bmdLine = { type: 'LineString', coordinates: t.pts.map(function (p) { return [p[1], p[2]]; }) };
            ctx.strokeStyle = t.color; ctx.lineWidth = 2; ctx.stroke(outline(t._bmdLine));
            var last = t.pts[t.pts.length - 1];
            var q = last && projection([last[1], last[2]]);
            if (q) { ctx.beginPath(); ctx.moveTo(q[0] - 4, q[1] - 4); ctx.lineTo(q[0] + 4, q[1] + 4); ctx.moveTo(q[0] + 4, q[1] - 4); ctx.lineTo(q[0] - 4, q[1] + 4); ctx.stroke(); }
          });
        } else if (L.id === 'defended-assets') {
          v.forEach(function (a) {
            if (!a._bmdCircle) a._bmdCircle = d3.geoCircle().center([a.lon, a.lat]).radius(a.r / 111.195)();
            var o = outline(a._bmdCircle);
            ctx.fillStyle = L.color; ctx.fill(o); ctx.strokeStyle = L.stroke; ctx.lineWidth = 1; ctx.stroke(o);
            label(ctx, a.lon, a.lat, a.name, '#7a3800', 8, 12);
          });
        } else if (L.kind === 'dot') {
          v.forEach(function (p) {
            var q = projection([p.lon, p.lat]);
            if (!q) return;
            ctx.beginPath();
            if (L.id === 'sites') { ctx.rect(q[0] - 5, q[1] - 5, 10, 10); }
            else if (L.id === 'sensors') { ctx.moveTo(q[0], q[1] - 7); ctx.lineTo(q[0] + 6, q[1] + 5); ctx.lineTo(q[0] - 6, q[1] + 5); ctx.closePath(); }
            else ctx.arc(q[0], q[1], 4.5, 0, 2 * Math.PI);
            ctx.fillStyle = L.color; ctx.fill(); ctx.strokeStyle = '#fff'; ctx.lineWidth = 1.2; ctx.stroke();
            label(ctx, p.lon, p.lat, p.name, L.id === 'sites' ? '#111' : L.color, 8, -6);
          });
        } else {
          v.forEach(function (fc) {
            (fc.features || [fc]).forEach(function (f) {
              var o = outline(rewind(f));
              var g = f.geometry && f.geometry.type;
              if (L.kind === 'fill' && g !== 'LineString' && g !== 'MultiLineString') {
                ctx.fillStyle = L.color; ctx.fill(o); ctx.strokeStyle = L.stroke; ctx.lineWidth = 1; ctx.stroke(o);
              } else { ctx.strokeStyle = L.color === undefined ? '#000' : (L.stroke || L.color); ctx.lineWidth = 1.6; ctx.stroke(o); }
            });
          });
        }
      });
      /* Scale bar (1000 km at the map's centre latitude, approximately). */
      var c0 = projection.invert([W / 2, H - 30]);
      if (c0) {
        var a = projection(c0), b = projection(dest(c0[1], c0[0], 90, 1000));
        if (a && b) {
          ctx.strokeStyle = '#222'; ctx.lineWidth = 2; ctx.beginPath();
          ctx.moveTo(30, H - 24); ctx.lineTo(30 + (b[0] - a[0]), H - 24); ctx.stroke();
          ctx.fillStyle = '#222'; ctx.font = '12px DejaVu Sans, Arial'; ctx.fillText('1000 km', 30, H - 30);
        }
      }
      if (STATUS.map2d !== 'drawn') {
        /* When the map was first drawn, and when that frame was shown (the first animation
         * frame after it), in ms from navigation start: for tests and BMD_STATUS readers. */
        STATUS.map2d_ms = performance.now();
        requestAnimationFrame(function () {
          STATUS.map2d_shown_ms = performance.now();
          if (mapShown) { var f = mapShown; mapShown = null; f(); }
        });
      }
      STATUS.map2d = 'drawn';
    } catch (e) {
      STATUS.map2d = 'error';
      fail('map2d', e);
    }
  }
  function label(ctx, lon, lat, text, color, dx, dy) {
    var q = projection([lon, lat]);
    if (!q) return;
    ctx.font = '11.5px DejaVu Sans, Arial';
    ctx.lineWidth = 3; ctx.strokeStyle = 'rgba(255,255,255,0.85)';
    ctx.strokeText(text, q[0] + dx, q[1] + dy);
    ctx.fillStyle = color; ctx.fillText(text, q[0] + dx, q[1] + dy);
  }

  /* Called once, after the map's first frame is shown (or at once when there is no map). */
  var mapShown = null;
  function afterMapShown(f) {
    if (STATUS.map2d === 'pending' && R.assets.map2d) mapShown = f;
    else f();
  }

  function initMap() {
    if (!R.assets.map2d) {
      STATUS.map2d = 'error';
      var m = $('map-missing');
      m.hidden = false;
      m.innerHTML = 'The 2D map is unavailable: its libraries (d3-geo, topojson-client, world-atlas) were not installed when this report was written. Install them with <code>bash scripts/web.sh</code> in bmdsim\'s source tree, then rewrite the report with <code>bmdsim report DIR</code>.';
      document.querySelector('#map2d').style.display = 'none';
      return;
    }
    loadScripts(['report/lib/d3-array.min.js', 'report/lib/d3-geo.min.js', 'report/lib/topojson-client.min.js', 'report/lib/world.js'], function (err) {
      if (err) { STATUS.map2d = 'error'; fail('map2d', err); return; }
      try {
        var w = window.BMD_WORLD;
        world = {
          land: topojson.merge(w, w.objects.countries.geometries),
          borders: topojson.mesh(w, w.objects.countries, function (a, b) { return a !== b; }),
          graticule: d3.geoGraticule10()
        };
        var canvas = document.querySelector('#map2d canvas');

        /* Europe and the North Atlantic, from Newfoundland to the Caspian, Morocco to Svalbard. */
        projection = d3.geoConicConformal().rotate([-10, 0]).parallels([35, 65])
          .fitExtent([[8, 8], [canvas.width - 8, canvas.height - 8]], { type: 'MultiPoint', coordinates: [[-50, 40], [58, 32], [-40, 66], [20, 76], [60, 60], [10, 29]] })
          .clipExtent([[0, 0], [canvas.width, canvas.height]]);

        drawMap();
      } catch (e) { STATUS.map2d = 'error'; fail('map2d', e); }
    });
  }

  function loadScripts(list, done) {
    var i = 0;
    (function next() {
      if (i >= list.length) { done(null); return; }
      var s = document.createElement('script');
      s.src = list[i++];
      s.onload = next;
      s.onerror = function () { done(new Error('cannot load ' + s.src)); };
      document.head.appendChild(s);
    })();
  }

  /* ---------------------------------------------------------------- globe */

  function rgba(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255, a];
  }
  function iso(t) { return new Date(EPOCH_MS + t * 1000).toISOString(); }

  /* A CZML document for a phase that has no scenario.czml: threat trajectories, sites, radars. */
  function czmlOf(ph) {
    if (ph.czml) return ph.czml;
    var tEnd = 0;
    ph.tracks.forEach(function (t) { var l = t.pts[t.pts.length - 1]; if (l && l[0] > tEnd) tEnd = l[0]; });
    if (tEnd <= 0) tEnd = 60;
    var doc = [{ id: 'document', name: ph.result.scenario, version: '1.0',
      clock: { interval: iso(0) + '/' + iso(tEnd), currentTime: iso(0), multiplier: Math.max(5, Math.round(tEnd / 60)), range: 'LOOP_STOP', step: 'SYSTEM_CLOCK_MULTIPLIER' } }];
    ph.tracks.forEach(function (t, i) {
      var c = [];
      t.pts.forEach(function (p) { c.push(p[0], p[1], p[2], p[3] * 1e3); });
      if (t.pts.length < 2) return;
      doc.push({ id: 'threat-' + (i + 1), name: t.name,
        availability: iso(t.pts[0][0]) + '/' + iso(t.pts[t.pts.length - 1][0]),
        position: { epoch: iso(0), cartographicDegrees: c },
        point: { color: { rgba: rgba(t.color, 255) }, pixelSize: 7, outlineColor: { rgba: [255, 255, 255, 255] }, outlineWidth: 1 },
        path: { material: { solidColor: { color: { rgba: rgba(t.color, 220) } } }, width: 2, leadTime: 0, trailTime: 1e6, resolution: 20 } });
    });
    var d = layerData(ph);
    d.sites.forEach(function (s, i) {
      doc.push({ id: 'site-' + i, name: s.name, position: { cartographicDegrees: [s.lon, s.lat, 0] },
        point: { color: { rgba: [20, 20, 20, 255] }, pixelSize: 9, outlineColor: { rgba: [255, 255, 255, 255] }, outlineWidth: 2 },
        label: { text: s.name, font: '12px sans-serif', fillColor: { rgba: [255, 255, 255, 255] }, pixelOffset: { cartesian2: [10, -8] }, horizontalOrigin: 'LEFT' } });
    });
    d.sensors.forEach(function (s, i) {
      doc.push({ id: 'sensor-' + i, name: s.name, position: { cartographicDegrees: [s.lon, s.lat, 0] },
        point: { color: { rgba: [31, 119, 180, 255] }, pixelSize: 8 } });
    });
    return doc;
  }

  var viewer = null, globeLoad = 0;
  function initGlobe() {
    var msg = $('globe-missing');
    if (!R.assets.globe) {
      STATUS.globe = 'unavailable';
      msg.hidden = false;
      msg.innerHTML = 'The 3D globe is unavailable: CesiumJS was not installed when this report was written. Install it with <code>bash scripts/web.sh</code> in bmdsim\'s source tree, then rewrite the report with <code>bmdsim report DIR</code>.';
      return;
    }
    if (location.protocol === 'file:') {
      STATUS.globe = 'unavailable';
      msg.hidden = false;
      msg.innerHTML = 'The 3D globe needs the page served over http: CesiumJS reads its imagery and tables with requests that browsers refuse to pages opened from <code>file://</code>. Open with: <code>bmdsim serve DIR</code>, then the address it prints. Everything else on this page works from the file.';
      return;
    }
    $('globe-note').textContent = 'Threats, interceptor fly-outs (schematic straight lines from the site to the intercept point) and intercept points over time, from the run\'s CZML (scenario.czml, or built from the trajectory tables). Imagery: Natural Earth II, bundled with CesiumJS. Drag to turn the globe; the timeline below it plays the raid.';
    window.CESIUM_BASE_URL = 'report/cesium/';
    var css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = 'report/cesium/Widgets/widgets.css';
    document.head.appendChild(css);
    /* CesiumJS (6 MB of script, then a WebGL context) is loaded only after the 2D map has been
     * shown, so that it does not hold the page's one thread while the map waits. */
    afterMapShown(function () { setTimeout(loadGlobe, 0); });
  }

  function loadGlobe() {
    loadScripts(['report/cesium/Cesium.js'], function (err) {
      if (err) { STATUS.globe = 'error'; fail('globe', err); return; }
      try {
        var C = window.Cesium;
        viewer = new C.Viewer('globe', {
          baseLayer: C.ImageryLayer.fromProviderAsync(
            C.TileMapServiceImageryProvider.fromUrl(C.buildModuleUrl('Assets/Textures/NaturalEarthII'))),
          terrainProvider: new C.EllipsoidTerrainProvider(),
          baseLayerPicker: false, geocoder: false, homeButton: false, sceneModePicker: false,
          navigationHelpButton: false, fullscreenButton: false, vrButton: false,
          infoBox: true, selectionIndicator: true, animation: true, timeline: true,
          /* Draw a frame only when something changed (the camera, the clock, a tile): an idle
           * globe then costs nothing, which matters where WebGL runs in software. */
          requestRenderMode: true,
          msaaSamples: 1, skyBox: false
        });
        viewer.scene.moon = undefined;
        viewer.scene.sun = undefined;
        viewer.scene.skyAtmosphere.show = false;
        viewer.scene.globe.showGroundAtmosphere = false;
        viewer.scene.fog.enabled = false;
        viewer.scene.globe.enableLighting = false;
        window.BMD_VIEWER = viewer; /* for tests and the browser's console */
        showGlobePhase(currentPhase);
      } catch (e) { STATUS.globe = 'error'; fail('globe', e); }
    });
  }

  /* The rectangle (west, south, east, north; deg) the globe opens on: the threats, sites and
   * radars of the phase, with a margin. */
  function viewRect(ph) {
    var w = 180, e = -180, so = 90, n = -90;
    function add(lon, lat) { w = Math.min(w, lon); e = Math.max(e, lon); so = Math.min(so, lat); n = Math.max(n, lat); }
    ph.tracks.forEach(function (t) { t.pts.forEach(function (p) { add(p[1], p[2]); }); });
    var d = layerData(ph);
    d.sites.concat(d.sensors, d['launch-areas']).forEach(function (p) { add(p.lon, p.lat); });
    if (w > e) return [-30, 25, 60, 72];
    var pad = Math.max(4, 0.15 * Math.max(e - w, n - so));
    return [Math.max(-180, w - pad), Math.max(-85, so - pad), Math.min(180, e + pad), Math.min(85, n + pad)];
  }

  function showGlobePhase(ph) {
    if (!viewer) return;
    var C = window.Cesium;
    var mine = ++globeLoad;
    viewer.dataSources.removeAll();
    var loaded = false;
    C.CzmlDataSource.load(czmlOf(ph)).then(function (ds) {
      if (mine !== globeLoad) return;
      viewer.dataSources.add(ds);
      viewer.clock.shouldAnimate = false;
      var r = viewRect(ph);
      viewer.camera.flyTo({ destination: C.Rectangle.fromDegrees(r[0], r[1], r[2], r[3]), duration: 0 });
      loaded = true;
      viewer.scene.requestRender();
    }).catch(function (e) { STATUS.globe = 'error'; fail('globe', e); });
    if (STATUS.globe === 'ready') return;
    var onRender = function () {
      if (loaded && viewer.scene.globe.tilesLoaded) {
        STATUS.globe_ms = performance.now();
        STATUS.globe = 'ready';
        viewer.scene.postRender.removeEventListener(onRender);
      }
    };
    viewer.scene.postRender.addEventListener(onRender);
  }

  /* ---------------------------------------------------------------- timeline */

  var SVGNS = 'http://www.w3.org/2000/svg';
  function sv(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function drawTimeline(ph) {
    var box = $('timeline');
    box.textContent = '';
    STATUS.timeline = [];
    var res = ph.result || {};
    var rows = [];
    if (res.raid) {
      $('timeline-note').textContent = 'Run 0 of the raid (summary.json, raid_shots.csv): each threat\'s flight from launch to impact or kill, its first confirmed track, launch authority (track plus the command delay), then one thin row per radar with its first detection of the threat and its confirmed track (the threat\'s first track is the earliest of these), and each interceptor shot from launch to intercept. Times in seconds from the raid\'s start.';
      var shots = parseCsv(ph.tables && ph.tables.raid_shots);
      res.raid.threats_run0.forEach(function (t, i) {
        var tr = ph.tracks[i];
        var end = tr && tr.pts.length ? tr.pts[tr.pts.length - 1][0] : t.launch_s;
        var r = { label: 'threat ' + (i + 1) + ': ' + t.missile + (t.leaked ? ' (leaked)' : ''), color: tr ? tr.color : '#d62728',
          bar: [t.launch_s, end], marks: [], sub: [], sensors: [] };
        (t.sensors || []).forEach(function (q) {
          r.sensors.push({ sensor: q.sensor, first_detection_s: q.first_detection_s, track_confirmed_s: q.track_confirmed_s });
        });
        if (t.tracked_s !== null && t.tracked_s !== undefined) r.marks.push({ t: t.tracked_s, kind: 'track', text: 'track' });
        if (t.launch_authority_s !== null && t.launch_authority_s !== undefined) r.marks.push({ t: t.launch_authority_s, kind: 'auth', text: 'launch authority' });
        shots.forEach(function (s) {
          if (s.threat !== i) return;
          r.sub.push({ label: s.site + ' (' + s.interceptors + ' × ' + (ph.result.sites.filter(function (x) { return x.name === s.site; })[0] || {}).interceptor + ')',
            bar: [s.launch_s, s.intercept_s], kill: s.kill === 'true' || s.kill === true, alt: s.altitude_km });
        });
        rows.push(r);
      });
    } else if (ph.tables && ph.tables.feasibility_matrix) {
      var fm = parseCsv(ph.tables.feasibility_matrix);
      var cues = {};
      fm.forEach(function (r) { cues[r.cue] = true; });
      var cue = cues['early-warning'] ? 'early-warning' : Object.keys(cues)[0];
      $('timeline-note').textContent = 'Per threat (feasibility_matrix.csv, cue "' + cue + '", no extra launch delay): the flight from launch to impact, and per site the time from the earliest launch the cue allows to the earliest intercept. Times in seconds from the threat\'s launch.';
      var thr = (res.feasibility_matrix && res.feasibility_matrix.threats) || [];
      thr.forEach(function (t, i) {
        var r = { label: t.missile + ', ' + t.base + ' → ' + t.target, color: PALETTE[i % PALETTE.length], bar: [0, t.flight_time_s || 0], marks: [], sub: [] };
        if (t.burnout_time_s) r.marks.push({ t: t.burnout_time_s, kind: 'bo', text: 'burnout' });
        fm.forEach(function (c) {
          if (c.base !== t.base || c.target !== t.target || c.missile !== t.missile || c.cue !== cue || +c.launch_delay_s !== 0) return;
          var ok = c.engageable === 'true' || c.engageable === true;
          r.sub.push({ label: c.site, bar: ok ? [c.earliest_launch_allowed_s, c.earliest_intercept_s] : null, kill: ok, why: c.reason, start: c.earliest_launch_allowed_s });
        });
        rows.push(r);
      });
    } else if (ph.tracks.length) {
      $('timeline-note').textContent = 'Flight of each threat from launch to impact (no engagement in this part of the run). Times in seconds from launch.';
      ph.tracks.forEach(function (t) {
        rows.push({ label: t.name, color: t.color, bar: [t.pts[0][0], t.pts[t.pts.length - 1][0]], marks: [], sub: [] });
      });
    } else {
      $('timeline-note').textContent = 'This part of the run has no threats flown against the defence (no raid and no feasibility matrix).';
      return;
    }
    var tMax = 0;
    var known = function (v) { return typeof v === 'number' && isFinite(v); };
    /* A radar's name on its row: its id, and its place where the scenario has two of that id
     * (summary.json's sensors are in the order of inputs.json's). */
    var radars = (ph.inputs && ph.inputs.sensors) || [];
    var radarName = function (q, k) {
      var a = radars[k];
      var same = radars.filter(function (b) { return b.id === q.sensor; }).length;
      if (same < 2 || !a || a.id !== q.sensor) return q.sensor;
      return q.sensor + ' at ' + fmt(Math.abs(a.lat_deg), 2) + '° ' + (a.lat_deg < 0 ? 'S' : 'N') + ' ' +
        fmt(Math.abs(a.lon_deg), 2) + '° ' + (a.lon_deg < 0 ? 'W' : 'E');
    };
    rows.forEach(function (r) {
      tMax = Math.max(tMax, r.bar[1]);
      r.sub.forEach(function (s) { if (s.bar) tMax = Math.max(tMax, s.bar[1]); });
      (r.sensors || []).forEach(function (q) {
        if (known(q.first_detection_s)) tMax = Math.max(tMax, q.first_detection_s);
        if (known(q.track_confirmed_s)) tMax = Math.max(tMax, q.track_confirmed_s);
      });
    });
    tMax = Math.max(60, Math.ceil(tMax / 60) * 60);
    STATUS.timeline = rows;
    var W = 1300, L = 330, Rm = 20, rowH = 20, subH = 16, sensH = 13;
    var n = 0;
    var nSensors = 0;
    rows.forEach(function (r) {
      var ns = r.sensors ? r.sensors.length : 0;
      nSensors += ns;
      n += rowH + ns * sensH + r.sub.length * subH + 6;
    });
    var H = n + 50;
    var s = sv('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    s.appendChild(sv('title', {}, 'Engagement timeline'));
    var x = function (t) { return L + (W - L - Rm) * t / tMax; };
    var step = tMax <= 600 ? 60 : tMax <= 1800 ? 300 : 600;
    for (var t = 0; t <= tMax + 1e-9; t += step) {
      s.appendChild(sv('line', { x1: x(t), x2: x(t), y1: 20, y2: H - 24, stroke: '#e1e5ea' }));
      s.appendChild(sv('text', { x: x(t), y: H - 8, 'text-anchor': 'middle', fill: '#5b6575' }, String(t)));
    }
    s.appendChild(sv('text', { x: W - Rm, y: 12, 'text-anchor': 'end', fill: '#5b6575' }, 'time (s)'));
    var y = 24;
    rows.forEach(function (r) {
      s.appendChild(sv('text', { x: 4, y: y + 13, fill: '#1d2430', 'font-weight': 600 }, r.label));
      s.appendChild(sv('rect', { x: x(r.bar[0]), y: y + 3, width: Math.max(1, x(r.bar[1]) - x(r.bar[0])), height: 12, fill: r.color, opacity: 0.75 }));
      r.marks.forEach(function (m) {
        var col = m.kind === 'track' ? '#1f77b4' : m.kind === 'auth' ? '#111' : '#555';
        s.appendChild(sv('line', { x1: x(m.t), x2: x(m.t), y1: y, y2: y + 18, stroke: col, 'stroke-width': 2.5 }));
        var tt = sv('title', {}, m.text + ': ' + fmt(m.t, 1) + ' s');
        s.lastChild.appendChild(tt);
      });
      y += rowH;
      (r.sensors || []).forEach(function (q, k) {
        var cy = y + 6.5;
        var name = radarName(q, k);
        s.appendChild(sv('text', { x: 22, y: y + 10, fill: '#5b6575', 'font-size': '11px' }, name));
        var fd = known(q.first_detection_s), tc = known(q.track_confirmed_s);
        if (fd && tc) s.appendChild(sv('line', { x1: x(q.first_detection_s), x2: x(q.track_confirmed_s), y1: cy, y2: cy, stroke: '#1f77b4', 'stroke-width': 1 }));
        var diamond = function (t, cls, fill, text) {
          var cx = x(t);
          var d = sv('polygon', { class: cls, points: cx + ',' + (cy - 4.5) + ' ' + (cx + 4.5) + ',' + cy + ' ' + cx + ',' + (cy + 4.5) + ' ' + (cx - 4.5) + ',' + cy,
            fill: fill, stroke: '#1f77b4', 'stroke-width': 1.5 });
          d.appendChild(sv('title', {}, name + ': ' + text + ' ' + fmt(t, 1) + ' s'));
          s.appendChild(d);
        };
        if (fd) diamond(q.first_detection_s, 'sensor-detection', '#fff', 'first detection');
        if (tc) diamond(q.track_confirmed_s, 'sensor-track', '#1f77b4', 'track confirmed');
        if (!fd || !tc) {
          var at = fd ? x(q.first_detection_s) + 8 : x(r.bar[0]) + 4;
          s.appendChild(sv('text', { x: at, y: y + 10, fill: '#7a8391', 'font-size': '11px', 'font-style': 'italic' },
            fd ? 'no confirmed track' : 'never detects it'));
        }
        y += sensH;
      });
      r.sub.forEach(function (sb) {
        s.appendChild(sv('text', { x: 22, y: y + 11, fill: '#3b4453' }, sb.label));
        if (sb.bar) {
          s.appendChild(sv('rect', { x: x(sb.bar[0]), y: y + 3, width: Math.max(1, x(sb.bar[1]) - x(sb.bar[0])), height: 9, fill: sb.kill ? '#2ca02c' : '#7f7f7f' }));
          var end = sv('circle', { cx: x(sb.bar[1]), cy: y + 7.5, r: 4.5, fill: sb.kill ? '#2ca02c' : '#fff', stroke: '#1d2430' });
          end.appendChild(sv('title', {}, (sb.alt !== undefined ? (sb.kill ? 'kill' : 'miss') + ' at ' + fmt(sb.alt, 0) + ' km, ' : 'earliest intercept ') + fmt(sb.bar[1], 1) + ' s'));
          s.appendChild(end);
        } else {
          s.appendChild(sv('text', { x: x(sb.start || 0) + 4, y: y + 11, fill: '#7a2a22' }, 'no window: ' + (sb.why || '')));
        }
        y += subH;
      });
      y += 6;
    });
    box.appendChild(s);
    var lg = el('div', { class: 'legend' });
    var legend = [['#d62728', 'threat in flight (launch to impact or kill)'], ['#1f77b4', '| first confirmed track'], ['#111', '| launch authority']];
    if (nSensors) legend.push(['#1f77b4', 'per radar (its name on the thin row): ◇ first detection, ◆ track confirmed']);
    legend.push(['#2ca02c', res.raid ? 'interceptor: launch to intercept (● kill, ○ miss)' : 'earliest launch allowed to earliest intercept']);
    legend.forEach(function (p) {
      var sp = el('span');
      var sw = el('span', { class: 'swatch' });
      sw.style.background = p[0];
      sp.appendChild(sw);
      sp.appendChild(document.createTextNode(p[1]));
      lg.appendChild(sp);
    });
    box.appendChild(lg);
  }

  /* ---------------------------------------------------------------- feasibility matrix */

  function drawMatrix(ph) {
    var box = $('matrix');
    box.textContent = '';
    var csv = ph.tables && ph.tables.feasibility_matrix;
    if (!csv) {
      $('matrix-note').textContent = 'This part of the run has no feasibility matrix (the scenario asks for none).';
      return;
    }
    var rows = parseCsv(csv);
    var delays = [], sites = [], cues = [], threats = [];
    rows.forEach(function (r) {
      if (delays.indexOf(r.launch_delay_s) < 0) delays.push(r.launch_delay_s);
      if (sites.indexOf(r.site) < 0) sites.push(r.site);
      if (cues.indexOf(r.cue) < 0) cues.push(r.cue);
      var k = r.missile + ', ' + r.base + ' → ' + r.target;
      if (threats.indexOf(k) < 0) threats.push(k);
    });
    $('matrix-note').textContent = 'Can each site engage each threat under each cue (assumption set of how the defence first learns of the launch)? ✓: an intercept window exists, with the earliest intercept in s after the threat\'s launch (hover for its altitude and closing speed); ✗: none (hover for why). From feasibility_matrix.csv.';
    delays.forEach(function (dl) {
      box.appendChild(el('h3', null, 'Extra launch delay ' + dl + ' s'));
      var t = el('table', { class: 'matrix' });
      var h1 = el('tr'); h1.appendChild(el('th', { rowspan: 2 }, 'threat'));
      sites.forEach(function (s) { h1.appendChild(el('th', { colspan: cues.length }, s)); });
      t.appendChild(h1);
      var h2 = el('tr');
      sites.forEach(function () { cues.forEach(function (c) { h2.appendChild(el('th', null, c)); }); });
      t.appendChild(h2);
      threats.forEach(function (th) {
        var tr = el('tr');
        tr.appendChild(el('td', { class: 'rowhead' }, th));
        sites.forEach(function (s) {
          cues.forEach(function (c) {
            var r = rows.filter(function (x) { return x.site === s && x.cue === c && x.launch_delay_s === dl && (x.missile + ', ' + x.base + ' → ' + x.target) === th; })[0];
            if (!r) { tr.appendChild(el('td', null, '')); return; }
            var ok = r.engageable === 'true' || r.engageable === true;
            var td = el('td', { class: ok ? 'yes' : 'no' }, ok ? '✓ ' + fmt(r.earliest_intercept_s, 0) + ' s' : '✗');
            td.title = ok ? 'earliest intercept ' + fmt(r.earliest_intercept_s, 1) + ' s at ' + fmt(r.intercept_altitude_km, 0) + ' km, closing ' + fmt(r.closing_speed_km_s, 2) + ' km/s' : r.reason;
            tr.appendChild(td);
          });
        });
        t.appendChild(tr);
      });
      box.appendChild(t);
    });
    var why = {};
    rows.forEach(function (r) { if (!(r.engageable === 'true' || r.engageable === true)) why[r.reason] = (why[r.reason] || 0) + 1; });
    var keys = Object.keys(why);
    if (keys.length) {
      box.appendChild(el('h3', null, 'Why not (cells ✗, by reason)'));
      box.appendChild(table(['reason', 'cells'], keys.map(function (k) { return [k, why[k]]; })));
    }
  }

  /* ---------------------------------------------------------------- trajectory plots */

  function niceStep(span) {
    var p = Math.pow(10, Math.floor(Math.log10(span / 5)));
    var m = span / 5 / p;
    return p * (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10);
  }
  function plot(canvas, series, xLabel, yLabel) {
    var ctx = canvas.getContext('2d');
    var W = canvas.width, H = canvas.height, l = 62, r = 14, t = 14, b = 44;
    ctx.clearRect(0, 0, W, H);
    var xm = 0, ym = 0;
    series.forEach(function (s) { s.xy.forEach(function (p) { xm = Math.max(xm, p[0]); ym = Math.max(ym, p[1]); }); });
    if (!(xm > 0)) xm = 1;
    if (!(ym > 0)) ym = 1;
    var xs = niceStep(xm), ys = niceStep(ym);
    xm = Math.ceil(xm / xs) * xs; ym = Math.ceil(ym / ys) * ys;
    var X = function (v) { return l + (W - l - r) * v / xm; }, Y = function (v) { return H - b - (H - t - b) * v / ym; };
    ctx.font = '11.5px DejaVu Sans, Arial';
    ctx.fillStyle = '#5b6575';
    ctx.strokeStyle = '#e1e5ea';
    ctx.lineWidth = 1;
    for (var v = 0; v <= xm + 1e-9; v += xs) { ctx.beginPath(); ctx.moveTo(X(v), t); ctx.lineTo(X(v), H - b); ctx.stroke(); ctx.textAlign = 'center'; ctx.fillText(String(+v.toFixed(6)), X(v), H - b + 15); }
    for (v = 0; v <= ym + 1e-9; v += ys) { ctx.beginPath(); ctx.moveTo(l, Y(v)); ctx.lineTo(W - r, Y(v)); ctx.stroke(); ctx.textAlign = 'right'; ctx.fillText(String(+v.toFixed(6)), l - 6, Y(v) + 4); }
    ctx.strokeStyle = '#1d2430';
    ctx.beginPath(); ctx.moveTo(l, t); ctx.lineTo(l, H - b); ctx.lineTo(W - r, H - b); ctx.stroke();
    ctx.fillStyle = '#1d2430'; ctx.textAlign = 'center';
    ctx.fillText(xLabel, l + (W - l - r) / 2, H - 8);
    ctx.save(); ctx.translate(14, t + (H - t - b) / 2); ctx.rotate(-Math.PI / 2); ctx.fillText(yLabel, 0, 0); ctx.restore();
    series.forEach(function (s) {
      ctx.beginPath();
      s.xy.forEach(function (p, i) { if (i) ctx.lineTo(X(p[0]), Y(p[1])); else ctx.moveTo(X(p[0]), Y(p[1])); });
      ctx.strokeStyle = s.color; ctx.lineWidth = 1.8; ctx.stroke();
    });
  }
  function drawPlots(ph) {
    var lg = $('traj-legend');
    lg.textContent = '';
    if (!ph.tracks.length) {
      $('traj-note').textContent = 'This part of the run flies no threat trajectories.';
      ['plot-range', 'plot-time'].forEach(function (id) { $(id).getContext('2d').clearRect(0, 0, 620, 380); });
      return;
    }
    $('traj-note').textContent = 'Each threat\'s flight over the rotating WGS-84 Earth (bmdsim\'s flight model: J2 gravity, drag); ground range along the great circle from the launch point on a sphere of mean radius. ' +
      (ph.czml ? 'From scenario.czml (threats drawn until their kill or impact).' : 'From ' + (ph.tables.threat_trajectories ? 'threat_trajectories.csv.' : 'trajectories.csv.'));
    var sr = [], st = [];
    ph.tracks.forEach(function (tr) {
      var p0 = tr.pts[0], t0 = p0[0];
      sr.push({ color: tr.color, xy: tr.pts.map(function (p) { return [gcKm(p0[2], p0[1], p[2], p[1]), p[3]]; }) });
      st.push({ color: tr.color, xy: tr.pts.map(function (p) { return [p[0] - t0, p[3]]; }) });
      var sp = el('span');
      var sw = el('span', { class: 'swatch line' });
      sw.style.background = tr.color;
      sp.appendChild(sw);
      sp.appendChild(document.createTextNode(tr.name));
      lg.appendChild(sp);
    });
    plot($('plot-range'), sr, 'ground range from launch (km)', 'altitude (km)');
    plot($('plot-time'), st, 'time from launch (s)', 'altitude (km)');
  }

  /* ---------------------------------------------------------------- provenance */

  function drawProvenance(ph) {
    var box = $('provenance');
    box.textContent = '';
    var inp = ph.inputs;
    var res = ph.result || {};
    var rows = [['bmdsim version', R.bmdsim_version || (inp && inp.bmdsim_version) || '–'], ['report written by', R.generator]];
    if (inp) {
      rows.push(['scenario', inp.scenario]);
      rows.push(['scenario file', inp.scenario_file]);
      rows.push(['scenario SHA-256', { text: inp.scenario_sha256, cls: 'mono' }]);
      rows.push(['seed', String(inp.seed)]);
      inp.files.slice(1).forEach(function (f) { rows.push(['included file', { text: f.path + '  SHA-256 ' + f.sha256, cls: 'mono' }]); });
    } else if (ph.dispute) {
      rows.push(['scenario', 'built into bmdsim run (cli/cmd_run.c): the threats of the dispute, places from docs/scenarios.md']);
      rows.push(['seed', '1']);
    }
    if (res.analyses_wall_s !== undefined) rows.push(['analyses wall time', fmt(res.analyses_wall_s, 1) + ' s']);
    box.appendChild(table(['item', 'value'], rows));
    if (res.cue_definitions) {
      box.appendChild(el('h3', null, 'What each cue means in this run'));
      box.appendChild(table(['cue', 'sensor', 'where', 'delay (s)', 'set by the scenario'], res.cue_definitions.map(function (c) {
        return [c.cue, c.sensor || '–', c.where || (c.lat_deg !== undefined ? fmt(c.lat_deg, 3) + ', ' + fmt(c.lon_deg, 3) : '–'), c.delay_s, c.scenario_defined ? 'yes' : 'no (default)'];
      })));
    }
    if (inp) {
      var d1 = el('details', { open: '' });
      d1.appendChild(el('summary', null, 'Scenario parameters and their sources (' + inp.parameters.length + ')'));
      d1.appendChild(table(['field', 'value', 'source'], inp.parameters.map(function (p) { return [p.field, p.value === null ? '–' : p.value, p.source]; })));
      box.appendChild(d1);
      box.appendChild(el('h3', null, 'Catalog entries used, each value with its source'));
      inp.catalog.forEach(function (c) {
        var d = el('details');
        d.appendChild(el('summary', null, c.kind + ' ' + c.id + ': ' + c.name + (c.notional ? ' (notional)' : '') + ' — ' + c.parameters.length + ' values, catalog file ' + c.file));
        d.appendChild(table(['field', 'value', 'source'], c.parameters.map(function (p) { return [p.field, p.value === null ? '–' : p.value, p.source]; })));
        box.appendChild(d);
      });
    }
    if (ph.files && ph.files.length) {
      box.appendChild(el('h3', null, 'Files of this part of the run'));
      var ul = el('p', { class: 'note' });
      ph.files.forEach(function (f, i) {
        var a = el('a', { href: (ph.dir === '.' ? '' : ph.dir + '/') + f }, f);
        if (i) ul.appendChild(document.createTextNode(' · '));
        ul.appendChild(a);
      });
      box.appendChild(ul);
    }
  }

  /* ---------------------------------------------------------------- page */

  var currentPhase = null;
  function show(i) {
    var ph = phases[i];
    currentPhase = ph;
    var res = ph.result || {};
    $('title').textContent = res.scenario || 'bmdsim report';
    document.title = (res.scenario || 'bmdsim') + ' — bmdsim report';
    $('subtitle').textContent = 'bmdsim ' + (R.bmdsim_version || '') + (res.seed !== undefined ? ' · seed ' + res.seed : '') +
      (ph.inputs ? ' · scenario ' + ph.inputs.scenario_file + ' (SHA-256 ' + ph.inputs.scenario_sha256.slice(0, 12) + '…)' : '') +
      (R.kind === 'built-in' ? ' · the built-in December 2011 run, part ' + (i + 1) + ' of ' + phases.length : '');
    var parts = [['overview', drawOverview], ['timeline', drawTimeline], ['matrix', drawMatrix], ['plots', drawPlots], ['provenance', drawProvenance]];
    parts.forEach(function (p) { try { p[1](ph); } catch (e) { fail(p[0], e); } });
    if (R.assets.map2d) { buildToggles(ph); drawMap(); }
    showGlobePhase(ph);
  }

  function main() {
    if (!R) {
      STATUS.map2d = 'error';
      STATUS.globe = 'error';
      fail('page', 'report/data.js did not load');
      $('title').textContent = 'bmdsim report: the data (report/data.js) is missing';
      return;
    }
    buildPhases();
    $('footer').textContent = 'Written by ' + R.generator + ' (MIT licence). Libraries: d3-geo, topojson-client (ISC), world-atlas (ISC; Natural Earth data, public domain), CesiumJS (Apache-2.0). No network is used.';
    if (phases.length > 1) {
      var sel = $('phase');
      phases.forEach(function (p, i) { sel.appendChild(el('option', { value: i }, (i + 1) + '. ' + p.result.scenario)); });
      sel.addEventListener('change', function () { show(+sel.value); });
      $('phase-pick').hidden = false;
    }
    if (!phases.length) { fail('page', 'no phases in the data'); return; }
    show(0);
    initMap();
    initGlobe();
  }
  main();
})();
