// The browser entry point (web.js, an ES module) loaded in node: init from
// the .wasm bytes, then the same API and the same reports as index.js.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import * as web from '../web.js';

const require = createRequire(import.meta.url);
const node = require('../index.js');
const { SMALL_SPEC, HEADER } = require('./support/corpus.js');
const wasmUrl = new URL('../pkg/web/netspec_wasm_bg.wasm', import.meta.url);

test('before init: a usage error, not a crash', () => {
  assert.equal(web.version, '');
  assert.throws(() => web.compile(SMALL_SPEC), (e) => e instanceof web.NetspecError && e.kind === 'usage' && /init\(\)/.test(e.message));
});

test('init from bytes, then compile and evaluate like node', async () => {
  await web.default(fs.readFileSync(wasmUrl));
  await web.default(); // a second call does nothing
  assert.equal(web.version, node.version);
  const spec = web.compile(SMALL_SPEC);
  assert.ok(spec instanceof web.Spec);
  const sub = { header: HEADER, beds: 5, nurses: 3 };
  assert.equal(spec.evaluateJson(sub, { pretty: true }), node.compile(SMALL_SPEC).evaluateJson(sub, { pretty: true }));
  assert.deepEqual(spec.evaluate(sub), node.compile(SMALL_SPEC).evaluate(sub));
  assert.deepEqual(web.explain('NS0001'), node.explain('NS0001'));
  assert.equal(web.codes().length, node.codes().length);
});

test('errors and traps in the browser build', () => {
  assert.throws(() => web.compile('spec x'), (e) => e instanceof web.NetspecError && e.kind === 'compile' && e.code === 'NS0001' && e.diagnostics[0].line === 1);
  const spec = web.compile(SMALL_SPEC);
  assert.throws(() => spec.evaluate('{'), (e) => e.kind === 'submission' && e.code === 'NS0207');
  assert.equal(spec.evaluate({ header: HEADER, beds: 1, nurses: 1 }).requirements[0].outcome, 'met');
  assert.equal(spec.evaluate({ beds: 1, nurses: 1 }, { unattributed: 'provider' }).requirements[0].outcome, 'met');
  assert.throws(() => spec.evaluate({ beds: 1, nurses: 1 }), (e) => e.kind === 'submission' && e.code === 'NS0211');
});

test('the browser build restarts after a trap too', async () => {
  const raw = await import('../pkg/web/netspec_wasm.js');
  const { createApi } = await import('../pkg/core.mjs');
  const api = createApi(raw); // a second engine over the module web.js loaded
  const spec = api.compile(SMALL_SPEC);
  assert.throws(() => api.__panicForTests('boom'), (e) => e.kind === 'internal' && /boom/.test(e.message));
  assert.equal(spec.evaluate({ header: HEADER, beds: 2, nurses: 2 }).requirements[0].outcome, 'met');
  assert.equal(api.compile(SMALL_SPEC).evaluate({ header: HEADER, beds: 3, nurses: 2 }).requirements[0].outcome, 'not_met');
});
