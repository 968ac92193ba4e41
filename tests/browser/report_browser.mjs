// SPDX-License-Identifier: MIT
// report_browser.mjs: opens bmdsim's HTML report in Debian's headless Chromium (docs/testing.md).
//
// Runs `bmdsim run SCENARIO --out DIR` (or takes BMD_REPORT_DIR), serves DIR with `bmdsim serve
// DIR --port 0`, opens DIR/report.html over http and from file://, and fails on any console
// error, page error, failed request, answer of 400 or more, or request to anything but the
// loopback server (or DIR under file://). It waits for window.BMD_STATUS to say that the 2D map
// is drawn and the globe ready, checks that the map's and the globe's canvases are not blank
// (pixel statistics of element screenshots), toggles the layers one by one until one changes the
// map and checks that toggling it back restores it, measures the time from navigation
// start to both parts drawn, and keeps screenshots and a result.json in BMD_ARTIFACTS.
//
// Environment: BMDSIM (the binary), BMDSIM_DATA, BMD_CHROMIUM (default /usr/bin/chromium),
// BMD_ARTIFACTS (default ./browser-artifacts), BMD_BROWSER_SCENARIO (default scenario.yaml
// beside this file), BMD_REPORT_DIR (use this report instead of running bmdsim run),
// BMD_BROWSER_TIMEOUT_S (per wait, default 300: software WebGL under the sanitizers is slow).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { decodePng, pixelStats, diffShare } from './png.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const BMDSIM = process.env.BMDSIM || 'bmdsim';
const CHROMIUM = process.env.BMD_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.resolve(process.env.BMD_ARTIFACTS || 'browser-artifacts');
const SCENARIO = process.env.BMD_BROWSER_SCENARIO || path.join(here, 'scenario.yaml');
const WAIT_MS = 1000 * Number(process.env.BMD_BROWSER_TIMEOUT_S || 300);
const AIM_MS = 3000;

