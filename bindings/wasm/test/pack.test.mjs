// The package as a user gets it: `npm pack` makes the tarball, which installs
// offline into an empty project. There the README's node example runs, a
// TypeScript file importing 'netspec' with the browser condition type-checks
// against the browser types, and a page importing 'netspec' built by Vite runs
// in headless Chromium and gives the report node gives. Needs the built
// package (build.sh), Chromium (ci.sh installs it) and the devDependencies.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { PACKAGE_DIR, REPO, block } = require('./support/corpus.js');
const { skipUnless } = require('./support/skip.js');
const node = require('../index.js');

const { CHROMIUM, chromium, browserSkip } = require('./support/browser.js');
const BIN = path.join(PACKAGE_DIR, 'node_modules', '.bin');
const built = fs.existsSync(path.join(PACKAGE_DIR, 'pkg', 'web', 'netspec_wasm_bg.wasm'));
const skip = skipUnless(
  !built ? 'the package is not built (run build.sh)'
    : !fs.existsSync(path.join(BIN, 'vite')) ? 'vite is not installed (npm ci)'
      : false,
);
const skipBrowser = skip || browserSkip();

const read = (rel) => fs.readFileSync(path.join(REPO, 'specs', rel), 'utf8');
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });


// One project for every test here: the tarball installed offline.
let project;
function installed() {
  if (project) return project;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netspec-pack-'));
  const out = run('npm', ['pack', '--json', '--pack-destination', dir], PACKAGE_DIR);
  const [{ filename, files }] = JSON.parse(out);
  const names = files.map((f) => f.path);
  for (const must of ['index.js', 'web.js', 'index.d.ts', 'web.d.ts', 'types.d.ts', 'pkg/web/netspec_wasm_bg.wasm', 'pkg/node/netspec_wasm_bg.wasm', 'LICENSE-MIT', 'LICENSE-APACHE', 'README.md']) {
    assert.ok(names.includes(must), `the tarball lacks ${must}`);
  }
  assert.ok(!names.some((n) => n.startsWith('test/') || n.startsWith('src/')), 'the tarball ships tests or Rust sources');
  const app = path.join(dir, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', path.join(dir, filename)], app);
  project = { dir, app };
  return project;
}

test.after(() => {
  if (project) fs.rmSync(project.dir, { recursive: true, force: true });
});

test('the packed tarball installs offline and runs the README example in node', { skip }, () => {
  const { app } = installed();
  const readme = fs.readFileSync(path.join(app, 'node_modules', 'netspec', 'README.md'), 'utf8');
  const code = block(readme, '<!-- example: node -->', 'js');
  const file = path.join(app, 'example.cjs');
  fs.writeFileSync(file, code);
  const out = execFileSync(process.execPath, [file], { cwd: REPO, encoding: 'utf8' });
  assert.match(out, /^Adult critical care operational delivery network: RED \(\d+ not met\)\n/);
  // the installed copy, not the repository's, answered
  const where = execFileSync(process.execPath, ['-e', "console.log(require.resolve('netspec'))"], { cwd: app, encoding: 'utf8' });
  assert.ok(where.startsWith(path.join(app, 'node_modules', 'netspec')), where);
});

test('a bundler resolving the browser condition gets the browser types', { skip }, () => {
  const { app } = installed();
  fs.writeFileSync(path.join(app, 'browser.ts'), `import init, { compile, version, NetspecError } from 'netspec';
import type { Report } from 'netspec';
await init();
const spec = compile('spec demo "Demo" { version "1" }', { tests: false });
const report: Report = spec.evaluate({}, { unattributed: 'provider' });
const v: string = version;
console.log(report.overall.rating, v, NetspecError.name);
`);
  fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'es2022', module: 'esnext', moduleResolution: 'bundler',
      customConditions: ['browser'], lib: ['es2022', 'dom'], types: [], skipLibCheck: false,
    },
    files: ['browser.ts'],
  }));
  // `init` exists only in the browser types: with index.d.ts this fails
  run(path.join(BIN, 'tsc'), ['--noEmit', '-p', 'tsconfig.json'], app);
});

test('a page built by Vite from the installed package runs in Chromium', { skip: skipBrowser, timeout: 180000 }, async () => {
  const { app } = installed();
  const data = {
    name: 'adult_critical_care.netspec',
    source: read('adult_critical_care.netspec'),
    files: { 'common/network_governance.netspec': read('common/network_governance.netspec') },
    submission: JSON.parse(read('examples/adult_critical_care/non_compliant.json')),
  };
  fs.writeFileSync(path.join(app, 'data.json'), JSON.stringify(data));
  fs.writeFileSync(path.join(app, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body><p id="status">loading</p><script type="module" src="./main.js"></script></body></html>');
  fs.writeFileSync(path.join(app, 'main.js'), `import init, { compile } from 'netspec';
import data from './data.json';
const result = {};
try {
  await init();
  const spec = compile(data.source, { name: data.name, files: data.files, tests: false });
  result.json = spec.evaluateJson(data.submission, { pretty: true });
} catch (e) {
  result.failure = String((e && e.stack) || e);
}
window.__netspec = result;
document.getElementById('status').textContent = 'done';
`);
  run(path.join(BIN, 'vite'), ['build', '--logLevel', 'error', '--outDir', 'dist', '--emptyOutDir'], app);
  const dist = path.join(app, 'dist');
  const wasm = fs.readdirSync(path.join(dist, 'assets')).filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 1, 'Vite emits the .wasm as an asset');

  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.join(dist, p === '/' ? 'index.html' : p);
    if (!file.startsWith(dist) || !fs.existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.__netspec !== undefined, null, { timeout: 60000 });
    const result = await page.evaluate(() => window.__netspec);
    assert.equal(result.failure, undefined, result.failure);
    const spec = node.compile(data.source, { name: data.name, files: data.files, tests: false });
    assert.equal(result.json, spec.evaluateJson(data.submission, { pretty: true }));
  } finally {
    await browser.close();
    server.close();
  }
});
