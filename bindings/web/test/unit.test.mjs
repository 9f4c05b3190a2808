// Node-only tests (no browser): the static server, the spec bundle, and the
// pure modules the pages use (JSON pointers, JSON positions, editor offsets).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolve, startServer } from '../server.mjs';
import * as ptr from '../js/pointer.js';
import { locations, rangeOf } from '../js/jsonpos.js';
import { lineStarts, offsetAt, positionOf } from '../js/editor.js';
import { elementPointer } from '../js/report.js';
import { skipUnless } from './support.mjs';

const WEB = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const REPO = path.resolve(WEB, '../..');

test('the server serves the pages, the engine files and nothing else, on 127.0.0.1', async () => {
  const { server, url, port } = await startServer({ port: 0 });
  try {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.ok(port > 0);
    const get = async (p, headers) => {
      const r = await fetch(new URL(p, url), { headers });
      return { status: r.status, type: r.headers.get('content-type'), etag: r.headers.get('etag'), body: await r.text() };
    };
    const index = await get('/');
    assert.equal(index.status, 200);
    assert.equal(index.type, 'text/html; charset=utf-8');
    assert.match(index.body, /<title>Self-assessment/);
    assert.match((await get('/playground')).body, /<title>Spec playground/);
    assert.equal((await get('/js/form.js')).type, 'text/javascript; charset=utf-8');
    assert.equal((await get('/css/app.css')).type, 'text/css; charset=utf-8');
    // revalidation
    const again = await get('/', { 'if-none-match': index.etag });
    assert.equal(again.status, 304);
    for (const p of ['/server.mjs', '/package.json', '/node_modules/playwright-core/package.json', '/test/unit.test.mjs',
      '/wasm/index.js', '/wasm/package.json', '/wasm/pkg/node/netspec_wasm.js', '/js/../server.mjs', '/%2e%2e/README.md',
      '/..%2f..%2fREADME.md', '/js/', '/.git/config', '/js/%00.js', '/%']) {
      assert.equal((await get(p)).status, 404, p);
    }
    assert.equal(resolve('/js/../../wasm/web.js'), null);
    const post = await fetch(url, { method: 'POST' });
    assert.equal(post.status, 405);
  } finally {
    server.close();
  }
});

const wasmSkip = skipUnless(!fs.existsSync(path.join(REPO, 'bindings/wasm/pkg/web/netspec_wasm_bg.wasm'))
  && 'bindings/wasm is not built (bash bindings/wasm/build.sh)');

test('the server serves the built WebAssembly package', { skip: wasmSkip }, async () => {
  const { server, url } = await startServer({ port: 0 });
  try {
    const wasm = await fetch(new URL('/wasm/pkg/web/netspec_wasm_bg.wasm', url));
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.equal((await fetch(new URL('/wasm/web.js', url))).status, 200);
  } finally {
    server.close();
  }
});

test('the spec bundle holds every spec, shared file and example, as on disk', async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netspec-bundle-')), 'specs.js');
  execFileSync(process.execPath, [path.join(WEB, 'scripts/bundle-specs.mjs'), '--out', out], { stdio: 'pipe' });
  const { files, specs } = await import(pathToFileURL(out).href);
  const onDisk = fs.readdirSync(path.join(REPO, 'specs')).filter((f) => f.endsWith('.netspec')).sort();
  assert.deepEqual(specs.map((s) => s.file), onDisk);
  for (const s of specs) {
    assert.equal(files[s.file], fs.readFileSync(path.join(REPO, 'specs', s.file), 'utf8'));
    assert.match(s.id, /^[a-z_]+$/);
    assert.ok(s.title.length > 5);
    // four provider examples and two network ones
    assert.equal(s.examples.length, 6, s.file);
    for (const e of s.examples) assert.equal(files[e], fs.readFileSync(path.join(REPO, 'specs', e), 'utf8'));
  }
  for (const f of fs.readdirSync(path.join(REPO, 'specs/common'))) {
    assert.equal(files[`common/${f}`], fs.readFileSync(path.join(REPO, 'specs/common', f), 'utf8'));
  }
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
});

test('JSON pointers: get, set with the containers it needs, delete with pruning', () => {
  assert.deepEqual(ptr.parse('/a~1b/~0c/0'), ['a/b', '~c', '0']);
  assert.equal(ptr.format(['a/b', '~c', 0]), '/a~1b/~0c/0');
  const o = {};
  ptr.set(o, '/units/0/name', 'A');
  ptr.set(o, '/surge/shifts', 3);
  assert.deepEqual(o, { units: [{ name: 'A' }], surge: { shifts: 3 } });
  assert.equal(ptr.get(o, '/units/0/name'), 'A');
  assert.equal(ptr.get(o, '/units/1/name'), undefined);
  ptr.set(o, '/surge/shifts', undefined);
  assert.deepEqual(o, { units: [{ name: 'A' }] }, 'an empty group goes');
  ptr.set(o, '/units/0/name', undefined);
  assert.deepEqual(o, { units: [{}] }, 'a list element stays');
  ptr.set(o, '/evidence/ACC-WF-01/rosters', 'r.pdf');
  ptr.set(o, '/evidence/ACC-WF-01/rosters', undefined);
  assert.deepEqual(o, { units: [{}] });
  const sub = { units: [{ a: 1, b: 'x' }, { a: 2 }], g: { c: true } };
  assert.deepEqual(ptr.without(sub, ['/units/0/b', '/g/c', '/units/1']), { units: [{ a: 1 }, {}], g: {} });
  assert.deepEqual(sub, { units: [{ a: 1, b: 'x' }, { a: 2 }], g: { c: true } }, 'without copies');
});

