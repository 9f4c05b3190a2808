// The spec playground in headless Chromium: diagnostics marked where the
// engine says, the report, the tests with coverage, and the shared state.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { artifact, compileNode, open, outcomesOf, readSpecFile, REPO, shownOutcomes, skip } from './support.mjs';

const ACC = 'adult_critical_care.netspec';
/** A submission header as JSON text, for submissions typed into the editor. */
const HEAD = '"header": {"respondent": "provider", "organisation": {"ods_code": "RRK", "name": "Eastmoor Hospitals NHS Trust"}, '
  + '"period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "Jo Bloggs"}';

async function start(o, hash = '') {
  await o.page.goto(`${o.url}playground${hash}`);
  await o.page.waitForFunction(() => window.netspecPlayground && window.netspecPlayground.ready);
}

/** The spec editor's text (CodeMirror). */
const specText = (page) => page.evaluate(() => window.netspecPlayground.spec.value);

/** Replaces the spec editor's text at once, as a paste does. */
async function pasteSpec(page, text) {
  await page.evaluate((text) => {
    const e = window.netspecPlayground.spec;
    e.replace(0, e.value.length, text);
  }, text);
}

/** Selects `length` characters at `offset` in the spec editor and types over them. */
async function typeInSpec(page, offset, length, text) {
  await page.evaluate(([offset, length]) => window.netspecPlayground.spec.select(offset, offset + length), [offset, length]);
  await page.keyboard.type(text);
}

/** Runs `fn(view, shadowRoot, arg)` in the page on the spec editor's CodeMirror view. */
const inSpecEditor = (page, fn, arg) =>
  page.evaluate(
    ([src, arg]) => {
      const view = window.netspecPlayground.spec.view;
      const root = document.getElementById('spec-source-host').shadowRoot;
      // eslint-disable-next-line no-new-func
      return new Function('view', 'root', 'arg', `return (${src})(view, root, arg);`)(view, root, arg);
    },
    [fn.toString(), arg],
  );

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

