// The self-assessment form in headless Chromium: answered through the form
// as a person would, checked against the engine in node and the CLI.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  artifact,
  compileNode,
  fillForm,
  fillFormInPage,
  leaves,
  open,
  outcomesOf,
  radioSlug,
  readForm,
  readSpecFile,
  REPO,
  sel,
  setField,
  settled,
  shownOutcomes,
  skip,
  skipUnless,
} from './support.mjs';

const ACC = 'adult_critical_care.netspec';
const compliant = JSON.parse(readSpecFile('examples/adult_critical_care/compliant.json'));
const CLI = process.env.NETSPEC_CLI || path.join(REPO, 'target/debug/netspec');

async function start(o, file = ACC) {
  await o.page.goto(o.url);
  await settled(o.page);
  if ((await o.page.locator('#spec-select').inputValue()) !== file) {
    await o.page.locator('#spec-select').selectOption(file);
  }
  await o.page.waitForFunction((t) => document.getElementById('spec-title').textContent.startsWith(t), compileNode(file).title);
}

const report = (page) => page.evaluate(() => window.netspecForm.report);
const attributed = (page) => page.evaluate(() => window.netspecForm.attributed);
/** What the report shows for a check: its element's name (or label) and its message. */
const checkText = (c) => {
  const name = c.element_name || c.element;
  return `${name ? `${name}: ` : ''}${c.message}${c.in_scope === false ? ' (out of scope for this check)' : ''}`;
};
const BASIS = { standard: 'from a standard', derived: 'derived from a standard', estimate: 'estimated threshold' };
const levelText = (r) => `${r.level} · ${BASIS[r.basis] || 'basis not stated'}`;
const complianceText = (c) => (typeof c === 'number' ? `Compliance ${c}%` : 'Compliance —');

/** A complete header, as the examples have. */
const HEADER = {
  respondent: 'provider',
  organisation: { ods_code: 'RRK', name: 'Eastmoor Hospitals NHS Trust' },
  period: { start: '2024-07-01', end: '2025-06-30' },
  completed_by: 'Jo Bloggs, critical care matron',
};

/** Fills the header section field by field. */
async function fillHeader(page, header) {
  await fillForm(page, { header });
}

/** Runs `netspec eval FILE --format json` and returns the report. */
function cliReport(specFile, file, extra = []) {
  try {
    return JSON.parse(execFileSync(CLI, ['eval', specFile, file, '--format', 'json', ...extra], { encoding: 'utf8' }));
  } catch (e) {
    // `eval` exits 0 whatever the outcomes (only --fail-on changes that)
    throw new Error(`netspec eval failed: ${e.stderr || e.message}`);
  }
}
const noCli = skipUnless(!fs.existsSync(CLI) && `no CLI at ${CLI} (cargo build -p netspec-cli)`);

