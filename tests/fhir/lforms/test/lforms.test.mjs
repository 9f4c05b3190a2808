// A real SDC client: the renal Questionnaire (`netspec fhir questionnaire`)
// rendered by LHC-Forms (the lforms npm package, served from node_modules on
// 127.0.0.1; no request leaves the machine) in headless Chromium, answered
// by typing and clicking in the page, its QuestionnaireResponse taken with
// LForms.Util.getFormFHIRData and evaluated by `netspec eval --from fhir`:
// the report equals the one of the same answers written as a netspec
// submission by hand. The response and a screenshot are written to
// FHIR_ARTIFACTS (default test-artifacts/).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { serve } from '../server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..', '..', '..');
const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CLI = process.env.NETSPEC_CLI || path.join(REPO, 'target', 'debug', 'netspec');
const ARTIFACTS = process.env.FHIR_ARTIFACTS || path.join(HERE, '..', 'test-artifacts');
const SPEC = path.join(REPO, 'specs', 'renal.netspec');

let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  chromium = undefined;
}
const missing = !chromium ? 'playwright-core is not installed (npm ci)'
  : !fs.existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM}`
    : !fs.existsSync(CLI) ? `no CLI at ${CLI}`
      : !fs.existsSync(path.join(HERE, '..', 'node_modules', 'lforms', 'dist')) ? 'lforms is not installed (npm ci)'
        : false;

// the same answers as a netspec submission, written by hand
const SUBMISSION = {
  header: {
    respondent: 'provider',
    organisation: { ods_code: 'RXK', name: 'Oakford Renal and Transplant NHS Trust' },
    period: { start: '2024-07-01', end: '2025-06-30' },
    completed_by: 'A. Example, service lead',
  },
  provider: { centre_type: 'adult' },
  units: [
    { name: 'Renal Unit, City Hospital', hd_patients: 160, hd_places: 192, access_lead_named: true },
    { name: 'Northgate Satellite Unit', hd_patients: 72, hd_places: 70, access_lead_named: false },
  ],
  infection: { hd_patient_years_12m: 335.5, sab_episodes_12m: 6 },
};

function evalJson(args) {
  const r = spawnSync(CLI, ['eval', '--format', 'json', ...args], { encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, `netspec eval exited ${r.status}: ${r.stderr}`);
  assert.equal(r.stderr.includes('error'), false, r.stderr);
  return JSON.parse(r.stdout);
}

test('LHC-Forms answers the renal Questionnaire; netspec evaluates its response', { skip: missing, timeout: 180000 }, async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const qFile = path.join(ARTIFACTS, 'renal-questionnaire.json');
  fs.writeFileSync(qFile, execFileSync(CLI, ['fhir', 'questionnaire', SPEC]));
  const server = await serve(qFile);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const outside = [];
    const errors = [];
    page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) outside.push(r.url()); });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/page.html`);
    await page.waitForFunction(() => window.LForms && window.LForms.Util && window.LForms.Util.addFormToPage, null, { timeout: 60000 });
    await page.evaluate(async () => {
      const q = await (await fetch('/questionnaire.json')).json();
      await window.LForms.Util.addFormToPage(q, 'form', { fhirVersion: 'R4' });
    });
    await page.waitForSelector('#form input');

    // answer through the page: LHC-Forms names each field by its linkId and
    // its place (`/units/*/name/1/2/1`: the second unit)
    const field = (id) => page.locator(`[id="${id}"]`);
    const type = async (id, text) => field(id).fill(text);
    const date = async (label, mmddyyyy) => {
      const d = page.getByLabel(label, { exact: true });
      await d.click();
      await d.pressSequentially(mmddyyyy);
      await d.press('Enter');
    };
    const choose = async (id, text) => {
      await field(id).fill(text);
      await page.locator('li', { hasText: text }).first().click();
    };
    const radio = async (id, label) => {
      await page.locator(`[name="radiogroup_${id}"]`).nth(label === 'Yes' ? 0 : 1).click();
    };
    const h = SUBMISSION.header;
    await type('/header/organisation/ods_code/1/1/1', h.organisation.ods_code);
    await type('/header/organisation/name/1/1/1', h.organisation.name);
    await date('First day', '07/01/2024');
    await date('Last day', '06/30/2025');
    await type('/header/completed_by/1/1', h.completed_by);
    await choose('/provider/centre_type/1/1/1', 'adult');
    for (const [k, u] of SUBMISSION.units.entries()) {
      // a repeat is added once the one before it has answers
      if (k > 0) await page.locator('[id^="add-/units/"]').first().click();
      const at = (name) => `/units/*/${name}/1/${k + 1}/1`;
      await type(at('name'), u.name);
      await type(at('hd_patients'), String(u.hd_patients));
      await type(at('hd_places'), String(u.hd_places));
      await radio(at('access_lead_named'), u.access_lead_named ? 'Yes' : 'No');
    }
    await type('/infection/hd_patient_years_12m/1/1/1', '335.5');
    await type('/infection/sab_episodes_12m/1/1/1', '6');
    await page.locator('h1, body').first().click({ position: { x: 2, y: 2 } });

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS, 'lforms-renal.png') });
    const qr = await page.evaluate(() => window.LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', document.getElementById('form')));
    const qrFile = path.join(ARTIFACTS, 'lforms-renal-response.json');
    fs.writeFileSync(qrFile, JSON.stringify(qr, null, 2) + '\n');
    assert.deepEqual(outside, [], 'no request left the machine');
    assert.deepEqual(errors, []);
    assert.equal(qr.resourceType, 'QuestionnaireResponse');
    assert.equal(qr.questionnaire, 'urn:netspec:spec:renal:questionnaire:provider|2026.1');

    // the response reads back as the submission typed in ...
    const read = JSON.parse(execFileSync(CLI, ['fhir', 'response', SPEC, qrFile], { encoding: 'utf8' }));
    assert.deepEqual(read, SUBMISSION);
    // ... and evaluates to its report
    const subFile = path.join(ARTIFACTS, 'lforms-renal-submission.json');
    fs.writeFileSync(subFile, JSON.stringify(SUBMISSION, null, 2) + '\n');
    const fromFhir = evalJson(['--from', 'fhir', SPEC, qrFile]);
    const fromJson = evalJson([SPEC, subFile]);
    assert.deepEqual(fromFhir, fromJson);
    const outcomes = Object.fromEntries(fromJson.requirements.map((r) => [r.id, r.outcome]));
    // 72 patients on 70 places is above 90% of the places: the answers were read
    assert.equal(outcomes['REN-RE-01'], 'not_met');
    console.log(`LHC-Forms ${await page.evaluate(() => window.LForms.lformsVersion)}: ${(qr.item || []).length} top-level items answered; report ${fromFhir.overall.rating}, ${fromFhir.requirements.length} requirements, the same as the JSON submission's`);
  } finally {
    await browser.close();
    server.close();
  }
});