test('playground: a misspelt input name is underlined at its line and column with the engine\'s message; fixed, the report is back', { skip, timeout: 120000 }, async () => {
  const o = await open();
  try {
    const { page } = o;
    await start(o);
    assert.equal(await page.locator('#pg-spec-select').inputValue(), ACC);
    await page.waitForFunction(() => document.querySelector('#report .overall'));
    const source = readSpecFile(ACC);
    assert.equal(await specText(page), source);
    assert.equal(await page.locator('#spec-diag-summary').textContent(), 'No problems: the spec compiles.');
    const submission = await page.locator('#submission-source').inputValue();
    const spec = compileNode(ACC);
    const expected = spec.evaluate(submission);
    assert.deepEqual(await shownOutcomes(page, 'pg'), outcomesOf(expected));

    // `units` -> `unitz` in `let admissions_total = sum(u.admissions for u in units)`, typed
    const needle = 'let admissions_total = sum(u.admissions for u in units)';
    const at = source.indexOf(needle) + needle.length - 2; // the final `s`
    await typeInSpec(page, at, 1, 'z');
    const broken = source.slice(0, at) + 'z' + source.slice(at + 1);
    let err;
    try {
      compileNode(ACC, broken);
    } catch (e) {
      err = e.diagnostics.find((d) => d.severity === 'error');
    }
    assert.equal(err.code, 'NS0002');
    // underlined in the text: the range, its line and column are the engine's
    const mark = page.locator('#spec-editor .cm-lintRange-error');
    await mark.first().waitFor();
    assert.equal(await mark.count(), 1);
    assert.equal(await mark.textContent(), 'unitz');
    const where = await inSpecEditor(page, (view, root) => {
      const el = root.querySelector('.cm-lintRange-error');
      const pos = view.posAtDOM(el, 0);
      const line = view.state.doc.lineAt(pos);
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return { line: line.number, column: pos - line.from + 1, width: box.width, underline: style.backgroundImage };
    });
    assert.equal(where.line, err.line);
    assert.equal(where.column, err.column);
    assert.ok(where.width > 10, JSON.stringify(where));
    assert.match(where.underline, /url\(/, 'the wavy underline is drawn'); // CodeMirror draws it as an SVG background
    assert.equal(await page.locator('#spec-editor .cm-lint-marker-error').count(), 1);
    assert.equal(await page.locator('#spec-diag-summary').textContent(), '1 error');
    const item = page.locator('#spec-diagnostics li.error');
    assert.equal(await item.locator('.diag-message').textContent(), err.message);
    assert.match(await item.textContent(), new RegExp(`line ${err.line}, column ${err.column} NS0002 error: unknown name \`unitz\``));
    assert.match(await item.textContent(), /did you mean `units`\?/);
    assert.match(await page.locator('#report').textContent(), /The spec has errors/);
    // the diagnostic's position button selects the name in the editor
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await item.locator('button.diag-pos').click();
    const selection = await inSpecEditor(page, (view, root) => {
      const r = view.state.selection.main;
      return [root.activeElement && root.activeElement.id, view.state.sliceDoc(r.from, r.to), view.hasFocus];
    });
    assert.deepEqual(selection, ['spec-source', 'unitz', true]);
    await inSpecEditor(page, (view) => {
      view.contentDOM.blur();
      window.scrollTo(0, document.querySelector('.pg-layout').getBoundingClientRect().top + window.scrollY - 10);
    });
    await page.screenshot({ path: artifact('playground.png') });

    // fixed: the marker goes and the report comes back
    await typeInSpec(page, at, 1, 's');
    await page.locator('#report .overall').waitFor();
    assert.equal(await page.locator('#spec-editor .cm-lintRange-error').count(), 0);
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
    await pasteSpec(page, changed);
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
    await page.waitForFunction(() => window.netspecPlayground.spec.value.startsWith('spec burns'));
    const spec = (await specText(page)) + '\n// edited — with ünïcödé ✓\n';
    await pasteSpec(page, spec);
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
    assert.equal(await specText(page), spec);
    assert.equal(await page.locator('#submission-source').inputValue(), `{${HEAD}}`);

    // the link opens it in a browser that has never seen it
    const other = await open();
    try {
      await other.page.goto(url);
      await other.page.waitForFunction(() => window.netspecPlayground && window.netspecPlayground.ready);
      assert.equal(await specText(other.page), spec);
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
    await page.waitForFunction(() => window.netspecPlayground.spec.value.startsWith('spec adult_critical_care'));
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('#pg-open').click()]);
    await chooser.setFiles(file);
    await page.waitForFunction((s) => window.netspecPlayground.spec.value === s, spec);
    assert.equal(ctx.pages().length, 1);
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
  }
});

