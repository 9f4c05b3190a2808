// node's ES module loader finds the named exports of the CommonJS entry point.
import test from 'node:test';
import assert from 'node:assert/strict';
import { compile, explain, codes, version, NetspecError, Spec } from '../index.js';
import netspec from '../index.js';

test('named and default imports from ESM', () => {
  assert.equal(typeof compile, 'function');
  assert.equal(typeof explain, 'function');
  assert.equal(typeof codes, 'function');
  assert.match(version, /^\d+\.\d+\.\d+/);
  assert.equal(netspec.compile, compile);
  const spec = compile('spec e "E" { version "1" }\n');
  assert.ok(spec instanceof Spec);
  assert.throws(() => compile('spec'), NetspecError);
});