test('adult critical care: typed in, a must not met shows red with the explanation, green again when fixed; reload restores; export matches the CLI', { skip, timeout: 180000 }, async (t) => {
  const o = await open();
  try {
    const { page } = o;
    await start(o);
    const spec = compileNode(ACC);

    // every answer of the compliant example, typed into the form
    assert.equal(typeof compliant.header, 'object', 'the example has a header');
    const n = await fillForm(page, compliant);
    assert.ok(n > 100, `filled ${n} fields`);
    const expected = spec.evaluate(compliant);
    assert.equal(expected.overall.rating, 'green');
    assert.equal(await attributed(page), true, 'the header is complete: the report is attributed');
    assert.deepEqual(await report(page), expected, 'the page evaluates exactly what the engine does');
    assert.deepEqual(await shownOutcomes(page), outcomesOf(expected));
    assert.equal(await page.locator('#r-overall .badge').textContent(), 'Green');
    assert.equal(await page.locator('#r-overall .compliance').textContent(), complianceText(expected.overall.compliance));
    assert.equal(expected.overall.compliance, 100);
    assert.match(await page.locator('#r-header').textContent(), new RegExp(`${compliant.header.organisation.name} \\(${compliant.header.organisation.ods_code}\\)`));
    assert.equal(await page.locator('#header-status').textContent(), 'The header is complete.');

    // one coordinator shift short on a 10-bed unit: ACC-WF-03 (must) is not met
    const field = page.locator(sel('q/units/1/shifts_with_coordinator'));
    await field.click();
    await field.press('Control+a');
    await field.pressSequentially('700');
    const bad = structuredClone(compliant);
    bad.units[1].shifts_with_coordinator = 700;
    const badReport = spec.evaluate(bad);
    const wf03 = badReport.requirements.find((r) => r.id === 'ACC-WF-03');
    assert.equal(wf03.outcome, 'not_met');
    assert.equal(wf03.level, 'must');
    const req = page.locator('#r-req-ACC-WF-03');
    await assert.doesNotReject(req.and(page.locator('[data-outcome=not_met]')).waitFor());
    assert.equal(await req.locator('.outcome-badge').textContent(), 'Not met');
    const shown = await req.locator('.checks > li').evaluateAll((lis) =>
      lis.map((li) => [...li.childNodes].filter((n) => !(n.classList && (n.classList.contains('visually-hidden') || n.classList.contains('to-pass')))).map((n) => n.textContent).join('')));
    assert.deepEqual(shown, wf03.explanation.map(checkText));
    // the element by its name, the check in the provider's words
    const failed = wf03.explanation.filter((c) => !c.held && c.in_scope !== false);
    assert.equal(failed.length, 1);
    assert.match(failed[0].element_name, /South site ICU/);
    // what it would take: each line of the engine's, linked to the answer to change
    assert.ok(failed[0].to_pass.length >= 1, 'a failed comparison says what it would take');
    assert.deepEqual(await req.locator('.to-pass li .to-pass-message').allTextContents(), failed[0].to_pass.map((t) => t.message));
    assert.equal(failed[0].to_pass[0].path, '/units/1/shifts_with_coordinator');
    assert.equal(failed[0].to_pass[0].to, 730);
    // level with basis, guidance and source for a requirement not met
    assert.equal(await req.locator('.level').textContent(), levelText(wf03));
    assert.equal(await req.locator('.req-help').textContent(), `Guidance: ${wf03.help}`);
    assert.equal(await req.locator('.req-ref').textContent(), `Source: ${wf03.ref}`);
    assert.equal(await page.locator('#r-area-workforce .area-head .badge').textContent(), 'Red');
    assert.equal(await page.locator('#r-overall .badge').textContent(), 'Red');
    assert.deepEqual(await shownOutcomes(page), outcomesOf(badReport));
    // compliance overall, in the area table and in the area's heading
    assert.ok(badReport.overall.compliance < 100);
    assert.equal(await page.locator('#r-overall .compliance').textContent(), complianceText(badReport.overall.compliance));
    const wf = badReport.areas.find((a) => a.area === 'workforce');
    assert.equal(await page.locator('#r-area-workforce .area-head .compliance').textContent(), complianceText(wf.compliance));
    assert.deepEqual(
      await page.locator('.area-summary tbody td.compliance-col').allTextContents(),
      badReport.areas.map((a) => (typeof a.compliance === 'number' ? `${a.compliance}%` : '—')),
    );

    // the to-pass line goes to the answer to change
    await req.locator('.to-pass a').first().click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q/units/1/shifts_with_coordinator');

    // the list element in the explanation jumps to that unit
    await req.locator('.checks a.element').first().click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q/units/1');

    // the header section beside the top of the report: who it is for, rating and compliance
    await page.evaluate(() => {
      document.getElementById('q/header').scrollIntoView({ block: 'start' });
      document.getElementById('report-panel').scrollTop = 0;
      document.activeElement.blur();
    });
    await page.waitForFunction(() => document.querySelectorAll('.flash').length === 0);
    await page.screenshot({ path: artifact('form-header.png') });

    await page.evaluate(() => {
      document.getElementById('q/units/1/shifts_with_coordinator').scrollIntoView({ block: 'center' });
      const panel = document.getElementById('report-panel');
      const r = document.getElementById('r-req-ACC-WF-03');
      panel.scrollTop += r.getBoundingClientRect().top - panel.getBoundingClientRect().top - 140;
      document.activeElement.blur();
    });
    await page.waitForFunction(() => document.querySelectorAll('.flash').length === 0); // the highlight of the jump has faded
    await page.screenshot({ path: artifact('form.png') });

    // export this red submission; the CLI gives the same report for it
    await t.test('export: the CLI gives the same report', { skip: noCli }, async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export').click()]);
      assert.equal(download.suggestedFilename(), 'adult_critical_care-provider-self-assessment.json');
      const file = artifact('exported.json');
      await download.saveAs(file);
      const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.deepEqual(exported, bad, 'the export is the submission typed in');
      assert.equal(Object.keys(exported)[0], 'header');
      assert.equal(await page.locator('#action-status').textContent(), 'Exported the answers as JSON.');
      const cli = cliReport(path.join(REPO, 'specs', ACC), file);
      assert.deepEqual(outcomesOf(cli), await shownOutcomes(page));
      assert.deepEqual(cli, await report(page), 'the whole report is the same');
      assert.deepEqual(cli.header, { signed_off: null, ...bad.header }, 'the report echoes the header typed in');
    });

    // fixed: green again
    await field.click();
    await field.press('Control+a');
    await field.pressSequentially('730');
    await req.and(page.locator('[data-outcome=met]')).waitFor();
    assert.equal(await page.locator('#r-area-workforce .area-head .badge').textContent(), 'Green');
    assert.equal(await page.locator('#r-overall .badge').textContent(), 'Green');

    // reload: every answer is restored from localStorage
    await page.reload();
    await settled(page);
    assert.equal(await page.locator('#spec-select').inputValue(), ACC);
    const restored = await readForm(page, compliant);
    assert.deepEqual(restored, leaves(compliant));
    assert.deepEqual(await report(page), expected);
    assert.deepEqual(o.logs, []);
    assert.deepEqual(o.external, []);
  } finally {
    await o.close();
  }
});

