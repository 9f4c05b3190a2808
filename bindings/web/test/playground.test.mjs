// The spec playground in headless Chromium: diagnostics marked where the
// engine says, the report, the tests with coverage, and the shared state.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { artifact, compileNode, open, outcomesOf, readSpecFile, shownOutcomes, skip } from './support.mjs';

const ACC = 'adult_critical_care.netspec';
/** A submission header as JSON text, for submissions typed into the editor. */
const HEAD = '"header": {"respondent": "provider", "organisation": {"ods_code": "RRK", "name": "Eastmoor Hospitals NHS Trust"}, '
  + '"period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "Jo Bloggs"}';

async function start(o, hash = '') {
  await o.page.goto(`${o.url}playground${hash}`);
  await o.page.waitForFunction(() => window.netspecPlayground && window.netspecPlayground.ready);
}

/** Replaces a textarea's text at once, as a paste does (Playwright's fill is slow on 30 kB). */
async function paste(page, id, text) {
  await page.evaluate(
    ([id, text]) => {
      const t = document.getElementById(id);
      t.focus();
      t.select();
      t.value = text;
      t.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    },
    [id, text],
  );
}

/** Selects `length` characters at `offset` in a textarea and types over them. */
async function typeAt(page, id, offset, length, text) {
  await page.evaluate(
    ([id, offset, length]) => {
      const t = document.getElementById(id);
      t.focus();
      t.setSelectionRange(offset, offset + length);
    },
    [id, offset, length],
  );
  await page.keyboard.type(text);
}

test('playground: a misspelt input name is marked at its line and column with the engine\'s message; fixed, the report is back', { skip, timeout: 120000 }, async () => {
  const o = await open();
  try {
    const { page } = o;
    await start(o);
    assert.equal(await page.locator('#pg-spec-select').inputValue(), ACC);
    await page.waitForFunction(() => document.querySelector('#report .overall'));
    const source = readSpecFile(ACC);
    assert.equal(await page.locator('#spec-source').inputValue(), source);
    assert.equal(await page.locator('#spec-diag-summary').textContent(), 'No problems: the spec compiles.');
    const submission = await page.locator('#submission-source').inputValue();
    const spec = compileNode(ACC);
    const expected = spec.evaluate(submission);
    assert.deepEqual(await shownOutcomes(page, 'pg'), outcomesOf(expected));

    // `units` -> `unitz` in `let admissions_total = sum(u.admissions for u in units)`, typed
    const needle = 'let admissions_total = sum(u.admissions for u in units)';
    const at = source.indexOf(needle) + needle.length - 2; // the final `s`
    await typeAt(page, 'spec-source', at, 1, 'z');
    const broken = source.slice(0, at) + 'z' + source.slice(at + 1);
    let err;
    try {
      compileNode(ACC, broken);
    } catch (e) {
      err = e.diagnostics.find((d) => d.severity === 'error');
    }
    assert.equal(err.code, 'NS0002');
    const mark = page.locator('#spec-editor mark.diag-error');
    await mark.first().waitFor();
    assert.equal(await mark.count(), 1);
    assert.equal(await mark.textContent(), 'unitz');
    assert.equal(await mark.getAttribute('data-line'), String(err.line));
    assert.equal(await mark.getAttribute('data-column'), String(err.column));
    assert.equal(await page.locator(`#spec-editor .gutter .gl-error`).getAttribute('data-line'), String(err.line));
    assert.equal(await page.locator('#spec-diag-summary').textContent(), '1 error');
    const item = page.locator('#spec-diagnostics li.error');
    assert.equal(await item.locator('.diag-message').textContent(), err.message);
    assert.match(await item.textContent(), new RegExp(`line ${err.line}, column ${err.column} NS0002 error: unknown name \`unitz\``));
    assert.match(await item.textContent(), /did you mean `units`\?/);
    assert.match(await page.locator('#report').textContent(), /The spec has errors/);
    // the marker is drawn where the text is: the mark and the typed text line up
    const boxes = await page.evaluate(() => {
      const t = document.getElementById('spec-source');
      const m = document.querySelector('#spec-editor mark.diag-error');
      return { mark: m.getBoundingClientRect().toJSON(), area: t.getBoundingClientRect().toJSON() };
    });
    assert.ok(boxes.mark.width > 10 && boxes.mark.top >= boxes.area.top && boxes.mark.bottom <= boxes.area.bottom + 1, JSON.stringify(boxes));
    // the diagnostic's position button selects the name in the editor
    await item.locator('button.diag-pos').click();
    const selection = await page.evaluate(() => {
      const t = document.getElementById('spec-source');
      return [document.activeElement.id, t.value.slice(t.selectionStart, t.selectionEnd)];
    });
    assert.deepEqual(selection, ['spec-source', 'unitz']);
    await page.evaluate(() => {
      const t = document.getElementById('spec-source');
      t.setSelectionRange(t.selectionEnd, t.selectionEnd); // the caret after the name, the marker in view
      t.blur();
      window.scrollTo(0, document.querySelector('.pg-layout').getBoundingClientRect().top + window.scrollY - 10);
    });
    await page.screenshot({ path: artifact('playground.png') });

    // fixed: the marker goes and the report comes back
    await typeAt(page, 'spec-source', at, 1, 's');
    await page.locator('#report .overall').waitFor();
    assert.equal(await page.locator('#spec-editor mark').count(), 0);
    assert.equal(await page.locator('#spec-diag-summary').textContent(), 'No problems: the spec compiles.');
    assert.deepEqual(await shownOutcomes(page, 'pg'), outcomesOf(expected));
    await page.screenshot({ path: artifact('playground-fixed.png') });
    assert.deepEqual(o.logs, []);
    assert.deepEqual(o.external, []);
  } finally {
    await o.close();
  }
});

