// Spec.network: the engine's own roll-up (netspec-network) through the
// WebAssembly package, checked against single evaluations.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ns = require('..');
const { REPO } = require('./support/corpus');

const SPECS = path.join(REPO, 'specs');
const read = (rel) => fs.readFileSync(path.join(SPECS, rel), 'utf8');
const FOLDER = path.join(SPECS, 'examples/adult_critical_care/network');
const FILES = fs.readdirSync(FOLDER).filter((f) => f.endsWith('.json')).sort();

function accSpec() {
  return ns.compile(read('adult_critical_care.netspec'), {
    name: 'adult_critical_care.netspec',
    files: { 'common/network_governance.netspec': read('common/network_governance.netspec') },
    tests: false,
  });
}

test('network: the roll-up counts are the single reports\' outcomes, the failed submission is listed', () => {
  const spec = accSpec();
  const subs = FILES.map((f) => ({ name: f, bytes: fs.readFileSync(path.join(FOLDER, f)) }));
  const { report, csv } = spec.network(subs);
  assert.equal(report.network_format, 1);
  assert.deepEqual(report.totals, { submissions: 14, providers: 12, network: 1, failed: 1 });
  const singles = [];
  for (const f of FILES) {
    try {
      singles.push(spec.evaluate(fs.readFileSync(path.join(FOLDER, f), 'utf8')));
    } catch (e) {
      assert.equal(e.kind, 'submission');
      assert.equal(f, 'r9m_broken.json');
    }
  }
  const providers = singles.filter((r) => r.respondent === 'provider');
  report.requirements.forEach((row, k) => {
    for (const o of ['met', 'not_met', 'not_applicable', 'incomplete']) {
      assert.equal(row.counts[o], providers.filter((p) => p.requirements[k].outcome === o).length, `${row.id} ${o}`);
    }
  });
  providers.forEach((p, i) => {
    assert.equal(report.providers[i].ods_code, p.header.organisation.ods_code);
    assert.deepEqual(report.providers[i].outcomes, p.requirements.map((r) => r.outcome));
  });
  assert.equal(report.failed[0].source.name, 'r9m_broken.json');
  assert.equal(report.failed[0].diagnostics[0].code, 'NS0201');
  assert.equal(report.network.submissions[0].ods_code, 'R9E');
  const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
  assert.equal(lines.length, 1 + 12 * report.requirements.length);
  assert.ok(lines[0].startsWith('ods_code,organisation,source,'));
  spec.free();
});

test('network: text or bytes, and usage errors', () => {
  const spec = accSpec();
  const text = fs.readFileSync(path.join(FOLDER, 'r9a.json'), 'utf8');
  const { report } = spec.network([{ name: 'a', text }, { name: 'b', bytes: new Uint8Array([0xff]) }], { explanations: false });
  assert.equal(report.totals.providers, 1);
  assert.equal(report.failed[0].diagnostics[0].code, 'NS0309');
  assert.throws(() => spec.network('x'), (e) => e.kind === 'usage');
  assert.throws(() => spec.network([{ name: 'a' }]), (e) => e.kind === 'usage' && /neither/.test(e.message));
  assert.throws(() => spec.network([], { pretty: true }), (e) => e.kind === 'usage');
  spec.free();
});