test('incomplete requirements link to the questions still to answer, by mouse and keyboard', { skip, timeout: 60000 }, async () => {
  const o = await open();
  try {
    const { page } = o;
    await start(o);
    await fillHeader(page, HEADER);
    // no unit yet: the link for "units" goes to the Add entry button
    const sd03 = page.locator('#r-req-ACC-SD-03');
    assert.equal(await sd03.getAttribute('data-outcome'), 'incomplete');
    await sd03.locator('a.question', { hasText: 'Adult critical care units run by this provider' }).click();
    assert.equal(await page.evaluate(() => document.activeElement.dataset.addFor), '/units');
    await page.keyboard.press('Enter'); // adds a unit, focus moves into it
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q/units/0/name');
    await page.keyboard.type('Ward 7 ICU');
    assert.equal(await page.locator(sel('q/units/0-legend')).textContent(), 'Unit 1: Ward 7 ICU units[0]');

    const spec = compileNode(ACC);
    const expected = spec.evaluate({ header: HEADER, units: [{ name: 'Ward 7 ICU' }] });
    const missing = expected.requirements.find((r) => r.id === 'ACC-SD-03').missing;
    assert.deepEqual(
      await sd03.locator('ul.missing li a').evaluateAll((as) => as.map((a) => [a.dataset.path, a.textContent])),
      missing.map((m) => [m.path, m.question]),
    );
    // keyboard: focus the link, press Enter, land in the field
    const link = sd03.locator('ul.missing a', { hasText: 'How many admissions did the unit have?' });
    await link.focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q/units/0/admissions');
    await page.keyboard.type('5');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q/units/0/admissions_within_4h');

    // remove the unit with the keyboard
    await page.locator('[data-remove-for="/units"]').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#q\\/units-rows li').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.addFor), '/units');
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
  }
});

test('answers the engine rejects are shown next to their field and announced; the rest is still rated', { skip, timeout: 60000 }, async () => {
  const o = await open();
  try {
    const { page } = o;
    await start(o);
    await fillForm(page, { header: HEADER, units: [{ name: 'A', shifts_total: 7 }] });
    const beds = page.locator(sel('q/units/0/shifts_total'));
    await beds.fill('0');
    const err = page.locator(sel('q/units/0/shifts_total-error'));
    await assert.doesNotReject(err.filter({ hasText: 'below the minimum 1' }).waitFor());
    assert.equal(await err.textContent(), '0 is below the minimum 1');
    assert.equal(await err.getAttribute('aria-live'), 'polite');
    assert.equal(await beds.getAttribute('aria-invalid'), 'true');
    assert.ok((await beds.getAttribute('aria-describedby')).split(' ').includes('q/units/0/shifts_total-error'));
    assert.match(await page.locator('#error-count').textContent(), /1 answer needs fixing/);
    // the report is still there, without that answer
    const spec = compileNode(ACC);
    const expected = spec.evaluate({ header: HEADER, units: [{ name: 'A' }] });
    assert.deepEqual(await report(page), expected);

    // an int with a fraction, then a valid value
    await beds.fill('7.5');
    await err.filter({ hasText: 'whole number' }).or(err.filter({ hasText: 'integer' })).or(err.filter({ hasText: 'fraction' })).waitFor();
    await beds.fill('8');
    await page.waitForFunction(() => !document.getElementById('q/units/0/shifts_total').hasAttribute('aria-invalid'));
    assert.equal(await err.textContent(), '');
    assert.equal(await page.locator('#error-count').textContent(), '');

    // without the period's last day there is no assessment date for the date rules
    await setField(page, '/header/period/end', '');
    await page.locator('#needs-date').waitFor();
    assert.match(await page.locator('#report').textContent(), /^No report yet: enter the last day of the assessment period/);
    assert.equal(await attributed(page), false);
    await page.locator('#needs-date a').click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q/header/period/end');
    await page.locator(sel('q/header/period/end')).fill('2025-06-30');
    await page.locator('#r-overall').waitFor();
    assert.equal(await attributed(page), true);
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
  }
});

