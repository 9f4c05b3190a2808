// The spec playground: a spec editor with live diagnostics, a submission
// editor, the report, the spec's tests with coverage, and a shareable state.
import {
  bundledFiles,
  bundledSpec,
  bundledSpecs,
  compileSpec,
  editorQueries,
  engineVersion,
  explain,
  loadEngine,
  NetspecError,
} from './engine.js';
import { announce, download, fill, h, pickFile, words } from './dom.js';
import { createEditor, lineStarts, offsetAt } from './editor.js';
import { createSpecEditor } from './spec-editor.js';
import { locations, rangeOf } from './jsonpos.js';
import { renderReport } from './report.js';
import { decodeState, encodeState, stateFromHash } from './share.js';

const STORE = 'netspec.playground.v1';
const DELAY = 150; // ms of quiet typing before the spec is checked again
const $ = (id) => document.getElementById(id);

const state = {
  name: 'spec.netspec', // the spec's file name (`use` paths resolve from it)
  pristine: '', // the source as loaded, to ask before throwing edits away
  spec: null, // compiled, or null when it has errors
  testable: false, // compiled with its tests
  compiledText: null,
  compiledName: null,
  evaluatedText: null,
  timer: 0,
};

const probe = { ready: false, compiles: 0, compileMs: [], evaluateMs: [], updates: 0 };
window.netspecPlayground = probe;

let specEditor;
let subEditor;

// ---------------------------------------------------------------- diagnostics

function markersFor(diags, text, file) {
  const starts = lineStarts(text);
  const out = [];
  for (const d of diags) {
    if (!d.line || (d.file && file && d.file !== file)) continue;
    const start = offsetAt(text, starts, d.line, d.column || 1);
    const end = d.endLine ? offsetAt(text, starts, d.endLine, d.endColumn || 1) : start;
    out.push({ start, end, severity: d.severity, message: `${d.code}: ${d.message}`, line: d.line, column: d.column || 1 });
  }
  return out;
}

function summary(el, diags, okText) {
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.length - errors;
  const parts = [];
  if (errors) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  const text = parts.length ? parts.join(', ') : okText;
  if (el.textContent !== text) el.textContent = text;
  el.className = `diag-summary ${errors ? 'bad' : 'ok'}`;
}

function diagnosticItem(d, where, onReveal) {
  const info = d.code ? explain(d.code) : undefined;
  return h(
    'li',
    { class: d.severity, dataset: { code: d.code || '' } },
    onReveal
      ? h('button', { type: 'button', class: 'link-button diag-pos', onclick: onReveal }, where)
      : h('span', { class: 'diag-pos' }, where),
    ' ',
    h('span', { class: 'diag-code' }, d.code || ''),
    ` ${d.severity}: `,
    h('span', { class: 'diag-message' }, d.message),
    d.label ? h('span', { class: 'diag-label' }, ` (${d.label})`) : null,
    d.help ? h('p', { class: 'diag-help' }, `help: ${d.help}`) : null,
    (d.notes || []).map((n) => h('p', { class: 'diag-note' }, `note: ${n}`)),
    info ? h('details', null, h('summary', null, `What ${d.code} means: ${info.title}`), h('p', null, info.explanation)) : null,
  );
}

function showSpecDiagnostics(diags) {
  const text = specEditor.value;
  specEditor.setMarkers(markersFor(diags, text, state.name));
  summary($('spec-diag-summary'), diags, 'No problems: the spec compiles.');
  const starts = lineStarts(text);
  fill(
    $('spec-diagnostics'),
    diags.map((d) => {
      const here = !d.file || d.file === state.name;
      const where = d.line ? `${here ? '' : `${d.file}:`}line ${d.line}, column ${d.column}` : d.file || 'spec';
      const reveal =
        here && d.line
          ? () =>
              specEditor.reveal(
                offsetAt(text, starts, d.line, d.column || 1),
                d.endLine ? offsetAt(text, starts, d.endLine, d.endColumn || 1) : undefined,
              )
          : null;
      return diagnosticItem(d, where, reveal);
    }),
  );
}

// ---------------------------------------------------------------- compile and evaluate

function compile() {
  const text = specEditor.value;
  const t0 = performance.now();
  if (state.spec) state.spec.free();
  state.spec = null;
  state.testable = false;
  let diags = [];
  try {
    state.spec = compileSpec(text, { name: state.name, tests: true });
    state.testable = true;
    diags = [...state.spec.warnings];
  } catch (e) {
    diags = e instanceof NetspecError ? e.diagnostics : [{ severity: 'error', code: '', message: String(e), notes: [] }];
    // tests that cannot run (a missing `given file`, say) still leave a spec to evaluate
    try {
      state.spec = compileSpec(text, { name: state.name, tests: false });
    } catch {
      state.spec = null;
    }
  }
  probe.compiles++;
  probe.compileMs.push(performance.now() - t0);
  performance.mark('netspec-compiled');
  state.compiledText = text;
  state.compiledName = state.name;
  state.evaluatedText = null;
  showSpecDiagnostics(diags);
  markTestsStale();
}

