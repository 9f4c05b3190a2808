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
const cliSkip = skipUnless(!fs.existsSync(CLI) && `no CLI at ${CLI} (cargo build -p netspec-cli)`);

async function start(o, file = ACC) {
  await o.page.goto(o.url);
  await settled(o.page);
  if ((await o.page.locator('#spec-select').inputValue()) !== file) {
    await o.page.locator('#spec-select').selectOption(file);
  }
  await o.page.waitForFunction((t) => document.getElementById('spec-title').textContent.startsWith(t), compileNode(file).title);
}

const report = (page) => page.evaluate(() => window.netspecForm.report);
const checkText = (c) => `${c.element ? `${c.element}: ` : ''}${c.message}`;

test('adult critical care: typed in, a must not met shows red with the explanation, green again when fixed; reload restores; export matches the CLI', { skip, timeout: 180000 }, async (t) => {
  const o = await open();
  try {
    const { page } = o;
    await start(o);
    const spec = compileNode(ACC);

    // every answer of the compliant example, typed into the form
    const n = await fillForm(page, compliant);
    assert.ok(n > 100, `filled ${n} fields`);
    const expected = spec.evaluate(compliant);
    assert.equal(expected.overall.rating, 'green');
    assert.deepEqual(await report(page), expected, 'the page evaluates exactly what the engine does');
    assert.deepEqual(await shownOutcomes(page), outcomesOf(expected));
    assert.equal(await page.locator('#r-overall .badge').textContent(), 'Green');

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
    const shown = (await req.locator('.checks li').allTextContents()).map((s) => s.replace(/^fails: |^holds: /, ''));
    assert.deepEqual(shown, wf03.explanation.map(checkText));
    assert.ok(shown.includes('units[1] (South site ICU): u.funded_beds is 10, more than 6'), 'the condition that made it apply');
    assert.match(shown.find((s) => s.includes('shifts_with_coordinator')), /^units\[1\] \(South site ICU\): u\.shifts_with_coordinator \/ u\.shifts_total is 95\.89%, needs at least 100%: short by 4\.11 percentage points$/);
    assert.equal(await page.locator('#r-area-workforce .area-head .badge').textContent(), 'Red');
    assert.equal(await page.locator('#r-overall .badge').textContent(), 'Red');
    assert.deepEqual(await shownOutcomes(page), outcomesOf(badReport));

    // the list element in the explanation jumps to that unit
    await req.locator('.checks a.element').first().click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q/units/1');

    await page.evaluate(() => {
      document.getElementById('q/units/1/shifts_with_coordinator').scrollIntoView({ block: 'center' });
      const panel = document.getElementById('report-panel');
      const r = document.getElementById('r-req-ACC-WF-03');
      panel.scrollTop += r.getBoundingClientRect().top - panel.getBoundingClientRect().top - 140;
      document.activeElement.blur();
    });
    // the highlight of the jump (a CSS animation on the .flash field) has faded
    await page.waitForFunction(() => document.getAnimations()
      .filter((a) => a.effect && a.effect.target && a.effect.target.classList.contains('flash'))
      .every((a) => a.playState === 'finished'));
    await page.screenshot({ path: artifact('form.png') });

    // export this red submission; the CLI gives the same report for it
    await t.test('export: the CLI gives the same outcomes', { skip: cliSkip }, async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export').click()]);
      assert.equal(download.suggestedFilename(), 'adult_critical_care-self-assessment.json');
      const file = artifact('exported.json');
      await download.saveAs(file);
      const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.deepEqual(exported, bad, 'the export is the submission typed in');
      assert.equal(Object.keys(exported)[0], 'assessed_on');
      let out;
      try {
        out = execFileSync(CLI, ['eval', path.join(REPO, 'specs', ACC), file, '--format', 'json'], { encoding: 'utf8' });
      } catch (e) {
        // `eval` exits 0 whatever the outcomes (only --fail-on changes that)
        throw new Error(`netspec eval failed: ${e.stderr || e.message}`);
      }
      const cli = JSON.parse(out);
      assert.deepEqual(outcomesOf(cli), await shownOutcomes(page));
      assert.deepEqual(cli, await report(page), 'the whole report is the same');
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
    await setField(page, '/assessed_on', '2025-06-30');
    // no unit yet: the link for "units" goes to the Add entry button
    const sd03 = page.locator('#r-req-ACC-SD-03');
    assert.equal(await sd03.getAttribute('data-outcome'), 'incomplete');
    await sd03.locator('a.question', { hasText: 'Adult critical care units run by this provider' }).click();
    assert.equal(await page.evaluate(() => document.activeElement.dataset.addFor), '/units');
    await page.keyboard.press('Enter'); // adds a unit, focus moves into it
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q/units/0/name');
    await page.keyboard.type('Ward 7 ICU');
    assert.equal(await page.locator(sel('q/units/0-legend')).textContent(), 'Entry 1: Ward 7 ICU units[0]');

    const spec = compileNode(ACC);
    const expected = spec.evaluate({ assessed_on: '2025-06-30', units: [{ name: 'Ward 7 ICU' }] });
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
    await fillForm(page, { assessed_on: '2025-06-30', units: [{ name: 'A', funded_beds: 7 }] });
    const beds = page.locator(sel('q/units/0/funded_beds'));
    await beds.fill('0');
    const err = page.locator(sel('q/units/0/funded_beds-error'));
    await assert.doesNotReject(err.filter({ hasText: 'below the minimum 1' }).waitFor());
    assert.equal(await err.textContent(), '0 is below the minimum 1');
    assert.equal(await err.getAttribute('aria-live'), 'polite');
    assert.equal(await beds.getAttribute('aria-invalid'), 'true');
    assert.ok((await beds.getAttribute('aria-describedby')).split(' ').includes('q/units/0/funded_beds-error'));
    assert.match(await page.locator('#error-count').textContent(), /1 answer needs fixing/);
    // the report is still there, without that answer
    const spec = compileNode(ACC);
    const expected = spec.evaluate({ assessed_on: '2025-06-30', units: [{ name: 'A' }] });
    assert.deepEqual(await report(page), expected);

    // an int with a fraction, then a valid value
    await beds.fill('7.5');
    await err.filter({ hasText: 'whole number' }).or(err.filter({ hasText: 'integer' })).or(err.filter({ hasText: 'fraction' })).waitFor();
    await beds.fill('8');
    await page.waitForFunction(() => !document.getElementById('q/units/0/funded_beds').hasAttribute('aria-invalid'));
    assert.equal(await err.textContent(), '');
    assert.equal(await page.locator('#error-count').textContent(), '');

    // an assessment date is needed for date rules
    await setField(page, '/assessed_on', '');
    await page.locator(sel('q/assessed_on-error')).filter({ hasText: 'assessment date' }).waitFor();
    assert.match(await page.locator('#report').textContent(), /No report yet/);
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
  }
});

test('import, print summary, labels and phone width', { skip, timeout: 90000 }, async () => {
  const o = await open({ viewport: { width: 390, height: 844 } });
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
      assessed_on: '2025-06-30',
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
    assert.match(await wf02.textContent(), /staff\[0\] \(Ann\) › shifts\[1\] \(late\)/);
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