test('import, FHIR (the full module loaded on first use), print summary, labels and phone width', { skip, timeout: 90000 }, async () => {
  const o = await open({ viewport: { width: 390, height: 844 } });
  const requested = [];
  o.ctx.on('request', (r) => requested.push(new URL(r.url()).pathname));
  const fullModule = () => requested.filter((p) => p === '/wasm/pkg/web/netspec_wasm_bg.wasm' || p === '/js/engine.js');
  try {
    const { page } = o;
    await start(o);
    // import a submission file
    const file = path.join(REPO, 'specs/examples/adult_critical_care/non_compliant.json');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('#import').click()]);
    await chooser.setFiles(file);
    await page.locator('#action-status').filter({ hasText: 'Imported' }).waitFor();
    const sub = JSON.parse(fs.readFileSync(file, 'utf8'));
    const expected = compileNode(ACC).evaluate(sub);
    assert.deepEqual(await report(page), expected);
    assert.deepEqual(await readForm(page, sub), leaves(sub));

    // the same answers as a FHIR QuestionnaireResponse, and imported back:
    // the form's module has no FHIR, so the full module comes now, not before
    assert.deepEqual(fullModule(), [], 'the full module was loaded before FHIR was used');
    const [fhirDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#export-fhir').click()]);
    assert.equal(fhirDownload.suggestedFilename(), 'adult_critical_care-provider-questionnaire-response.json');
    const fhirFile = artifact('exported-questionnaire-response.json');
    await fhirDownload.saveAs(fhirFile);
    const qr = JSON.parse(fs.readFileSync(fhirFile, 'utf8'));
    assert.equal(qr.resourceType, 'QuestionnaireResponse');
    assert.equal(qr.questionnaire, 'urn:netspec:spec:adult_critical_care:questionnaire:provider|2025.2');
    assert.deepEqual(compileNode(ACC).fromFhir(qr), sub, 'the response reads back as the submission');
    assert.equal(await page.locator('#action-status').textContent(), 'Exported the answers as a FHIR QuestionnaireResponse.');
    assert.deepEqual(fullModule(), ['/js/engine.js', '/wasm/pkg/web/netspec_wasm_bg.wasm'], 'the full module, once');
    const [fhirChooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('#import-fhir').click()]);
    await fhirChooser.setFiles(fhirFile);
    await page.locator('#action-status').filter({ hasText: 'Imported the answers from the FHIR' }).waitFor();
    assert.deepEqual(await report(page), expected, 'the imported response gives the same report');
    assert.deepEqual(await readForm(page, sub), leaves(sub));
    assert.equal(fullModule().length, 2, 'the full module is loaded once');
    // a response that does not fit the spec: its diagnostic, the answers kept
    const badFile = artifact('bad-questionnaire-response.json');
    fs.writeFileSync(badFile, JSON.stringify({ ...qr, questionnaire: 'urn:netspec:spec:burns:questionnaire:provider' }));
    const [badChooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('#import-fhir').click()]);
    await badChooser.setFiles(badFile);
    await page.locator('#action-status').filter({ hasText: 'could not be read as a QuestionnaireResponse' }).waitFor();
    assert.match(await page.locator('#action-status').textContent(), /NS0221/);
    assert.deepEqual(await report(page), expected, 'the answers are kept');

    // every control has a label; radio groups a legend
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('main input, main select, main textarea, main button')]
        .filter((el) => !el.hidden && el.type !== 'hidden')
        .filter((el) => {
          if (el.type === 'radio') return !(el.labels.length && el.closest('fieldset').querySelector('legend'));
          if (el.tagName === 'BUTTON') return !(el.getAttribute('aria-label') || el.textContent.trim());
          return !(el.labels && el.labels.length && el.labels[0].textContent.trim());
        })
        .map((el) => el.id || el.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unlabelled, []);
    const ids = await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id));
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');

    // phone width: nothing wider than the screen
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
    await page.screenshot({ path: artifact('form-phone.png') });

    // the print stylesheet: only the report, every explanation open
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#form').isVisible(), false);
    assert.equal(await page.locator('.toolbar').isVisible(), false);
    assert.equal(await page.locator('#report-panel').isVisible(), true);
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    assert.equal(await page.locator('#report details:not([open])').count(), 0);
    await page.pdf({ path: artifact('summary.pdf'), format: 'A4' });
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    await page.emulateMedia({ media: 'screen' });
    assert.ok(fs.statSync(artifact('summary.pdf')).size > 10000);
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
  }
});

test('every bundled spec: its compliant example entered through the form gives the engine\'s report', { skip, timeout: 600000 }, async () => {
  const o = await open();
  try {
    const { page } = o;
    await page.goto(o.url);
    await settled(page);
    const specs = fs.readdirSync(path.join(REPO, 'specs')).filter((f) => f.endsWith('.netspec')).sort();
    for (const file of specs) {
      await page.locator('#spec-select').selectOption(file);
      const spec = compileNode(file);
      await page.waitForFunction((t) => document.getElementById('spec-title').textContent.startsWith(t), spec.title);
      const example = JSON.parse(readSpecFile(`examples/${file.replace(/\.netspec$/, '')}/compliant.json`));
      await fillFormInPage(page, example);
      assert.deepEqual(await report(page), spec.evaluate(example), file);
      assert.deepEqual(await readForm(page, example), leaves(example), file);
    }
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
  }
});

test('with a bundled spec the form loads the form\'s module and the spec\'s compiled document, never the full module', { skip, timeout: 90000 }, async () => {
  const o = await open();
  const requested = [];
  o.ctx.on('request', (r) => requested.push(new URL(r.url()).pathname));
  try {
    const { page } = o;
    await start(o);
    // another bundled spec, then an example: still no full module
    await page.locator('#spec-select').selectOption('renal.netspec');
    await page.waitForFunction((t) => document.getElementById('spec-title').textContent.startsWith(t), compileNode('renal.netspec').title);
    await settled(page);
    assert.ok(requested.includes('/wasm/pkg/form/netspec_form_wasm_bg.wasm'), requested.join('\n'));
    assert.ok(requested.includes('/generated/compiled/adult_critical_care.json'), requested.join('\n'));
    assert.ok(requested.includes('/generated/compiled/renal.json'), requested.join('\n'));
    const full = requested.filter((p) => p.startsWith('/wasm/pkg/web/') || p === '/wasm/web.js' || p === '/js/engine.js');
    assert.deepEqual(full, [], 'the full module was downloaded');
    // the loaded spec is shown (the other tests compare its reports with the engine's in node)
    assert.equal(await page.locator('#spec-select').inputValue(), 'renal.netspec');
    assert.ok(await page.locator('[id^="q/"]').count() > 10, 'the form shows its questions');
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
  }
});

