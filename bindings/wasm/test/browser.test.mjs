// web.js in a real browser: headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core) loads a page from a server on 127.0.0.1, which
// runs `await init()` (fetching the .wasm), compiles the adult critical care
// spec, evaluates an example and reports back. The report text must equal the
// one node makes. Skipped when Chromium is not installed (ci.sh installs it).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { PACKAGE_DIR, REPO } = require('./support/corpus.js');
const node = require('../index.js');

const { CHROMIUM, chromium, browserSkip } = require('./support/browser.js');
const skip = browserSkip();

const read = (rel) => fs.readFileSync(path.join(REPO, 'specs', rel), 'utf8');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json',
};

function page(data) {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>netspec in the browser</title><link rel="icon" href="data:,">
<style>body{font-family:sans-serif;margin:1.5em} td{padding:2px 8px} .not_met{color:#b00} .met{color:#070}</style></head>
<body><h1>netspec <span id="version"></span></h1><p id="status">loading…</p><table id="out"></table>
<script type="module">
import init, { compile, version, NetspecError } from '/web.js';
const data = ${JSON.stringify(data).replace(/</g, '\\u003c')};
const result = {};
try {
  await init();
  document.getElementById('version').textContent = version;
  const spec = compile(data.source, { name: data.name, files: data.files, tests: false });
  const report = spec.evaluate(data.submission);
  result.json = spec.evaluateJson(data.submission, { pretty: true });
  result.version = version;
  try { compile('spec x'); } catch (e) {
    result.error = { isNetspec: e instanceof NetspecError, kind: e.kind, code: e.code, line: e.diagnostics[0].line, column: e.diagnostics[0].column };
  }
  document.getElementById('status').textContent = report.spec.title + ': ' + report.overall.rating;
  for (const r of report.requirements) {
    const tr = document.createElement('tr');
    tr.className = r.outcome;
    for (const t of [r.id, r.level, r.outcome, r.title]) { const td = document.createElement('td'); td.textContent = t; tr.append(td); }
    document.getElementById('out').append(tr);
  }
} catch (e) {
  result.failure = String(e && e.stack || e);
  document.getElementById('status').textContent = 'error: ' + e;
}
window.__netspec = result;
</script></body></html>`;
}

test('web.js in headless Chromium gives the same report as node', { skip, timeout: 120000 }, async () => {
  const data = {
    name: 'adult_critical_care.netspec',
    source: read('adult_critical_care.netspec'),
    files: { 'common/network_governance.netspec': read('common/network_governance.netspec') },
    submission: JSON.parse(read('examples/adult_critical_care/non_compliant.json')),
  };
  const html = page(data);
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (p === '/') {
      res.writeHead(200, { 'content-type': TYPES['.html'] });
      res.end(html);
      return;
    }
    const f = path.join(PACKAGE_DIR, path.normalize(p));
    if (!f.startsWith(PACKAGE_DIR + path.sep) || !fs.existsSync(f) || !fs.statSync(f).isFile()) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(f)] || 'application/octet-stream' });
    fs.createReadStream(f).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'netspec-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  try {
    const tab = ctx.pages()[0] || await ctx.newPage();
    const logs = [];
    tab.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
    tab.on('pageerror', (e) => logs.push(`pageerror: ${e}`));
    await tab.goto(`http://127.0.0.1:${server.address().port}/`);
    await tab.waitForFunction(() => window.__netspec !== undefined, null, { timeout: 60000 });
    const result = await tab.evaluate(() => window.__netspec);
    assert.equal(result.failure, undefined, `${result.failure}\n${logs.join('\n')}`);
    assert.deepEqual(logs, []);
    assert.equal(result.version, node.version);
    const spec = node.compile(data.source, { name: data.name, files: data.files, tests: false });
    assert.equal(result.json, spec.evaluateJson(data.submission, { pretty: true }));
    assert.deepEqual(result.error, { isNetspec: true, kind: 'compile', code: 'NS0001', line: 1, column: 7 });
    if (process.env.NETSPEC_SCREENSHOT) await tab.screenshot({ path: process.env.NETSPEC_SCREENSHOT, fullPage: true });
  } finally {
    await ctx.close();
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});
