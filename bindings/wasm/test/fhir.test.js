// FHIR in the npm package: the Questionnaire, a response read as a
// submission and a submission written as a response, equal to the native
// engine's (the CLI's `netspec fhir`, when it is built) and round-tripping
// every adult critical care example to the same report.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const ns = require('..');
const { REPO } = require('./support/corpus');

const SPECS = path.join(REPO, 'specs');
const read = (rel) => fs.readFileSync(path.join(SPECS, rel), 'utf8');
const GOVERNANCE = { 'common/network_governance.netspec': read('common/network_governance.netspec') };
const spec = ns.compile(read('adult_critical_care.netspec'), { name: 'adult_critical_care.netspec', files: GOVERNANCE, tests: false });
const EXAMPLES = fs.readdirSync(path.join(SPECS, 'examples', 'adult_critical_care')).filter((f) => f.endsWith('.json')).sort();
const CLI = process.env.NETSPEC_CLI || path.join(REPO, 'target', 'debug', 'netspec');
const inCi = !['', '0', 'false', 'FALSE', 'False'].includes(process.env.CI || '');
const haveCli = fs.existsSync(CLI);
if (inCi && !haveCli) throw new Error(`CI: no CLI at ${CLI} for the FHIR parity test`);

test('fhirQuestionnaire: the url, the header group, one item per input', () => {
  const q = spec.fhirQuestionnaire();
  assert.equal(q.resourceType, 'Questionnaire');
  assert.equal(q.url, 'urn:netspec:spec:adult_critical_care:questionnaire:provider');
  assert.equal(q.version, '2025.2');
  assert.equal(q.item[0].linkId, '/header');
  const units = q.item.flatMap((s) => s.item || []).find((i) => i.linkId === '/units');
  assert.equal(units.type, 'group');
  assert.equal(units.repeats, true);
  assert.equal(spec.fhirQuestionnaire('network').url, 'urn:netspec:spec:adult_critical_care:questionnaire:network');
  assert.throws(() => spec.fhirQuestionnaire('commissioner'), (e) => e.kind === 'usage');
});

test('toFhir then fromFhir: every example evaluates to the same report', () => {
  for (const name of EXAMPLES) {
    const text = read(`examples/adult_critical_care/${name}`);
    const qr = spec.toFhir(text);
    assert.equal(qr.resourceType, 'QuestionnaireResponse', name);
    const back = spec.fromFhir(qr);
    assert.equal(spec.evaluateJson(back), spec.evaluateJson(text), name);
  }
});

test('fromFhir: a wrong answer type is NS0223 with the JSON pointer and the FHIR path', () => {
  const q = {
    resourceType: 'QuestionnaireResponse',
    status: 'completed',
    questionnaire: 'urn:netspec:spec:adult_critical_care:questionnaire:provider|2025.2',
    // a response may leave the sections out
    item: [{ linkId: '/units', item: [{ linkId: '/units/*/l3_beds', answer: [{ valueString: 'ten' }] }] }],
  };
  assert.throws(() => spec.fromFhir(q), (e) => {
    assert.equal(e.kind, 'submission');
    assert.equal(e.code, 'NS0223');
    assert.equal(e.diagnostics[0].path, '/units/0/l3_beds');
    assert.deepEqual(e.diagnostics[0].notes, ['FHIR path: item[0].item[0].answer[0]']);
    return true;
  });
  assert.throws(() => spec.fromFhir({ ...q, questionnaire: 'urn:netspec:spec:burns:questionnaire:provider' }), (e) => e.code === 'NS0221');
});

test('the same bytes as the native engine (netspec fhir)', { skip: haveCli ? false : `no CLI at ${CLI}` }, () => {
  const specPath = path.join(SPECS, 'adult_critical_care.netspec');
  for (const who of ['provider', 'network']) {
    const native = JSON.parse(execFileSync(CLI, ['fhir', 'questionnaire', '--respondent', who, specPath], { encoding: 'utf8' }));
    assert.deepEqual(spec.fhirQuestionnaire(who), native, who);
  }
  for (const name of EXAMPLES) {
    const file = path.join(SPECS, 'examples', 'adult_critical_care', name);
    const native = JSON.parse(execFileSync(CLI, ['fhir', 'response', '--reverse', specPath, file], { encoding: 'utf8' }));
    assert.deepEqual(spec.toFhir(fs.readFileSync(file, 'utf8')), native, name);
  }
});