let passed = 0;
const failures = [];
function check(cond, what) {
  if (cond) {
    passed++;
    console.log(`ok - ${what}`);
  } else {
    failures.push(what);
    console.log(`not ok - ${what}`);
  }
  return cond;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bmd-browser-'));
let server = null;
let context = null;

async function cleanup() {
  if (context) await context.close().catch(() => {});
  context = null;
  if (server && server.exitCode === null) server.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
}

function finish() {
  console.log(`${passed} passed, ${failures.length} failed`);
  for (const f of failures) console.log(`FAILED: ${f}`);
  process.exitCode = failures.length ? 1 : 0;
}

// bmdsim run SCENARIO --out DIR: the report under test.
function makeReport() {
  if (process.env.BMD_REPORT_DIR) return path.resolve(process.env.BMD_REPORT_DIR);
  const dir = path.join(tmp, 'out');
  const t0 = Date.now();
  const r = spawnSync(BMDSIM, ['run', SCENARIO, '--out', dir], { encoding: 'utf8' });
  console.log(`bmdsim run ${path.basename(SCENARIO)} --out DIR: exit ${r.status}, ${Date.now() - t0} ms`);
  if (r.status !== 0) {
    check(false, `bmdsim run exits 0 (stderr: ${(r.stderr || String(r.error)).slice(-500)})`);
    return null;
  }
  return dir;
}

// bmdsim serve DIR --port 0 --port-file F: resolves to the port.
async function startServer(dir) {
  const pf = path.join(tmp, 'port');
  server = spawn(BMDSIM, ['serve', dir, '--port', '0', '--port-file', pf],
                 { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  server.stderr.on('data', (d) => { err += d; });
  server.stderr_text = () => err;
  const deadline = Date.now() + 30000;
  while (!fs.existsSync(pf)) {
    if (server.exitCode !== null || Date.now() > deadline)
      throw new Error(`bmdsim serve did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Number(fs.readFileSync(pf, 'utf8'));
}

async function nextFrames(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

// The 2D map's pixels: read from its 2D context in the page (fast: no frame of the page, whose
// globe SwiftShader draws slowly, is waited for), or from a screenshot of the element where the
// canvas has no 2D context or cannot be read (a tainted canvas).
async function mapPixels(page, locator) {
  const url = await locator.evaluate((c) => {
    try {
      return c.getContext('2d') ? c.toDataURL('image/png') : null;
    } catch {
      return null;
    }
  });
  const png = url ? Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')
                  : await locator.screenshot({ animations: 'disabled', timeout: WAIT_MS });
  return { img: decodePng(png), png, from: url ? 'canvas' : 'screenshot' };
}

async function shot(locator, file) {
  const buf = await locator.screenshot({ path: file, animations: 'disabled', timeout: WAIT_MS });
  return decodePng(buf);
}

// Open the report at url; every check of one load. mode: 'http' or 'file'.
async function openReport(url, mode, allowed) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (allowed(u)) return route.continue();
    problems.push(`request outside the report: ${u}`);
    return route.abort();
  });
  const result = { mode, url };
  try {
    await page.goto(url, { waitUntil: 'load', timeout: WAIT_MS });
    const hasStatus = await page.evaluate(() => typeof window.BMD_STATUS === 'object' && window.BMD_STATUS !== null);
    if (!check(hasStatus, `${mode}: the page sets window.BMD_STATUS`)) return result;
    const mapDone = await page.waitForFunction(
      () => ['drawn', 'error'].includes(window.BMD_STATUS.map2d) && performance.now(),
      null, { timeout: WAIT_MS, polling: 25 });
    result.map2d_ms = Math.round(await mapDone.jsonValue());
    const globeDone = await page.waitForFunction(
      () => ['ready', 'unavailable', 'error'].includes(window.BMD_STATUS.globe) && performance.now(),
      null, { timeout: WAIT_MS, polling: 25 });
    result.globe_ms = Math.round(await globeDone.jsonValue());
    const status = await page.evaluate(() => JSON.parse(JSON.stringify(window.BMD_STATUS)));
    result.status = status;
    // The page's own times (ms from navigation start): when the map's first frame was shown and
    // when the globe's tiles were all loaded. The polled times above come later by up to one
    // busy stretch of the page's thread (a poll waits for it), so they are kept as upper bounds.
    if (Number.isFinite(status.map2d_shown_ms)) result.map2d_ms = Math.round(status.map2d_shown_ms);
    if (Number.isFinite(status.globe_ms)) result.globe_ms = Math.round(status.globe_ms);
    result.map2d_polled_ms = Math.round(await mapDone.jsonValue());
    result.globe_polled_ms = Math.round(await globeDone.jsonValue());
    if (status.map2d === 'drawn')
      check(Number.isFinite(status.map2d_shown_ms) && status.map2d_shown_ms <= result.map2d_polled_ms,
            `${mode}: BMD_STATUS.map2d_shown_ms is set, no later than the poll saw the map (${status.map2d_shown_ms})`);
    if (status.globe === 'ready')
      check(Number.isFinite(status.globe_ms) && status.globe_ms <= result.globe_polled_ms,
            `${mode}: BMD_STATUS.globe_ms is set, no later than the poll saw the globe (${status.globe_ms})`);
    check(status.map2d === 'drawn', `${mode}: BMD_STATUS.map2d is 'drawn' (${status.map2d}; errors ${JSON.stringify(status.errors)})`);
    if (mode === 'http') {
      check(status.globe === 'ready', `${mode}: BMD_STATUS.globe is 'ready' (${status.globe}; errors ${JSON.stringify(status.errors)})`);
    } else {
      // From file:// a globe that needs http may say so plainly instead (Chromium refuses a
      // file:// page's requests for other files, which Cesium makes).
      check(status.globe === 'ready' || status.globe === 'unavailable',
            `${mode}: BMD_STATUS.globe is 'ready' or 'unavailable' (${status.globe}; errors ${JSON.stringify(status.errors)})`);
      if (status.globe === 'unavailable') {
        const text = await page.locator('body').innerText().catch(() => '');
        const at = text.indexOf('bmdsim serve');
        check(at >= 0, `${mode}: the page says to open the report with bmdsim serve` +
              (at >= 0 ? ` (${JSON.stringify(text.slice(Math.max(0, at - 120), at + 40))})` : ''));
      }
    }
    check(Array.isArray(status.errors) && status.errors.length === 0,
          `${mode}: BMD_STATUS.errors is empty (${JSON.stringify(status.errors)})`);
    result.open_ms = result.map2d_ms;
    console.log(`${mode}: 2D map shown at ${result.map2d_ms} ms, globe ${status.globe} at ${result.globe_ms} ms ` +
                `after navigation start (polled: ${result.map2d_polled_ms} and ${result.globe_polled_ms} ms; ` +
                `aim: the page open, its map shown, under ${AIM_MS} ms)`);

    // Not blank: the map's canvas, and the globe's when it is ready.
    await nextFrames(page);
    await page.screenshot({ path: path.join(ARTIFACTS, `${mode}-page.png`), fullPage: true, timeout: WAIT_MS });
    const mapCanvas = page.locator('#map2d canvas').first();
    if (check(await mapCanvas.count() === 1, `${mode}: a canvas inside #map2d`)) {
      const img = await shot(mapCanvas, path.join(ARTIFACTS, `${mode}-map.png`));
      const st = pixelStats(img);
      result.map_pixels = st;
      check(st.colours >= 16 && st.stddev >= 2,
            `${mode}: the 2D map is not blank (${img.width}x${img.height}, ${st.colours} colours, luminance sd ${st.stddev.toFixed(1)})`);
    }
    if (status.globe === 'ready') {
      const globeCanvas = page.locator('#globe canvas').first();
      if (check(await globeCanvas.count() === 1, `${mode}: a canvas inside #globe`)) {
        const img = await shot(globeCanvas, path.join(ARTIFACTS, `${mode}-globe.png`));
        const st = pixelStats(img);
        result.globe_pixels = st;
        check(st.colours >= 32 && st.stddev >= 2,
              `${mode}: the globe is not blank (${img.width}x${img.height}, ${st.colours} colours, luminance sd ${st.stddev.toFixed(1)})`);
      }
    }

    // Layer toggles: the first that changes the map at once must restore it when toggled back.
    const toggles = page.locator('input.layer-toggle[data-layer]');
    const n = await toggles.count();
    result.toggles = [];
    if (check(n > 0, `${mode}: the page has layer toggles (${n})`) && await mapCanvas.count() === 1) {
      const base = await mapPixels(page, mapCanvas);
      let changed = null;
      for (let i = 0; i < n && !changed; i++) {
        const t = toggles.nth(i);
        const layer = await t.getAttribute('data-layer');
        const click = async () => {
          try {
            await t.click({ timeout: 5000 });
          } catch {
            await t.evaluate((el) => el.click()); // a toggle styled out of view
          }
          await nextFrames(page);
        };
        await click();
        const off = await mapPixels(page, mapCanvas);
        await click();
        const back = await mapPixels(page, mapCanvas);
        const entry = { layer, read_from: base.from, changed_share: diffShare(base.img, off.img), restored_diff_share: diffShare(base.img, back.img) };
        result.toggles.push(entry);
        if (entry.changed_share > 0) {
          changed = entry;
          fs.writeFileSync(path.join(ARTIFACTS, `${mode}-map-toggled-${layer.replace(/[^\w-]/g, '_')}.png`), off.png);
          check(entry.restored_diff_share < 0.001,
                `${mode}: toggling layer '${layer}' back restores the map (${(100 * entry.restored_diff_share).toFixed(3)}% of pixels differ)`);
        }
      }
      check(changed !== null, `${mode}: a layer toggle changes the map (${result.toggles.map((e) => `${e.layer} ${(100 * e.changed_share).toFixed(2)}%`).join(', ')})`);
    }
  } catch (e) {
    check(false, `${mode}: ${e.message.split('\n')[0]}`);
  } finally {
    result.problems = problems;
    check(problems.length === 0, `${mode}: no console error, page error, failed request or outside request` +
          (problems.length ? `:\n    ${problems.slice(0, 20).join('\n    ')}` : ''));
    await page.close().catch(() => {});
  }
  return result;
}

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of fs.readdirSync(ARTIFACTS)) if (/\.(png|json)$/.test(f)) fs.rmSync(path.join(ARTIFACTS, f));
  const dir = makeReport();
  if (!dir) return;
  const realDir = fs.realpathSync(dir);
  if (!check(fs.existsSync(path.join(realDir, 'report.html')), `the report directory has report.html (${realDir})`))
    return;
  const port = await startServer(realDir);
  const origin = `http://127.0.0.1:${port}`;
  const userData = fs.mkdtempSync(path.join(tmp, 'profile-'));
  context = await chromium.launchPersistentContext(userData, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           // WebGL for the globe without a GPU: SwiftShader, Chromium's software renderer.
           '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
           // No name resolves: a stray request fails fast and loudly, never leaves the machine.
           '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
  console.log(`Chromium ${context.browser()?.version() ?? '(version unknown)'}; report ${realDir}; server ${origin}`);
  const isLocal = (u) => u.startsWith('data:') || u.startsWith('blob:');
  const results = [];
  results.push(await openReport(`${origin}/report.html`, 'http',
                                (u) => isLocal(u) || u === origin || u.startsWith(`${origin}/`)));
  const fileBase = pathToFileURL(realDir).href + '/';
  results.push(await openReport(`${fileBase}report.html`, 'file',
                                (u) => isLocal(u) || u.startsWith(fileBase)));
  await context.close();
  context = null;
  server.kill('SIGTERM');
  const code = await new Promise((r) => { if (server.exitCode !== null) r(server.exitCode); else server.on('exit', r); });
  check(code === 0, `bmdsim serve exits 0 on SIGTERM (${code}; ${server.stderr_text().slice(-300)})`);
  const http = results[0];
  fs.writeFileSync(path.join(ARTIFACTS, 'result.json'),
                   JSON.stringify({ chromium: CHROMIUM, aim_ms: AIM_MS, results }, null, 2) + '\n');
  if (http.open_ms !== undefined)
    console.log(`time to open over http (map shown): ${http.open_ms} ms (aim < ${AIM_MS} ms${http.open_ms < AIM_MS ? ', met' : ', NOT met'}); ` +
                `globe ready at ${http.globe_ms} ms; screenshots in ${ARTIFACTS}`);
}

const watchdog = setTimeout(() => {
  check(false, 'the whole test finished within its time limit');
  finish();
  cleanup().finally(() => process.exit(1));
}, 5 * WAIT_MS);
watchdog.unref();
try {
  await main();
} catch (e) {
  check(false, `unexpected: ${e.stack || e}`);
} finally {
  await cleanup();
  finish();
}