function evaluate() {
  const text = subEditor.value;
  const panel = $('report');
  state.evaluatedText = text;
  if (!state.spec) {
    subEditor.setMarkers([]);
    summary($('sub-diag-summary'), [], '');
    fill($('sub-diagnostics'));
    fill(panel, h('p', { class: 'report-blocked' }, 'The spec has errors: fix them to see the report.'));
    return;
  }
  const t0 = performance.now();
  let report = null;
  let diags = [];
  try {
    report = state.spec.evaluate(text.trim() === '' ? '{}' : text);
  } catch (e) {
    diags = e instanceof NetspecError ? e.diagnostics : [{ severity: 'error', code: '', message: String(e), notes: [] }];
  }
  probe.evaluateMs.push(performance.now() - t0);
  performance.mark('netspec-evaluated');
  if (report) diags = report.warnings.map((w) => ({ ...w, notes: w.notes || [] }));

  // mark the submission: NS0207 has a line and column, the rest a JSON pointer
  const map = diags.some((d) => d.path !== undefined) ? locations(text) : null;
  const starts = lineStarts(text);
  const markers = [];
  const items = diags.map((d) => {
    let range = null;
    let where = 'submission';
    if (d.line) {
      const at = offsetAt(text, starts, d.line, d.column || 1);
      range = { start: at, end: at, line: d.line, column: d.column || 1 };
      where = `line ${d.line}, column ${d.column}`;
    } else if (d.path !== undefined) {
      const r = rangeOf(map, d.path);
      where = d.path || '(the whole submission)';
      if (r) {
        const line = lineStarts(text.slice(0, r.start)).length;
        range = { ...r, line, column: r.start - starts[line - 1] + 1 };
      }
    }
    if (range) markers.push({ ...range, severity: d.severity, message: `${d.code}: ${d.message}` });
    return diagnosticItem(d, where, range ? () => subEditor.reveal(range.start, range.end) : null);
  });
  subEditor.setMarkers(markers);
  summary($('sub-diag-summary'), diags, 'The submission is valid.');
  fill($('sub-diagnostics'), items);

  if (!report) {
    fill(panel, h('p', { class: 'report-blocked' }, 'The submission has errors: fix them to see the report.'));
    return;
  }
  renderReport(panel, report, {
    idPrefix: 'pg',
    hrefFor: () => '#submission-source',
    canJump: (p) => !!(map || (map === null && locations(text))) && isInText(text, p),
    jump: (p) => {
      const r = rangeOf(locations(text), p);
      if (r) subEditor.reveal(r.start, r.end);
    },
  });
}

function isInText(text, pointer) {
  const r = rangeOf(locations(text), pointer);
  return !!(r && r.exact);
}

function update() {
  clearTimeout(state.timer);
  state.timer = 0;
  probe.updates++;
  if (specEditor.value !== state.compiledText || state.name !== state.compiledName) compile();
  if (subEditor.value !== state.evaluatedText) evaluate();
  save();
  document.body.dataset.checked = String(probe.updates);
}

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(update, DELAY);
}

// ---------------------------------------------------------------- tests

function markTestsStale() {
  const box = $('tests');
  if (box.dataset.ran === 'true' && !box.querySelector('.stale')) {
    box.prepend(h('p', { class: 'stale hint' }, 'The spec has changed since these results: run the tests again.'));
  }
}