test('playground: run tests shows every test and the coverage; submission errors are marked', { skip, timeout: 120000 }, async () => {
  const o = await open();
  try {
    const { page } = o;
    await start(o);
    await page.locator('#pg-run-tests').click();
    const run = compileNode(ACC, undefined, true).runTests();
    assert.equal(run.failed, 0);
    await page.locator('#tests-summary').waitFor();
    assert.match(
      await page.locator('#tests-summary').textContent(),
      new RegExp(`^${run.passed} passed, 0 failed · coverage 100% \\(${run.coverage.covered} of ${run.coverage.total} requirements\\)`),
    );
    assert.equal(await page.locator('#tests li.passed').count(), run.results.length);
    assert.equal(await page.locator('#tests table.coverage tbody tr').count(), run.coverage.requirements.length);

    // a failing expectation: the test shows what it expected and what happened
    const source = readSpecFile(ACC);
    const changed = source.replace('expect ACC-WF-03 not_met', 'expect ACC-WF-03 met');
    assert.notEqual(changed, source);
    await paste(page, 'spec-source', changed);
    await page.waitForFunction(() => document.querySelector('#tests .stale'));
    await page.locator('#pg-run-tests').click();
    await page.locator('#tests li.failed').first().waitFor();
    const failing = compileNode(ACC, changed, true).runTests();
    assert.equal(await page.locator('#tests li.failed').count(), failing.failed);
    assert.match(await page.locator('#tests li.failed').first().textContent(), /ACC-WF-03: expected met, got not met/);

    // the submission: not JSON (line and column), then a wrong type (its JSON pointer)
    const sub = page.locator('#submission-source');
    await sub.fill(`{\n  ${HEAD},\n  "units": [\n`);
    const m1 = page.locator('#submission-editor mark.diag-error');
    await m1.waitFor();
    assert.match(await page.locator('#sub-diagnostics li').first().textContent(), /NS0207/);
    await sub.fill(`{\n  ${HEAD},\n  "units": [{"name": "A", "shifts_total": "seven"}]\n}\n`);
    await page.locator('#sub-diagnostics li', { hasText: 'NS0201' }).waitFor();
    await page.waitForFunction(() => document.querySelector('#submission-editor mark.diag-error')?.textContent === '"shifts_total": "seven"');
    assert.match(await page.locator('#sub-diagnostics li').first().textContent(), /\/units\/0\/shifts_total/);
    assert.match(await page.locator('#report').textContent(), /The submission has errors/);
    // an unknown key is a warning; the report is there
    await sub.fill(`{\n  ${HEAD},\n  "unitz": []\n}\n`);
    await page.locator('#report .overall').waitFor();
    await page.waitForFunction(() => document.querySelector('#submission-editor mark.diag-warning')?.textContent === '"unitz"');
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
  }
});

test('playground: the share link and a reload give back the same spec and submission', { skip, timeout: 120000 }, async () => {
  const o = await open();
  try {
    const { page, ctx } = o;
    await start(o);
    await page.locator('#pg-spec-select').selectOption('burns.netspec');
    await page.waitForFunction(() => document.getElementById('spec-source').value.startsWith('spec burns'));
    const spec = (await page.locator('#spec-source').inputValue()) + '\n// edited — with ünïcödé ✓\n';
    await paste(page, 'spec-source', spec);
    await page.locator('#submission-source').fill(`{${HEAD}}`);
    await page.waitForFunction(() => document.querySelector('#report .overall'));
    await page.locator('#pg-share').click();
    // the link is made asynchronously (compressed with CompressionStream)
    await page.waitForFunction(() => document.getElementById('pg-share-url').value !== '');
    const url = await page.locator('#pg-share-url').inputValue();
    assert.match(url, /\/playground#state=z[A-Za-z0-9_-]+$/);
    assert.ok(url.length < spec.length, `the link is compressed (${url.length} characters for ${spec.length})`);

    // a reload keeps it (saved in the browser)
    await page.reload();
    await page.waitForFunction(() => window.netspecPlayground && window.netspecPlayground.ready);
    assert.equal(await page.locator('#spec-source').inputValue(), spec);
    assert.equal(await page.locator('#submission-source').inputValue(), `{${HEAD}}`);

    // the link opens it in a browser that has never seen it
    const other = await open();
    try {
      await other.page.goto(url);
      await other.page.waitForFunction(() => window.netspecPlayground && window.netspecPlayground.ready);
      assert.equal(await other.page.locator('#spec-source').inputValue(), spec);
      assert.equal(await other.page.locator('#submission-source').inputValue(), `{${HEAD}}`);
      assert.equal(new URL(other.page.url()).hash, '', 'the state leaves the address bar once loaded');
      assert.deepEqual(other.logs, []);
    } finally {
      await other.close();
    }

    // download the state, open it again
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#pg-download').click()]);
    const file = artifact('playground-state.json');
    await download.saveAs(file);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(saved, { v: 1, name: 'burns.netspec', spec, submission: `{${HEAD}}` });
    page.once('dialog', (d) => d.accept()); // the spec was changed: replace it?
    await page.locator('#pg-spec-select').selectOption(ACC);
    await page.waitForFunction(() => document.getElementById('spec-source').value.startsWith('spec adult_critical_care'));
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('#pg-open').click()]);
    await chooser.setFiles(file);
    await page.waitForFunction((s) => document.getElementById('spec-source').value === s, spec);
    assert.equal(ctx.pages().length, 1);
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
  }
});