test('playground: the spec is highlighted by kind of word, every word of the language from its grammar', { skip, timeout: 120000 }, async () => {
  const o = await open();
  try {
    const { page } = o;
    await start(o);
    await page.locator('#pg-spec-select').selectOption('renal.netspec');
    await page.waitForFunction(() => window.netspecPlayground.spec.value.startsWith('spec renal'));
    // the words in view, by class (classHighlighter's tok-* classes)
    const seen = await inSpecEditor(page, (view, root) => {
      const byClass = {};
      for (const el of root.querySelectorAll('.cm-line [class^="tok-"]')) {
        (byClass[el.className] ??= new Set()).add(el.textContent);
      }
      const colour = (cls) => {
        const el = root.querySelector(`.${cls}`);
        return el ? getComputedStyle(el).color : null;
      };
      return {
        byClass: Object.fromEntries(Object.entries(byClass).map(([k, v]) => [k, [...v]])),
        colours: ['tok-keyword', 'tok-string', 'tok-variableName', 'tok-comment'].map(colour),
      };
    });
    const has = (cls, word) => assert.ok((seen.byClass[cls] || []).includes(word), `${cls} has ${word}: ${JSON.stringify(seen.byClass[cls])}`);
    has('tok-keyword', 'spec');
    has('tok-variableName', 'version'); // a header attribute's name, as the grammar reads it
    has('tok-string', '"2026.1"');
    has('tok-comment', "// A renal centre's self-assessment against the renal ODN specification.");
    assert.ok(!seen.byClass['tok-invalid'], `nothing invalid: ${JSON.stringify(seen.byClass['tok-invalid'])}`);
    // the four kinds are drawn in four colours
    assert.equal(new Set(seen.colours).size, 4, JSON.stringify(seen.colours));

    // a requirement further down: its id, level, basis, inputs and threshold
    const source = readSpecFile('renal.netspec');
    const at = source.indexOf('requirement REN-');
    await page.evaluate((at) => window.netspecPlayground.spec.reveal(at), at);
    await page.locator('#spec-editor .tok-labelName').first().waitFor();
    const line = await inSpecEditor(page, (view, root) => {
      const pos = view.state.selection.main.head;
      const dom = view.domAtPos(pos).node;
      const lineEl = (dom.nodeType === 1 ? dom : dom.parentElement).closest('.cm-line');
      return [...lineEl.querySelectorAll('[class^="tok-"]')].map((el) => [el.className, el.textContent]);
    });
    const want = /^\s*requirement (REN-[A-Z]+-\d+) (must|should|may) /.exec(source.slice(at - 2, source.indexOf('\n', at)));
    assert.deepEqual(line.slice(0, 3), [
      ['tok-keyword', 'requirement'],
      ['tok-labelName', want[1]],
      ['tok-atom', want[2]],
    ]);
    assert.equal(line[3][0], 'tok-string');
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
  }
});

test('playground: brackets are matched, and an unmatched one is marked', { skip, timeout: 120000 }, async () => {
  const o = await open();
  try {
    const { page } = o;
    await start(o);
    const source = await specText(page);
    // the caret just after the spec header's `{`: it and the header's `}` light up
    const open_ = source.indexOf('{');
    const close = source.indexOf('}', open_);
    await page.evaluate((p) => window.netspecPlayground.spec.select(p), open_ + 1);
    const matched = await inSpecEditor(page, (view, root) =>
      [...root.querySelectorAll('.cm-matchingBracket')].map((el) => [el.textContent, view.posAtDOM(el, 0)]),
    );
    assert.deepEqual(matched, [
      ['{', open_],
      ['}', close],
    ]);
    // round brackets inside a rule
    const paren = source.indexOf('(', source.indexOf('requirement '));
    let depth = 0;
    let end = paren;
    for (; end < source.length; end++) {
      if (source[end] === '(') depth++;
      else if (source[end] === ')' && --depth === 0) break;
    }
    await page.evaluate((p) => window.netspecPlayground.spec.select(p), paren);
    const round = await inSpecEditor(page, (view, root) =>
      [...root.querySelectorAll('.cm-matchingBracket')].map((el) => [el.textContent, view.posAtDOM(el, 0)]),
    );
    assert.deepEqual(round, [
      ['(', paren],
      [')', end],
    ]);
    // a `)` closing a `[`: both marked as not matching
    await pasteSpec(page, `${source}\nlet x = [1)\n`);
    const last = (await specText(page)).lastIndexOf(')');
    await page.evaluate((p) => window.netspecPlayground.spec.select(p), last + 1);
    await page.locator('#spec-editor .cm-nonmatchingBracket').first().waitFor();
    assert.deepEqual(await page.locator('#spec-editor .cm-nonmatchingBracket').allTextContents(), ['[', ')']);
  } finally {
    await o.close();
  }
});