test('a .netspec file opened in the form: every control type, nested lists, restored on reload; a broken file is refused', { skip, timeout: 90000 }, async () => {
  const o = await open();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netspec-web-spec-'));
  try {
    const { page } = o;
    await start(o);
    const source = `spec demo "Demo network" {
  version "0.1"
}

use "common/network_governance.netspec"

inputs "Service" {
  beds: int min 0 max 50 "How many beds?"
    unit "beds"
  share: percent "What share of patients were seen within 4 hours?"
  kind: enum(day_case, inpatient) "Which kind of service?"
  reviewed_on: date "When was the service last reviewed?"
  open_weekends: bool "Is it open at weekends?"
  staff: list max 2 "Staff" {
    name: text "Name"
    wte: number min 0 "Whole-time equivalent"
    shifts: list "Shifts" {
      label: text "Shift"
      covered: bool "Covered?"
    }
  }
}

area workforce {
  requirement DEMO-WF-01 must "At least 5 beds" {
    beds >= 5
    ref "demo"
  }
  requirement DEMO-WF-02 should "Every shift covered" {
    all s in staff: all x in s.shifts: x.covered
    ref "demo"
  }
}

area quality {
  requirement DEMO-QU-01 should "Seen within 4 hours" {
    share >= 90%
    ref "demo"
  }
}
`;
    const file = path.join(dir, 'demo.netspec');
    fs.writeFileSync(file, source);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('#open-spec').click()]);
    await chooser.setFiles(file);
    await page.waitForFunction(() => document.getElementById('spec-title').textContent.startsWith('Demo network'));
    assert.equal(await page.locator('#spec-select').inputValue(), 'file:demo.netspec');
    const kinds = await page.evaluate(() =>
      Object.fromEntries(['beds', 'share', 'kind', 'reviewed_on', 'open_weekends'].map((n) => {
        const el = document.getElementById(`q/${n}`);
        return [n, `${el.tagName.toLowerCase()} ${el.type || ''} ${el.getAttribute('min') ?? ''}-${el.getAttribute('max') ?? ''}`.trim()];
      })),
    );
    assert.deepEqual(kinds, {
      beds: 'input number 0-50',
      share: 'input number 0-100',
      kind: 'select select-one -',
      reviewed_on: 'input date -',
      open_weekends: 'fieldset fieldset -',
    });
    assert.equal(await page.locator(sel('q/beds-unit')).textContent(), 'beds');
    assert.equal(await page.locator(sel('q/share-unit')).textContent(), '%');
    assert.deepEqual(await page.locator(sel('q/kind')).locator('option').allTextContents(), ['— not answered —', 'day case', 'inpatient']);

    const answers = {
      header: HEADER,
      beds: 3,
      share: 92.5,
      kind: 'inpatient',
      reviewed_on: '2025-01-15',
      open_weekends: false,
      staff: [
        { name: 'Ann', wte: 0.8, shifts: [{ label: 'early', covered: true }, { label: 'late', covered: false }] },
        { name: 'Bo', wte: 1 },
      ],
    };
    await fillForm(page, answers);
    assert.equal(await page.locator('[data-add-for="/staff"]').isDisabled(), true, 'max 2 entries');
    const spec = compileNode('demo.netspec', source);
    const expected = spec.evaluate(answers);
    assert.deepEqual(await report(page), expected);
    assert.equal(expected.overall.rating, 'red');
    const wf02 = page.locator('#r-req-DEMO-WF-02 .checks li.failed');
    const failing = expected.requirements.find((r) => r.id === 'DEMO-WF-02').explanation.find((c) => !c.held);
    assert.equal(failing.element, 'staff[0] (Ann) › shifts[1] (late)');
    assert.match(failing.element_name, /Ann › .*late/);
    assert.equal(await wf02.locator('a.element').textContent(), failing.element_name);
    // the nested element links to the nested entry
    await wf02.locator('a.element').click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q/staff/0/shifts/1');

    await page.reload();
    await settled(page);
    assert.equal(await page.locator('#spec-select').inputValue(), 'file:demo.netspec');
    assert.deepEqual(await readForm(page, answers), leaves(answers));

    // a file with an error is refused with the engine's diagnostics; the form stays
    const broken = path.join(dir, 'broken.netspec');
    fs.writeFileSync(broken, source.replace('beds >= 5', 'bedz >= 5'));
    const [chooser2] = await Promise.all([page.waitForEvent('filechooser'), page.locator('#open-spec').click()]);
    await chooser2.setFiles(broken);
    await page.locator('#load-error').filter({ hasText: 'broken.netspec has errors' }).waitFor();
    assert.match(await page.locator('#load-error pre').textContent(), /error\[NS0002\]: unknown name `bedz`/);
    assert.equal(await page.locator('#spec-select').inputValue(), 'file:demo.netspec');
    assert.match(await page.locator('#spec-title').textContent(), /^Demo network/);
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the header: ODS code and period checked with clear messages tied to their fields; complete, the report is attributed and echoes it', { skip, timeout: 90000 }, async () => {
  const o = await open();
  try {
    const { page } = o;
    await start(o);
    // a new form: a provider service answering, nothing else filled in for you
    assert.equal(await page.locator(sel('q/header/respondent-provider')).isChecked(), true);
    for (const p of ['organisation/ods_code', 'organisation/name', 'period/start', 'period/end', 'completed_by', 'signed_off/by', 'signed_off/on']) {
      assert.equal(await page.locator(sel(`q/header/${p}`)).inputValue(), '', p);
    }
    assert.match(await page.locator('#header-status').textContent(), /^Still to fill in: ODS code, organisation name, first day of the period, last day of the period, completed by\./);

    await fillHeader(page, { ...HEADER, organisation: { ...HEADER.organisation, ods_code: 'rrk' } });
    const ods = page.locator(sel('q/header/organisation/ods_code'));
    const odsErr = page.locator(sel('q/header/organisation/ods_code-error'));
    await odsErr.filter({ hasText: 'is not an ODS code' }).waitFor();
    assert.equal(await odsErr.textContent(), '"rrk" is not an ODS code: an ODS code is 3 to 6 capital letters or digits, such as RRK or RRK02 (did you mean RRK?)');
    assert.equal(await ods.getAttribute('aria-invalid'), 'true');
    assert.ok((await ods.getAttribute('aria-describedby')).split(' ').includes('q/header/organisation/ods_code-error'));
    assert.ok((await ods.getAttribute('aria-describedby')).split(' ').includes('q/header/organisation/ods_code-help'), 'the expected format is read out with the field');
    assert.equal(await attributed(page), false, 'an invalid header is left out');
    assert.match(await page.locator('#status-bar').textContent(), /Provisional/);
    assert.match(await page.locator('#r-provisional').textContent(), /^Provisional: the header is not complete/);
    const report0 = await report(page);
    assert.equal(report0.header, null);
    assert.equal(report0.respondent, 'provider');
    for (const bad of ['RR', 'RRK0234', 'RR K', 'RRK-1']) {
      await ods.fill(bad);
      await odsErr.filter({ hasText: `"${bad}" is not an ODS code` }).waitFor();
    }
    await ods.fill('RRK');
    await page.waitForFunction(() => !document.getElementById('q/header/organisation/ods_code').hasAttribute('aria-invalid'));
    assert.equal(await odsErr.textContent(), '');

    // the period: the last day on or after the first
    const end = page.locator(sel('q/header/period/end'));
    const endErr = page.locator(sel('q/header/period/end-error'));
    await end.fill('2024-06-30');
    await endErr.filter({ hasText: 'before it starts' }).waitFor();
    assert.equal(await endErr.textContent(), 'The period ends (2024-06-30) before it starts (2024-07-01): the last day must be on or after the first day');
    assert.equal(await end.getAttribute('aria-invalid'), 'true');
    assert.ok((await end.getAttribute('aria-describedby')).split(' ').includes('q/header/period/end-error'));
    assert.equal(await attributed(page), false);
    assert.equal((await report(page)).assessed_on, '2024-06-30', 'the provisional report is dated by the last day given');
    await end.fill('2024-07-01'); // one day is a period
    await page.waitForFunction(() => !document.getElementById('q/header/period/end').hasAttribute('aria-invalid'));
    assert.equal(await attributed(page), true);
    await end.fill(HEADER.period.end);

    // signed off: both or neither
    await setField(page, '/header/signed_off/by', 'Dr A Smith, medical director');
    await page.locator(sel('q/header/signed_off/on-error')).filter({ hasText: 'Enter the date it was signed off too' }).waitFor();
    assert.equal(await attributed(page), false);
    await setField(page, '/header/signed_off/on', '2025-07-10');
    await page.waitForFunction(() => window.netspecForm.attributed === true);

    const header = { ...HEADER, signed_off: { by: 'Dr A Smith, medical director', on: '2025-07-10' } };
    const expected = compileNode(ACC).evaluate({ header });
    assert.deepEqual(await report(page), expected);
    assert.deepEqual(expected.header, header);
    assert.equal(expected.assessed_on, '2025-06-30', 'the period end is the assessment date');
    const echo = await page.locator('#r-header dd').allTextContents();
    assert.deepEqual(echo, [
      'Eastmoor Hospitals NHS Trust (RRK)',
      'provider service',
      '2024-07-01 to 2025-06-30',
      'Jo Bloggs, critical care matron',
      'Dr A Smith, medical director, 2025-07-10',
    ]);
    assert.equal(await page.locator('#header-status').textContent(), 'The header is complete.');
    assert.doesNotMatch(await page.locator('#status-bar').textContent(), /Provisional/);
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
  }
});