function runTests() {
  if (state.timer) update();
  const box = $('tests');
  box.dataset.ran = 'true';
  if (!state.spec) {
    fill(box, h('p', { class: 'report-blocked' }, 'The spec has errors: fix them to run its tests.'));
    return;
  }
  if (!state.testable) {
    fill(box, h('p', { class: 'report-blocked' }, 'The tests cannot run: see the diagnostics (a test reads a file that is not bundled, or names something unknown).'));
    return;
  }
  let run;
  const t0 = performance.now();
  try {
    run = state.spec.runTests();
  } catch (e) {
    fill(box, h('p', { class: 'report-blocked' }, `The tests could not run: ${e.message}`));
    return;
  }
  const ms = performance.now() - t0;
  const text = specEditor.value;
  const starts = lineStarts(text);
  const cov = run.coverage;
  const results = run.results.map((t) =>
    h(
      'li',
      { class: t.passed ? 'passed' : 'failed', dataset: { test: t.name } },
      h('strong', null, t.passed ? '✓ passed' : '✗ failed'),
      ' ',
      t.location
        ? h(
            'button',
            {
              type: 'button',
              class: 'link-button',
              onclick: () => specEditor.reveal(offsetAt(text, starts, t.location.line, t.location.column)),
            },
            `line ${t.location.line}`,
          )
        : null,
      ' ',
      h('span', { class: 'test-name' }, t.name),
      h('span', { class: 'hint' }, ` (${t.checked} expectation${t.checked === 1 ? '' : 's'})`),
      t.error ? h('p', { class: 'diag-help' }, `error: ${t.error}`) : null,
      t.mismatches.length
        ? h(
            'ul',
            { class: 'mismatch' },
            t.mismatches.map((m) =>
              h(
                'li',
                null,
                `${m.subject}: expected ${words(m.expected)}, got ${words(m.actual)}`,
                m.detail.length ? h('ul', null, m.detail.map((x) => h('li', null, x))) : null,
              ),
            ),
          )
        : null,
    ),
  );
  const yes = (b) => h('td', { class: b ? 'yes' : 'no' }, b ? '✓' : '–');
  const coverage = h(
    'div',
    { class: 'coverage-wrap' },
    h(
      'table',
      { class: 'coverage' },
      h('caption', { class: 'visually-hidden' }, 'Outcomes each requirement reached in the tests'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Requirement', 'Met', 'Not met', 'Not applicable', 'Incomplete'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        null,
        cov.requirements.map((r) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, r.id),
            yes(r.met),
            yes(r.not_met),
            r.has_applies ? yes(r.not_applicable) : h('td', { class: 'no' }, 'n/a'),
            yes(r.incomplete),
          ),
        ),
      ),
    ),
  );
  fill(
    box,
    h(
      'p',
      { class: 'tests-summary', id: 'tests-summary' },
      `${run.passed} passed, ${run.failed} failed · coverage ${Math.round(cov.percent * 10) / 10}% (${cov.covered} of ${cov.total} requirements) · ${ms.toFixed(0)} ms`,
    ),
    run.results.length ? h('ul', { class: 'tests' }, results) : h('p', null, 'The spec has no tests.'),
    h(
      'details',
      null,
      h('summary', null, 'Coverage by requirement'),
      h(
        'p',
        { class: 'hint' },
        'A requirement is covered when the tests see it met and not met, and not applicable when it has an `applies when`. By area: ',
        cov.areas.map((a) => `${words(a.area)} ${a.covered}/${a.total}`).join(', '),
        '.',
      ),
      coverage,
    ),
  );
  announce(`${run.passed} tests passed, ${run.failed} failed`);
}

// ---------------------------------------------------------------- state

function current() {
  return { v: 1, name: state.name, spec: specEditor.value, submission: subEditor.value };
}

function save() {
  try {
    localStorage.setItem(STORE, JSON.stringify(current()));
  } catch {
    $('pg-status').textContent = 'The playground could not be saved in this browser: download the state to keep it.';
  }
}

function apply(s, message) {
  if (!s || typeof s.spec !== 'string') throw new Error('not a playground state');
  state.name = typeof s.name === 'string' && s.name ? s.name : 'spec.netspec';
  state.pristine = s.spec;
  specEditor.value = s.spec;
  subEditor.value = typeof s.submission === 'string' ? s.submission : JSON.stringify(s.submission ?? {}, null, 2);
  fill($('tests'), h('p', { class: 'hint' }, 'Run tests to run the spec\'s test blocks and see their results and coverage.'));
  delete $('tests').dataset.ran;
  update();
  syncSelects();
  if (message) {
    $('pg-status').textContent = message;
  }
}

function bundledState(file, example) {
  const s = bundledSpec(file);
  const ex = example || (s.examples.find((e) => e.endsWith('/partly_compliant.json')) ?? s.examples[0]);
  return { v: 1, name: file, spec: bundledFiles[file], submission: ex ? bundledFiles[ex] : '{}\n' };
}

function syncSelects() {
  const specSelect = $('pg-spec-select');
  specSelect.value = bundledSpec(state.name) ? state.name : '';
  const s = bundledSpec(state.name);
  const examples = s ? s.examples : [];
  fill(
    $('pg-example-select'),
    h('option', { value: '' }, examples.length ? '— choose an example —' : '(none for this spec)'),
    examples.map((e) => h('option', { value: e }, words(e.split('/').pop().replace(/\.json$/, '')))),
  );
  $('pg-example-select').disabled = examples.length === 0;
}

const modified = () => specEditor.value !== state.pristine;