test('playground: renal with a misspelt answer, highlighted and underlined (the screenshot in docs/)', { skip, timeout: 120000 }, async () => {
  const o = await open({ viewport: { width: 1400, height: 900 } });
  try {
    const { page } = o;
    await start(o);
    await page.locator('#pg-spec-select').selectOption('renal.netspec');
    await page.waitForFunction(() => window.netspecPlayground.spec.value.startsWith('spec renal'));
    await page.locator('#report .overall').waitFor();
    const source = readSpecFile('renal.netspec');
    // misspell the first input a rule reads: `units` in the first `all u in units`
    const at = source.indexOf('all u in units') + 'all u in unit'.length;
    await typeInSpec(page, at, 1, 'z');
    const mark = page.locator('#spec-editor .cm-lintRange-error');
    await mark.first().waitFor();
    assert.equal(await mark.first().textContent(), 'unitz');
    assert.match(await page.locator('#spec-diagnostics li.error').first().textContent(), /NS0002 error: unknown name `unitz`/);
    // the line in the middle of the editor, the editor at the top of the window
    await inSpecEditor(page, (view, root, p) => {
      view.dispatch({ effects: view.constructor.scrollIntoView(p, { y: 'center' }) });
      window.scrollTo(0, document.querySelector('.pg-layout').getBoundingClientRect().top + window.scrollY - 10);
    }, at);
    // the pointer on the name shows the lint tooltip with the engine's message
    await mark.first().hover();
    await page.locator('#spec-editor .cm-tooltip-lint').waitFor();
    assert.match(await page.locator('#spec-editor .cm-tooltip-lint').textContent(), /NS0002: unknown name `unitz`/);
    await page.screenshot({ path: artifact('playground-renal.png') });
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
  }
});

test('playground: hover and completion come from the engine', { skip, timeout: 120000 }, async () => {
  const o = await open();
  try {
    const { page } = o;
    await start(o);
    assert.equal(await page.evaluate(() => window.netspecPlayground.editorQueries), true);
    const source = await specText(page);
    // hover over an input name (the list a rule ranges over, not a word in
    // a title): its question, from the engine
    const at = source.indexOf(' in units', source.indexOf('area ')) + ' in '.length;
    assert.ok(at > ' in '.length, 'the spec has a rule over `units`');
    await page.evaluate((p) => window.netspecPlayground.spec.select(p), at);
    // the line in the middle of the editor, the editor at the top of the window
    await inSpecEditor(page, (view, root, p) => {
      view.dispatch({ effects: view.constructor.scrollIntoView(p, { y: 'center' }) });
      window.scrollTo(0, document.querySelector('.pg-layout').getBoundingClientRect().top + window.scrollY - 10);
    }, at);
    const box = await inSpecEditor(page, (view, root, p) => view.coordsAtPos(p), at + 1);
    await page.mouse.move(box.left + 2, (box.top + box.bottom) / 2);
    await page.locator('#spec-editor .cm-tooltip-hover .cm-netspec-hover').waitFor();
    const expected = await page.evaluate(async ([s, p]) => (await import('/wasm/web.js')).hover(s, p), [source, at + 1]);
    assert.ok(expected && expected.contents, 'the engine has a hover for an input name');
    assert.equal(await page.locator('#spec-editor .cm-netspec-hover').textContent(), expected.contents);
    // completion after `u.` in a rule: the engine's candidates
    const rule = source.indexOf('u in units: u.', source.indexOf('area ')) + 'u in units: u.'.length;
    assert.ok(rule > 'u in units: u.'.length, 'the spec has a quantifier over `units`');
    await page.evaluate((p) => window.netspecPlayground.spec.select(p), rule);
    await page.keyboard.press('Control+Space');
    await page.locator('#spec-editor .cm-tooltip-autocomplete').waitFor();
    const labels = await page.locator('#spec-editor .cm-tooltip-autocomplete .cm-completionLabel').allTextContents();
    const want = await page.evaluate(async ([s, p]) => (await import('/wasm/web.js')).complete(s, p), [source, rule]);
    assert.ok(want.options.length > 0);
    assert.ok(labels.length > 0 && labels.every((l) => want.options.some((o) => o.label === l)), JSON.stringify(labels));
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
  }
});