test('an old draft without a header loads with the header empty and a note; nothing is filled in for it', { skip, timeout: 60000 }, async () => {
  const o = await open();
  try {
    const { page } = o;
    await start(o);
    const old = { assessed_on: '2025-06-30', units: [{ name: 'Ward 7 ICU', shifts_total: 7 }] };
    await page.evaluate(([key, old]) => {
      localStorage.setItem('netspec.form.v1.current', JSON.stringify({ key }));
      localStorage.setItem(`netspec.form.v1.answers.${key}`, JSON.stringify(old));
    }, [ACC, old]);
    await page.reload();
    await settled(page);
    const note = page.locator('#header-note');
    assert.equal(await note.isVisible(), true);
    assert.match(await note.textContent(), /^The answers saved in this browser had no header\. The header is left empty for you to fill in: nothing in it has been filled in for you\./);
    assert.match(await note.textContent(), /It gave the assessment date 2025-06-30 \(assessed_on\)/);
    // every header field empty, no respondent chosen; the provider's questions shown meanwhile
    assert.equal(await page.locator('#q\\/header input[type=radio]:checked').count(), 0);
    for (const p of ['organisation/ods_code', 'organisation/name', 'period/start', 'period/end', 'completed_by']) {
      assert.equal(await page.locator(sel(`q/header/${p}`)).inputValue(), '', p);
    }
    assert.match(await page.locator('#respondent-note').textContent(), /Choose who is answering above/);
    assert.deepEqual(await readForm(page, { units: old.units }), leaves({ units: old.units }));
    assert.match(await page.locator('#header-status').textContent(), /^Still to fill in: who is answering, ODS code/);

    // exported as it is: no header invented, no assessed_on
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export').click()]);
    const file = artifact('exported-old-draft.json');
    await download.saveAs(file);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { units: old.units });
    assert.match(await page.locator('#action-status').textContent(), /^Exported, but the header is not complete \(still to fill in: who is answering, ODS code/);

    // filled in, the report is attributed; the draft saved has the header and no assessed_on
    await fillHeader(page, HEADER);
    await page.waitForFunction(() => window.netspecForm.attributed === true);
    assert.deepEqual(await report(page), compileNode(ACC).evaluate({ header: HEADER, units: old.units }));
    const saved = await page.evaluate((key) => JSON.parse(localStorage.getItem(`netspec.form.v1.answers.${key}`)), ACC);
    assert.deepEqual(saved, { units: old.units, header: HEADER });
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
  }
});