test('JSON positions of pointers, for marking submission diagnostics', () => {
  const text = '{\n  "a": 1,\n  "units": [{"name": "x\\"y", "n": 2}, {}],\n  "g": {"b": true}\n}';
  const map = locations(text);
  const at = (p) => {
    const r = rangeOf(map, p);
    return [text.slice(r.start, r.end), r.exact];
  };
  assert.deepEqual(at('/a'), ['"a": 1', true]);
  assert.deepEqual(at('/units'), ['"units"', true]);
  assert.deepEqual(at('/units/0/name'), ['"name": "x\\"y"', true]);
  assert.deepEqual(at('/units/1'), ['{', true]);
  assert.deepEqual(at('/units/1/zz'), ['{', false]);
  assert.deepEqual(at('/g/b'), ['"b": true', true]);
  assert.deepEqual(at(''), ['{', true]);
  assert.equal(locations('{"a": }'), null);
  assert.equal(locations('[1, 2'), null);
});

test('editor offsets count columns in characters, as the engine does', () => {
  const text = 'ab\n😀x = y\n\nlast';
  const starts = lineStarts(text);
  assert.deepEqual(starts, [0, 3, 11, 12]);
  assert.equal(offsetAt(text, starts, 2, 2), 5, 'after the emoji (two UTF-16 units)');
  assert.equal(text.slice(offsetAt(text, starts, 2, 2), offsetAt(text, starts, 2, 3)), 'x');
  assert.equal(offsetAt(text, starts, 4, 99), text.length, 'clamped to the line');
  assert.deepEqual(positionOf(text, starts, 5), { line: 2, column: 2 });
  assert.deepEqual(positionOf(text, starts, 12), { line: 4, column: 1 });
});

test('report elements become pointers to list entries', () => {
  assert.equal(elementPointer('units[1] (B)'), '/units/1');
  assert.equal(elementPointer('units[1] (B) › shifts[0] (night)'), '/units/1/shifts/0');
  assert.equal(elementPointer('self_assessment.categories[2]'), '/self_assessment/categories/2');
  assert.equal(elementPointer('7'), null);
  assert.equal(elementPointer(undefined), null);
});

// The spec editor's tokenizer (js/spec-editor.js) on every bundled spec:
// every character that is not layout is in a token of a known kind, never
// `invalid`, and the language's words are read as their kinds.
test('spec editor: every bundled spec tokenizes without an invalid token', async () => {
  const { StringStream } = await import('../generated/codemirror.js');
  const { netspecLanguage } = await import('../js/spec-editor.js');
  const parser = netspecLanguage.streamParser;
  const kinds = new Map();
  const specsDir = new URL('../../../specs/', import.meta.url);
  const files = fs.readdirSync(specsDir).filter((f) => f.endsWith('.netspec')).map((f) => new URL(f, specsDir));
  files.push(new URL('common/network_governance.netspec', specsDir));
  assert.ok(files.length >= 13);
  for (const file of files) {
    const state = parser.startState(2);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const stream = new StringStream(line, 4, 2);
      while (!stream.eol()) {
        const start = stream.pos;
        const kind = parser.token(stream, state);
        assert.ok(stream.pos > start, `${file.pathname}:${i + 1}: the tokenizer moves on`);
        const text = line.slice(start, stream.pos);
        assert.notEqual(kind, 'invalid', `${file.pathname}:${i + 1}:${start + 1} ${JSON.stringify(text)}`);
        if (text.trim() !== '') assert.ok(kind, `${file.pathname}:${i + 1}:${start + 1} ${JSON.stringify(text)} has a kind`);
        if (kind && !kinds.has(text)) kinds.set(text, kind);
      }
    });
  }
  assert.equal(kinds.get('requirement'), 'keyword');
  assert.equal(kinds.get('must'), 'atom');
  assert.equal(kinds.get('standard'), 'atom');
  assert.equal(kinds.get('int'), 'typeName');
  assert.equal(kinds.get('implies'), 'operatorKeyword');
  assert.equal(kinds.get('ACC-WF-01') ?? kinds.get('GOV-SD-01'), 'labelName');
  assert.equal(kinds.get('90%'), 'number');
});