async function share() {
  const code = await encodeState(current());
  const url = `${location.origin}${location.pathname}#state=${code}`;
  const out = $('pg-share-url');
  out.hidden = false;
  out.value = url;
  let copied = false;
  try {
    await navigator.clipboard.writeText(url);
    copied = true;
  } catch {
    copied = false;
  }
  out.focus();
  out.select();
  $('pg-status').textContent = copied
    ? `Share link copied (${url.length} characters): it holds the spec and the submission.`
    : `Share link ready below (${url.length} characters): copy it.`;
}

async function openFile() {
  const file = await pickFile('.netspec,.json,application/json,text/plain');
  if (!file) return;
  if (file.name.endsWith('.netspec')) {
    state.name = file.name.replace(/^.*[\\/]/, '');
    state.pristine = file.text;
    specEditor.value = file.text;
    update();
    syncSelects();
    $('pg-status').textContent = `Opened ${file.name}.`;
    return;
  }
  let data;
  try {
    data = JSON.parse(file.text);
  } catch (e) {
    $('pg-status').textContent = `${file.name} is not JSON: ${e.message}`;
    return;
  }
  if (data && data.v === 1 && typeof data.spec === 'string') apply(data, `Opened the playground state in ${file.name}.`);
  else {
    subEditor.value = file.text;
    update();
    $('pg-status').textContent = `Opened ${file.name} as the submission.`;
  }
}

async function fromHash() {
  const code = stateFromHash(location.hash);
  if (!code) return false;
  try {
    apply(await decodeState(code), 'Opened the shared playground state.');
  } catch (e) {
    $('pg-status').textContent = `The link's state could not be read: ${e.message}`;
    return false;
  }
  // later reloads keep later edits (they are saved); the link has done its work
  history.replaceState(null, '', location.pathname + location.search);
  return true;
}

// ---------------------------------------------------------------- start

function wire() {
  $('pg-spec-select').addEventListener('change', (e) => {
    const file = e.target.value;
    if (!file) return;
    if (modified() && !window.confirm('Replace the spec you changed with the bundled one?')) {
      syncSelects();
      return;
    }
    apply(bundledState(file), `Loaded ${file}.`);
  });
  $('pg-example-select').addEventListener('change', (e) => {
    const file = e.target.value;
    if (!file) return;
    subEditor.value = bundledFiles[file];
    e.target.value = '';
    update();
    $('pg-status').textContent = `Loaded ${file} as the submission.`;
  });
  $('pg-run-tests').addEventListener('click', runTests);
  $('pg-share').addEventListener('click', share);
  $('pg-download').addEventListener('click', () => download('netspec-playground.json', JSON.stringify(current(), null, 2) + '\n'));
  $('pg-download-spec').addEventListener('click', () => download(state.name, specEditor.value, 'text/plain'));
  $('pg-open').addEventListener('click', openFile);
  window.addEventListener('hashchange', fromHash);
  window.addEventListener('pagehide', () => {
    if (state.timer) update();
  });
}

async function start() {
  const queries = editorQueries();
  specEditor = createSpecEditor({ id: 'spec-source', label: 'Spec source (.netspec)', onInput: schedule, queries });
  // for the tests: the editor's text and selection, and whether hover and completion are on
  probe.spec = specEditor;
  probe.editorQueries = queries !== null;
  subEditor = createEditor({
    id: 'submission-source',
    label: 'Submission (JSON)',
    onInput: schedule,
    describedBy: 'sub-diag-summary',
    small: true,
  });
  $('spec-editor').append(specEditor.root);
  $('submission-editor').append(subEditor.root);
  try {
    await loadEngine();
  } catch (e) {
    const box = $('load-error');
    box.hidden = false;
    fill(box, h('p', null, 'The WebAssembly engine could not be loaded.'), h('pre', { class: 'rendered' }, String(e && e.stack ? e.stack : e)));
    return;
  }
  performance.mark('netspec-engine-loaded');
  probe.version = engineVersion();
  $('engine-version').textContent = probe.version;
  fill(
    $('pg-spec-select'),
    h('option', { value: '' }, '(your own spec)'),
    bundledSpecs.map((s) => h('option', { value: s.file }, s.title)),
  );
  wire();
  if (!(await fromHash())) {
    let saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(STORE) || 'null');
    } catch {
      saved = null;
    }
    try {
      apply(saved && typeof saved.spec === 'string' ? saved : bundledState(bundledSpecs[0].file));
      if (saved) state.pristine = bundledFiles[state.name] ?? saved.spec;
    } catch {
      apply(bundledState(bundledSpecs[0].file));
    }
  }
  document.body.dataset.ready = 'true';
  probe.ready = true;
  performance.mark('netspec-interactive');
}

start();