test('respondents: the picker shows only the chosen respondent\'s questions; periods, bounds, checklists, basis, compliance and what it would take', { skip, timeout: 120000 }, async (t) => {
  const o = await open();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netspec-web-respondents-'));
  try {
    const { page } = o;
    await start(o);
    const source = `spec resp "Respondents demo" {
  version "0.1"
}

inputs "Service" {
  beds: int min 0 max 50 "How many beds?"
    unit "beds"
  shifts_total: int min 0 "How many nursing shifts did the service run?"
    unit "shifts" period assessment
  shifts_covered: int min 0 max shifts_total "Of those shifts, how many had a coordinator?"
    unit "shifts" label "Shifts with a coordinator" period assessment
  standards: checklist "Which of these standards does the service meet?" {
    named_lead "The service has a named clinical lead"
    protocol "There is a written escalation protocol"
  }
}

inputs "Network governance" respondent network {
  board_meetings: int min 0 "How many times did the network board meet?"
    period 12 months
  workplan_signed: bool "Has every ICB signed the network workplan?"
}

area workforce {
  requirement RESP-WF-01 must "At least 5 beds" {
    beds >= 5
    basis standard
    ref "Demo standard 1"
    help "Count funded beds."
  }
  requirement RESP-WF-02 should "A coordinator on nearly every shift" {
    shifts_covered / shifts_total >= 90%
    basis estimate
    ref "Demo standard 2"
    help "Roster a coordinator on every shift."
  }
}

area quality {
  requirement RESP-QU-01 should "No standard unmet" {
    all s in standards: s != no
    basis derived
    ref "Demo standard 3"
  }
}

area collaboration {
  requirement RESP-CO-01 must "The network board meets quarterly" {
    respondent network
    board_meetings >= 4
    basis standard
    ref "Demo standard 4"
  }
  requirement RESP-CO-02 should "Every ICB has signed the workplan" {
    respondent network
    workplan_signed
    ref "Demo standard 5"
  }
}
`;
    const file = path.join(dir, 'resp.netspec');
    fs.writeFileSync(file, source);
    const spec = compileNode('resp.netspec', source);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('#open-spec').click()]);
    await chooser.setFiles(file);
    await page.waitForFunction(() => document.getElementById('spec-title').textContent.startsWith('Respondents demo'));
    const has = (id) => page.locator(sel(id)).count();

    // the provider's questions only
    for (const id of ['q/beds', 'q/shifts_total', 'q/shifts_covered', 'q/standards']) assert.equal(await has(id), 1, id);
    for (const id of ['q/board_meetings', 'q/workplan_signed']) assert.equal(await has(id), 0, id);
    // the period a count covers, and the bound, beside the question
    const questions = spec.inputs().flatMap((s) => s.questions);
    const q = (name) => questions.find((x) => x.name === name);
    assert.equal(q('board_meetings').respondent, 'network');
    assert.equal(q('beds').respondent, 'provider');
    assert.equal(typeof q('shifts_total').period, 'string');
    const period = page.locator(sel('q/shifts_total-period'));
    assert.equal(await period.textContent(), q('shifts_total').period.charAt(0).toUpperCase() + q('shifts_total').period.slice(1));
    assert.ok((await page.locator(sel('q/shifts_total')).getAttribute('aria-describedby')).split(' ').includes('q/shifts_total-period'));
    const bound = page.locator(sel('q/shifts_covered-rel0'));
    const words = q('shifts_covered').relations[0].words;
    assert.match(words, /^at most .*“How many nursing shifts did the service run\?”/);
    assert.equal(await bound.textContent(), words.charAt(0).toUpperCase() + words.slice(1));
    assert.ok((await page.locator(sel('q/shifts_covered')).getAttribute('aria-describedby')).split(' ').includes('q/shifts_covered-rel0'));
    // a checklist: every item the spec owns, answered yes, no or not applicable
    assert.deepEqual(
      await page.locator(sel('q/standards')).locator('fieldset legend').allTextContents(),
      ['The service has a named clinical lead', 'There is a written escalation protocol'],
    );

    const provider = {
      header: { ...HEADER, organisation: { ods_code: 'RXX01', name: 'Westmoor Hospitals' } },
      beds: 6,
      shifts_total: 100,
      shifts_covered: 80,
      standards: { named_lead: 'yes', protocol: 'no' },
    };
    await fillForm(page, provider);
    assert.equal(await bound.textContent(), `${words.charAt(0).toUpperCase()}${words.slice(1)} (now 100)`);
    const expected = spec.evaluate(provider);
    assert.deepEqual(await report(page), expected);
    assert.equal(expected.respondent, 'provider');
    assert.deepEqual(expected.requirements.map((r) => r.id), ['RESP-WF-01', 'RESP-WF-02', 'RESP-QU-01'], 'only the provider\'s requirements are rated');
    // the level with its basis
    for (const [id, text] of [['RESP-WF-01', 'must · from a standard'], ['RESP-WF-02', 'should · estimated threshold'], ['RESP-QU-01', 'should · derived from a standard']]) {
      assert.equal(await page.locator(`#r-req-${id} .level`).textContent(), text, id);
    }
    // compliance beside the rating: 1 met of 3 decided
    assert.equal(expected.overall.compliance, 33.33);
    assert.equal(await page.locator('#r-overall .compliance').textContent(), 'Compliance 33.33%');
    assert.equal(await page.locator('#r-area-workforce .area-head .compliance').textContent(), 'Compliance 50%');
    // what it would take: 80 of 100 against 90% needs 10 more
    const wf02 = expected.requirements.find((r) => r.id === 'RESP-WF-02');
    const step = wf02.explanation.find((c) => !c.held).to_pass[0];
    assert.equal(step.path, '/shifts_covered');
    assert.equal(step.from, 80);
    assert.equal(step.to, 90);
    assert.equal(step.change, 10);
    const line = page.locator('#r-req-RESP-WF-02 .to-pass li');
    assert.equal(await line.textContent(), `To pass: ${step.message} (now 80, needs 90)`);
    assert.match(step.message, /^10 more /);
    assert.equal(await page.locator('#r-req-RESP-WF-02 .req-help').textContent(), 'Guidance: Roster a coordinator on every shift.');
    assert.equal(await page.locator('#r-req-RESP-WF-02 .req-ref').textContent(), 'Source: Demo standard 2');
    await line.locator('a').click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q/shifts_covered');

    // an answer above its bound is refused at its field with the engine's message
    await setField(page, '/shifts_covered', 120);
    let refusal;
    try {
      spec.evaluate({ ...provider, shifts_covered: 120 });
    } catch (e) {
      refusal = e.diagnostics.find((d) => d.severity === 'error');
    }
    assert.equal(refusal.code, 'NS0216');
    const err = page.locator(sel('q/shifts_covered-error'));
    await err.filter({ hasText: refusal.message.slice(1, 30) }).waitFor();
    assert.equal(await page.locator(sel('q/shifts_covered')).getAttribute('aria-invalid'), 'true');
    await setField(page, '/shifts_covered', 80);
    await page.waitForFunction(() => !document.getElementById('q/shifts_covered').hasAttribute('aria-invalid'));

    // the network answering: its questions only; the provider's answers kept aside
    await page.locator(sel('q/header/respondent-network')).check();
    await page.locator(sel('q/board_meetings')).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q/header/respondent-network', 'the focus stays on the picker');
    for (const id of ['q/beds', 'q/shifts_total', 'q/shifts_covered', 'q/standards']) assert.equal(await has(id), 0, id);
    assert.equal(await has('q/workplan_signed'), 1);
    assert.match(await page.locator('#other-answers').textContent(), /^4 answers to questions asked of a provider service are kept in this browser but left out of the report and the export/);
    const network = { header: { ...provider.header, respondent: 'network' }, board_meetings: 3, workplan_signed: true };
    await fillForm(page, { board_meetings: 3, workplan_signed: true });
    const netReport = spec.evaluate(network);
    assert.deepEqual(await report(page), netReport);
    assert.equal(netReport.respondent, 'network');
    assert.deepEqual(netReport.requirements.map((r) => r.id), ['RESP-CO-01', 'RESP-CO-02']);
    assert.equal(await page.locator('#r-req-RESP-CO-01').getAttribute('data-outcome'), 'not_met');
    assert.equal(await page.locator('#r-req-RESP-CO-02 .level').textContent(), 'should · basis not stated');
    // a yes/no answer: the other answer is what it would take, without "now … needs …"
    await setField(page, '/workplan_signed', false);
    const co02 = page.locator('#r-req-RESP-CO-02[data-outcome=not_met] .to-pass li');
    await co02.waitFor();
    const yesNo = spec.evaluate({ ...network, workplan_signed: false }).requirements.find((r) => r.id === 'RESP-CO-02');
    const flip = yesNo.explanation.find((c) => !c.held).to_pass[0];
    assert.deepEqual([flip.from, flip.to, flip.change, flip.path], [false, true, null, '/workplan_signed']);
    assert.equal(await co02.textContent(), `To pass: ${flip.message}`);
    await setField(page, '/workplan_signed', true);
    await page.locator('#r-req-RESP-CO-02[data-outcome=met]').waitFor();

    await t.test('export: the network\'s submission, and the CLI gives the same report', { skip: noCli }, async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export').click()]);
      assert.equal(download.suggestedFilename(), 'resp-network-self-assessment.json');
      const out = artifact('exported-network.json');
      await download.saveAs(out);
      const exported = JSON.parse(fs.readFileSync(out, 'utf8'));
      assert.deepEqual(exported, network, 'the provider\'s answers are not in the network\'s submission');
      assert.deepEqual(cliReport(file, out), await report(page));
    });

    // back to the provider: every answer is still there
    await page.locator(sel('q/header/respondent-provider')).check();
    await page.locator(sel('q/beds')).waitFor();
    const { header: _h, ...providerAnswers } = provider;
    assert.deepEqual(await readForm(page, providerAnswers), leaves(providerAnswers));
    assert.deepEqual(await report(page), expected);
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
