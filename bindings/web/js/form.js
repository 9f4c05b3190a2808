// The self-assessment form: generated from a spec's inputs (spec.inputs()),
// evaluated on every change, saved in localStorage, exported and imported as
// the submission JSON the CLI takes.
import {
  bundledSpec,
  bundledFiles,
  bundledSpecs,
  compileSpec,
  engineVersion,
  loadEngine,
  NetspecError,
  today,
} from './engine.js';
import { announce, download, fill, h, pickFile, words } from './dom.js';
import * as ptr from './pointer.js';
import { countsText, RATING, ratingBadge, renderReport } from './report.js';

const STORE = 'netspec.form.v1';
const $ = (id) => document.getElementById(id);

const state = {
  key: null, // storage key of the spec: a bundled file name, or `file:<name>`
  name: null, // the spec's file name
  spec: null,
  sections: [],
  evidence: [], // [{ id, title, declared: [{ key, description }] }]
  answers: {},
  controls: new Map(), // concrete JSON pointer -> { kind, focus, errorEl, wrap, q }
  localErrors: new Map(), // pointer -> message (input the browser could not read)
  engineErrors: new Map(), // pointer -> [message]
  lastReport: '',
  lastRating: null,
};

// What the tests and the benchmark read.
const probe = { ready: false, timings: [], version: '', errors: [], report: null };
window.netspecForm = probe;

// ---------------------------------------------------------------- storage

const storage = {
  get(k) {
    try {
      const v = localStorage.getItem(`${STORE}.${k}`);
      return v === null ? null : JSON.parse(v);
    } catch {
      return null;
    }
  },
  set(k, v) {
    try {
      localStorage.setItem(`${STORE}.${k}`, JSON.stringify(v));
      return true;
    } catch {
      return false;
    }
  },
};

function save() {
  if (!state.key) return;
  const ok = storage.set(`answers.${state.key}`, state.answers);
  const time = new Date().toLocaleTimeString('en-GB');
  $('save-status').textContent = ok
    ? `Answers saved in this browser at ${time}.`
    : 'Answers could not be saved in this browser (storage is full or disabled): export them to keep them.';
}

// ---------------------------------------------------------------- form model

const questionText = (q) => q.question || words(q.name);

function constraintText(q) {
  const { min, max } = q;
  const has = (v) => v !== undefined && v !== null;
  const fmt = (v) => (q.type === 'percent' ? `${v}%` : String(v));
  let range = '';
  if (has(min) && has(max)) range = q.type === 'date' ? `from ${min} to ${max}` : `from ${fmt(min)} to ${fmt(max)}`;
  else if (has(min)) range = q.type === 'date' ? `on or after ${min}` : `at least ${fmt(min)}`;
  else if (has(max)) range = q.type === 'date' ? `on or before ${max}` : `at most ${fmt(max)}`;
  else if (q.type === 'percent') range = 'from 0% to 100%';
  const kind = { int: 'Whole number', number: 'Number', percent: 'Percentage', date: 'Date' }[q.type];
  if (!kind) return '';
  return range ? `${kind}, ${range}` : kind;
}

/** The first text field of a list element: the engine names elements by it. */
const labelField = (q) => (q.fields || []).find((f) => f.type === 'text');

function rowLabel(listQ, path, i) {
  const lf = labelField(listQ);
  const name = lf ? ptr.get(state.answers, `${path}/${i}/${lf.name}`) : undefined;
  return typeof name === 'string' && name.trim() ? name : null;
}

function controlValue(v, q) {
  if (v === undefined || v === null) return '';
  if (q.type === 'date') return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '';
  if (['int', 'number', 'percent'].includes(q.type)) return typeof v === 'number' ? String(v) : '';
  return typeof v === 'string' ? v : '';
}

function describedBy(...ids) {
  return ids.filter(Boolean).join(' ') || null;
}

function renderScalar(q, path) {
  const id = `q${path}`;
  const value = ptr.get(state.answers, path);
  const helpId = q.help ? `${id}-help` : null;
  const cons = constraintText(q);
  const consId = cons ? `${id}-cons` : null;
  const unitId = q.unit || q.type === 'percent' ? `${id}-unit` : null;
  const errId = `${id}-error`;
  const errorEl = h('p', { class: 'field-error', id: errId, 'aria-live': 'polite' });
  const readBy = q.read_by && q.read_by.length ? h('p', { class: 'readby' }, `Used by ${q.read_by.join(', ')}`) : null;
  const hints = [
    q.help ? h('p', { class: 'hint', id: helpId }, q.help) : null,
    cons ? h('p', { class: 'hint constraint', id: consId }, cons) : null,
  ];
  const common = {
    id,
    name: id,
    dataset: { path, type: q.type },
    'aria-describedby': describedBy(helpId, consId, unitId, errId),
  };

  if (q.type === 'bool') {
    const radio = (v, label) =>
      h(
        'label',
        { class: 'radio' },
        h('input', {
          type: 'radio',
          name: id,
          id: `${id}-${v ? 'yes' : 'no'}`,
          value: String(v),
          checked: value === v,
          dataset: { path, type: 'bool' },
        }),
        h('span', null, label),
      );
    const yes = radio(true, 'Yes');
    const no = radio(false, 'No');
    const clear = h(
      'button',
      { type: 'button', class: 'link-button clear-answer', dataset: { clear: path }, 'aria-label': `Clear answer: ${questionText(q)}` },
      'Clear answer',
    );
    const fs = h(
      'fieldset',
      {
        class: 'field field-bool',
        id,
        tabindex: '-1',
        'aria-describedby': describedBy(helpId, errId),
        dataset: { fieldPath: path },
      },
      h('legend', { class: 'label' }, questionText(q)),
      hints,
      h('div', { class: 'radios' }, yes, no, clear),
      errorEl,
      readBy,
    );
    state.controls.set(path, {
      kind: 'bool',
      q,
      wrap: fs,
      errorEl,
      focus: () => fs.querySelector('input:checked') || fs.querySelector('input'),
      invalidEl: fs,
    });
    return fs;
  }

  let control;
  if (q.type === 'enum') {
    const values = q.values || [];
    const opts = [h('option', { value: '' }, '— not answered —'), values.map((v) => h('option', { value: v }, words(v)))];
    if (typeof value === 'string' && value && !values.includes(value)) {
      opts.push(h('option', { value, class: 'invalid-option' }, `${value} (not an allowed value)`));
    }
    control = h('select', common, opts);
    control.value = typeof value === 'string' ? value : '';
  } else if (q.type === 'text') {
    control = h('input', { ...common, type: 'text', value: controlValue(value, q), autocomplete: 'off' });
  } else if (q.type === 'date') {
    control = h('input', { ...common, type: 'date', value: controlValue(value, q), min: q.min ?? null, max: q.max ?? null });
  } else {
    // int, number, percent
    const isInt = q.type === 'int';
    const min = q.min ?? (q.type === 'percent' ? 0 : null);
    const max = q.max ?? (q.type === 'percent' ? 100 : null);
    control = h('input', {
      ...common,
      type: 'number',
      inputmode: isInt ? 'numeric' : 'decimal',
      step: isInt ? '1' : 'any',
      min,
      max,
      value: controlValue(value, q),
      class: 'number',
    });
  }
  const unit = unitId ? h('span', { class: 'unit', id: unitId }, q.type === 'percent' ? '%' : q.unit) : null;
  const wrap = h(
    'div',
    { class: `field field-${q.type}`, dataset: { fieldPath: path } },
    h('label', { class: 'label', for: id }, questionText(q)),
    hints,
    h('div', { class: 'control-row' }, control, unit),
    errorEl,
    readBy,
  );
  state.controls.set(path, { kind: q.type, q, wrap, errorEl, focus: () => control, invalidEl: control });
  return wrap;
}

function renderGroup(q, path) {
  const id = `q${path}`;
  const helpId = q.help ? `${id}-help` : null;
  const errorEl = h('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  const fs = h(
    'fieldset',
    { class: 'group', id, tabindex: '-1', 'aria-describedby': describedBy(helpId, `${id}-error`), dataset: { fieldPath: path } },
    h('legend', { class: 'group-legend' }, questionText(q)),
    q.help ? h('p', { class: 'hint', id: helpId }, q.help) : null,
    errorEl,
    (q.fields || []).map((f) => renderQuestion(f, path)),
  );
  state.controls.set(path, { kind: 'group', q, wrap: fs, errorEl, focus: () => fs, invalidEl: fs });
  return fs;
}

function renderList(q, path) {
  const id = `q${path}`;
  const helpId = q.help ? `${id}-help` : null;
  const bounds = [];
  if (q.min !== undefined && q.min !== null && q.min > 0) bounds.push(`at least ${q.min}`);
  if (q.max !== undefined && q.max !== null) bounds.push(`at most ${q.max}`);
  const consId = bounds.length ? `${id}-cons` : null;
  const errorEl = h('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  const rows = h('ol', { class: 'rows', id: `${id}-rows` });
  const empty = h('p', { class: 'empty-list', id: `${id}-empty` }, 'No entries yet.');
  const add = h(
    'button',
    {
      type: 'button',
      class: 'add-row',
      id: `${id}-add`,
      dataset: { addFor: path },
      'aria-label': `Add entry to: ${questionText(q)}`,
      'aria-describedby': describedBy(consId, `${id}-error`),
    },
    '+ Add entry',
  );
  const fs = h(
    'fieldset',
    { class: 'list', id, tabindex: '-1', 'aria-describedby': describedBy(helpId, consId, `${id}-error`), dataset: { fieldPath: path } },
    h('legend', { class: 'group-legend' }, questionText(q)),
    q.help ? h('p', { class: 'hint', id: helpId }, q.help) : null,
    bounds.length ? h('p', { class: 'hint constraint', id: consId }, `Entries: ${bounds.join(', ')}`) : null,
    rows,
    empty,
    add,
    errorEl,
  );
  state.controls.set(path, { kind: 'list', q, wrap: fs, errorEl, focus: () => add, invalidEl: fs, rows, add, empty });
  renderRows(q, path);
  return fs;
}

function renderRows(q, path) {
  const c = state.controls.get(path);
  for (const k of [...state.controls.keys()]) if (k.startsWith(`${path}/`)) state.controls.delete(k);
  const list = ptr.get(state.answers, path);
  const items = Array.isArray(list) ? list : [];
  fill(
    c.rows,
    items.map((_, i) => {
      const rowPath = `${path}/${i}`;
      const rowId = `q${rowPath}`;
      const label = rowLabel(q, path, i);
      const legend = h(
        'legend',
        { class: 'row-legend', id: `${rowId}-legend` },
        h('span', { class: 'row-number' }, `Entry ${i + 1}`),
        h('span', { class: 'row-name' }, label ? `: ${label}` : ''),
        ' ',
        h('code', { class: 'row-ref' }, `${q.name}[${i}]`),
      );
      const remove = h(
        'button',
        {
          type: 'button',
          class: 'remove-row',
          dataset: { removeFor: path, index: String(i) },
          'aria-label': `Remove entry ${i + 1}${label ? ` (${label})` : ''}`,
        },
        'Remove',
      );
      const errorEl = h('p', { class: 'field-error', id: `${rowId}-error`, 'aria-live': 'polite' });
      const fs = h(
        'fieldset',
        { class: 'row', id: rowId, tabindex: '-1', 'aria-describedby': `${rowId}-error`, dataset: { fieldPath: rowPath } },
        legend,
        errorEl,
        (q.fields || []).map((f) => renderQuestion(f, rowPath)),
        h('div', { class: 'row-actions' }, remove),
      );
      state.controls.set(rowPath, { kind: 'row', q, wrap: fs, errorEl, focus: () => fs, invalidEl: fs });
      return h('li', null, fs);
    }),
  );
  const max = q.max ?? Infinity;
  c.add.disabled = items.length >= max;
  c.empty.hidden = items.length > 0;
}

function renderQuestion(q, base) {
  const path = ptr.join(base, q.name);
  if (q.type === 'list') return renderList(q, path);
  if (q.type === 'group') return renderGroup(q, path);
  return renderScalar(q, path);
}

function renderEvidence() {
  if (!state.evidence.length) return null;
  return h(
    'section',
    { class: 'form-section evidence-section', 'aria-labelledby': 'sec-evidence' },
    h('h3', { id: 'sec-evidence' }, 'Evidence'),
    h(
      'p',
      { class: 'hint' },
      'For each requirement, name the documents that show it (a file name, link or reference). Evidence does not change outcomes; the report lists what is still missing.',
    ),
    state.evidence.map((r) => {
      const path = `/evidence/${r.id}`;
      return h(
        'fieldset',
        { class: 'group evidence-group', id: `q${path}`, tabindex: '-1', dataset: { fieldPath: path } },
        h('legend', { class: 'group-legend' }, h('span', { class: 'req-id' }, r.id), ' ', r.title),
        r.declared.map((d) =>
          renderScalar({ name: d.key, type: 'text', question: d.description, read_by: [] }, `${path}/${d.key}`),
        ),
      );
    }),
  );
}

function renderForm() {
  state.controls.clear();
  const form = $('form');
  const about = h(
    'section',
    { class: 'form-section', 'aria-labelledby': 'sec-about' },
    h('h3', { id: 'sec-about' }, 'About this assessment'),
    renderScalar(
      {
        name: 'assessed_on',
        type: 'date',
        question: 'Assessment date',
        help: 'Rules such as "reviewed within the last 12 months" count back from this date.',
        read_by: [],
      },
      '/assessed_on',
    ),
  );
  const sections = state.sections.map((s, i) =>
    h(
      'section',
      { class: 'form-section', 'aria-labelledby': `sec-${i}` },
      h('h3', { id: `sec-${i}` }, s.title || 'Questions'),
      s.questions.map((q) => renderQuestion(q, '')),
    ),
  );
  fill(form, h('h2', { id: 'form-title' }, 'Questions'), about, sections, renderEvidence());
}

// ---------------------------------------------------------------- input

function readControl(el) {
  const type = el.dataset.type;
  if (type === 'bool') return el.checked ? el.value === 'true' : undefined;
  if (['int', 'number', 'percent'].includes(type)) {
    if (el.value === '') return el.validity && el.validity.badInput ? { bad: 'Enter a number, like 12 or 3.5' } : undefined;
    const n = Number(el.value);
    return Number.isFinite(n) ? n : { bad: 'Enter a number, like 12 or 3.5' };
  }
  if (type === 'date') {
    if (el.value === '') return el.validity && el.validity.badInput ? { bad: 'Enter a full date' } : undefined;
    return el.value;
  }
  return el.value === '' ? undefined : el.value;
}

function onInput(e) {
  const el = e.target;
  const path = el.dataset && el.dataset.path;
  if (!path) return;
  let v = readControl(el);
  if (v && typeof v === 'object' && 'bad' in v) {
    state.localErrors.set(path, v.bad);
    v = undefined;
  } else {
    state.localErrors.delete(path);
  }
  ptr.set(state.answers, path, v);
  updateRowLegend(path);
  refresh();
}

function updateRowLegend(path) {
  // `/units/0/name` renames the legend of row /units/0 when `name` labels the rows
  const m = /^(.*)\/(\d+)\/([^/]+)$/.exec(path);
  if (!m) return;
  const list = state.controls.get(m[1]);
  if (!list || list.kind !== 'list' || (labelField(list.q) || {}).name !== m[3]) return;
  const legend = document.getElementById(`q${m[1]}/${m[2]}-legend`);
  const label = rowLabel(list.q, m[1], Number(m[2]));
  if (legend) legend.querySelector('.row-name').textContent = label ? `: ${label}` : '';
  state.lastReport = ''; // the report names entries by this field: draw it again
}

function onClick(e) {
  const btn = e.target.closest('button');
  if (!btn) return;
  const { addFor, removeFor, clear } = btn.dataset;
  if (addFor) {
    const c = state.controls.get(addFor);
    const list = ptr.get(state.answers, addFor);
    const n = Array.isArray(list) ? list.length : 0;
    ptr.set(state.answers, `${addFor}/${n}`, {});
    renderRows(c.q, addFor);
    refresh();
    const first = c.rows.lastElementChild && c.rows.lastElementChild.querySelector('input, select');
    (first || c.add).focus();
    announce(`Entry ${n + 1} added`);
  } else if (removeFor) {
    const i = Number(btn.dataset.index);
    const c = state.controls.get(removeFor);
    const list = ptr.get(state.answers, removeFor);
    if (!Array.isArray(list)) return;
    list.splice(i, 1);
    for (const k of [...state.localErrors.keys()]) if (k.startsWith(`${removeFor}/`)) state.localErrors.delete(k);
    renderRows(c.q, removeFor);
    refresh();
    const next = c.rows.children[i] || c.rows.children[i - 1];
    (next ? next.querySelector('fieldset') : c.add).focus();
    announce(`Entry ${i + 1} removed`);
  } else if (clear) {
    ptr.set(state.answers, clear, undefined);
    const c = state.controls.get(clear);
    for (const r of c.wrap.querySelectorAll('input[type=radio]')) r.checked = false;
    c.wrap.querySelector('input').focus();
    refresh();
  }
}

// ---------------------------------------------------------------- evaluation

/**
 * Evaluates the answers. Answers the engine rejects (wrong type, out of
 * range, …) are shown next to their field and left out, so the report still
 * shows everything else.
 */
function evaluate(answers) {
  let submission = answers;
  const errors = [];
  const removed = new Set(state.localErrors.keys());
  if (removed.size) submission = ptr.without(answers, [...removed]);
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      return { report: state.spec.evaluate(submission), errors };
    } catch (e) {
      if (!(e instanceof NetspecError) || e.kind !== 'submission') return { report: null, errors, failure: e };
      const errs = e.diagnostics.filter((d) => d.severity === 'error');
      errors.push(...errs);
      const next = errs.map((d) => d.path).filter((p) => p && !removed.has(p));
      if (next.length === 0) return { report: null, errors };
      for (const p of next) removed.add(p);
      submission = ptr.without(answers, [...removed]);
    }
  }
  return { report: null, errors };
}

function showErrors(errors) {
  const byPath = new Map();
  const add = (p, msg) => byPath.set(p, [...(byPath.get(p) || []), msg]);
  for (const [p, msg] of state.localErrors) add(p, msg);
  for (const d of errors) {
    if (state.localErrors.has(d.path)) continue;
    add(d.path || '', d.message.charAt(0).toUpperCase() + d.message.slice(1) + (d.help ? ` (${d.help})` : ''));
  }
  const orphans = [];
  const seen = new Set();
  for (const [p, msgs] of byPath) {
    // the nearest field on the path shows it
    let q = p;
    while (q && !state.controls.has(q)) q = q.slice(0, q.lastIndexOf('/'));
    const c = q ? state.controls.get(q) : null;
    if (!c) {
      orphans.push(...msgs.map((m) => `${p || '(whole submission)'}: ${m}`));
      continue;
    }
    const text = (q === p ? msgs : msgs.map((m) => `${p}: ${m}`)).join(' ');
    const prev = seen.has(q) ? c.errorEl.textContent + ' ' : '';
    seen.add(q);
    if (c.errorEl.textContent !== prev + text) c.errorEl.textContent = prev + text;
    c.invalidEl.setAttribute('aria-invalid', 'true');
    c.wrap.classList.add('has-error');
  }
  for (const [q, c] of state.controls) {
    if (seen.has(q) || !c.wrap.classList.contains('has-error')) continue;
    c.errorEl.textContent = '';
    c.invalidEl.removeAttribute('aria-invalid');
    c.wrap.classList.remove('has-error');
  }
  const box = $('form-problems');
  box.hidden = orphans.length === 0;
  fill(box, orphans.length ? [h('p', null, h('strong', null, 'Problems with the answers:')), h('ul', null, orphans.map((o) => h('li', null, o)))] : []);
  const n = byPath.size;
  $('error-count').textContent = n ? `${n} answer${n === 1 ? ' needs' : 's need'} fixing; ${n === 1 ? 'it is' : 'they are'} left out of the report.` : '';
  probe.errors = [...byPath.entries()];
}

function showReport(result) {
  const panel = $('report');
  const bar = $('status-bar');
  if (!result.report) {
    probe.report = null;
    state.lastReport = '';
    state.lastRating = null;
    const why = result.failure
      ? `The engine failed: ${result.failure.message}`
      : result.errors.map((d) => d.message + (d.help ? ` (${d.help})` : '')).join('; ');
    fill(panel, h('p', { class: 'report-blocked' }, 'No report yet: ', why || 'the answers could not be read.'));
    fill(bar, h('span', null, 'No report yet: fix the answers marked in the form.'));
    return;
  }
  probe.report = result.report;
  const json = JSON.stringify(result.report);
  if (json === state.lastReport) return;
  state.lastReport = json;
  const report = result.report;
  renderReport(panel, report, { jump: focusPath, canJump, idPrefix: 'r', pathLabel });
  fill(
    bar,
    h('span', { class: 'status-label' }, 'Overall'),
    ratingBadge(report.overall.rating),
    h('span', { class: 'counts' }, countsText(report.overall.counts)),
    h('a', { href: '#report-panel', class: 'status-link' }, 'Go to report'),
  );
  if (state.lastRating !== null && state.lastRating !== report.overall.rating) {
    announce(`Overall rating is now ${RATING[report.overall.rating]}`);
  }
  state.lastRating = report.overall.rating;
}

function refresh() {
  if (!state.spec) return;
  const t0 = performance.now();
  const result = evaluate(state.answers);
  const t1 = performance.now();
  showErrors(result.errors);
  showReport(result);
  const t2 = performance.now();
  probe.timings.push({ evaluate: t1 - t0, total: t2 - t0 });
  if (probe.timings.length > 2000) probe.timings.splice(0, 1000);
  save();
}

// ---------------------------------------------------------------- jumping to fields

function nearestControl(path) {
  let p = path;
  while (p) {
    const c = state.controls.get(p);
    if (c) return c;
    p = p.slice(0, p.lastIndexOf('/'));
  }
  return null;
}

const canJump = (path) => nearestControl(path) !== null;

/** `units[1] (South site ICU)` for a pointer inside a list entry, as the engine names entries; null outside lists. */
function pathLabel(path) {
  const segs = ptr.parse(path);
  const parts = [];
  let base = '';
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (/^\d+$/.test(s)) {
      const list = state.controls.get(base);
      if (list && list.kind === 'list' && i < segs.length - 1) {
        const label = rowLabel(list.q, base, Number(s));
        parts.push(`${list.q.name}[${s}]${label ? ` (${label})` : ''}`);
      }
    }
    base = ptr.join(base, s);
  }
  return parts.length ? parts.join(' › ') : null;
}

function focusPath(path) {
  const c = nearestControl(path);
  if (!c) return false;
  const el = c.focus();
  el.scrollIntoView({ block: 'center' });
  el.focus({ preventScroll: true });
  c.wrap.classList.remove('flash');
  void c.wrap.offsetWidth; // restart the animation
  c.wrap.classList.add('flash');
  return true;
}

// ---------------------------------------------------------------- specs

function declaredEvidence(spec) {
  try {
    const r = spec.evaluate({}, { asOf: '2000-01-01', explanations: false });
    return r.requirements
      .filter((q) => q.evidence.declared.length)
      .map((q) => ({ id: q.id, title: q.title, declared: q.evidence.declared }));
  } catch {
    return [];
  }
}

function showLoadError(text, detail) {
  const box = $('load-error');
  box.hidden = !text;
  fill(box, text ? [h('p', null, text), detail ? h('pre', { class: 'rendered' }, detail) : null] : []);
}

/** Loads a spec: `{ key, name, source }`; restores its saved answers. */
function useSpec({ key, name, source }) {
  let spec;
  try {
    performance.mark('netspec-compile-start');
    spec = compileSpec(source, { name });
    performance.mark('netspec-compiled');
  } catch (e) {
    showLoadError(`${name} has errors and cannot be used:`, e instanceof NetspecError ? e.rendered || e.message : String(e));
    return false;
  }
  showLoadError('');
  if (state.spec) state.spec.free();
  Object.assign(state, {
    key,
    name,
    spec,
    sections: spec.inputs(),
    evidence: declaredEvidence(spec),
    lastReport: '',
    lastRating: null,
  });
  state.localErrors.clear();
  const saved = storage.get(`answers.${key}`);
  state.answers = saved && typeof saved === 'object' && !Array.isArray(saved) ? saved : { assessed_on: today() };
  storage.set('current', { key });
  document.title = `${spec.title} · self-assessment · netspec`;
  $('spec-title').textContent = `${spec.title}${spec.version ? ` (version ${spec.version})` : ''}`;
  renderForm();
  performance.mark('netspec-form-rendered');
  refresh();
  performance.mark('netspec-report-rendered');
  updateExamples();
  return true;
}

function useBundled(file) {
  const s = bundledSpec(file);
  return !!s && useSpec({ key: file, name: file, source: bundledFiles[file] });
}

function useOpened() {
  const opened = storage.get('opened');
  return !!opened && useSpec({ key: `file:${opened.name}`, name: opened.name, source: opened.text });
}

function fillSpecSelect() {
  const select = $('spec-select');
  const opened = storage.get('opened');
  fill(
    select,
    bundledSpecs.map((s) => h('option', { value: s.file }, s.title)),
    opened ? h('option', { value: `file:${opened.name}` }, `Opened file: ${opened.name}`) : null,
  );
  select.value = state.key || '';
}

function updateExamples() {
  const select = $('example-select');
  const s = bundledSpec(state.key);
  const examples = s ? s.examples : [];
  fill(
    select,
    h('option', { value: '' }, examples.length ? '— choose an example —' : '(no examples)'),
    examples.map((e) => h('option', { value: e }, words(e.split('/').pop().replace(/\.json$/, '')))),
  );
  select.disabled = examples.length === 0;
}

function replaceAnswers(answers, message) {
  state.answers = answers;
  state.localErrors.clear();
  renderForm();
  refresh();
  announce(message);
  $('action-status').textContent = message;
}

// ---------------------------------------------------------------- actions

function exportJson() {
  // assessed_on first and evidence last, as in the examples
  const { assessed_on: date, evidence, ...rest } = state.answers;
  const out = {};
  if (date !== undefined) out.assessed_on = date;
  Object.assign(out, rest);
  if (evidence !== undefined) out.evidence = evidence;
  const text = JSON.stringify(out, null, 2) + '\n';
  download(`${state.spec.id}-self-assessment.json`, text);
  const n = probe.errors.length;
  const message = n
    ? `Exported. ${n} answer${n === 1 ? ' has a problem' : 's have problems'}: fix ${n === 1 ? 'it' : 'them'} before submitting.`
    : 'Exported the answers as JSON.';
  $('action-status').textContent = message;
}

async function importJson() {
  const file = await pickFile('.json,application/json');
  if (!file) return;
  let data;
  try {
    data = JSON.parse(file.text);
  } catch (e) {
    $('action-status').textContent = `${file.name} is not JSON: ${e.message}`;
    return;
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    $('action-status').textContent = `${file.name} is not a submission: it should be one JSON object.`;
    return;
  }
  replaceAnswers(data, `Imported the answers from ${file.name}.`);
}

async function openSpecFile() {
  const file = await pickFile('.netspec,text/plain');
  if (!file) return;
  const key = `file:${file.name}`;
  const previous = storage.get('opened');
  storage.set('opened', { name: file.name, text: file.text });
  if (useSpec({ key, name: file.name, source: file.text })) {
    fillSpecSelect();
    announce(`Opened ${file.name}`);
  } else if (previous) {
    storage.set('opened', previous);
  }
}

function hasAnswers() {
  return Object.keys(state.answers).some((k) => k !== 'assessed_on');
}

// ---------------------------------------------------------------- start

function wire() {
  const form = $('form');
  form.addEventListener('input', onInput);
  form.addEventListener('click', onClick);
  form.addEventListener('submit', (e) => e.preventDefault());
  $('spec-select').addEventListener('change', (e) => {
    const v = e.target.value;
    if (v.startsWith('file:')) useOpened();
    else useBundled(v);
  });
  $('open-spec').addEventListener('click', openSpecFile);
  $('example-select').addEventListener('change', (e) => {
    const file = e.target.value;
    if (!file) return;
    e.target.value = '';
    if (hasAnswers() && !window.confirm('Replace your answers with the example?')) return;
    replaceAnswers(JSON.parse(bundledFiles[file]), `Filled the form from ${file.split('/').pop()}.`);
  });
  $('import').addEventListener('click', importJson);
  $('export').addEventListener('click', exportJson);
  $('print').addEventListener('click', () => window.print());
  $('clear').addEventListener('click', () => {
    if (!window.confirm('Clear every answer to this specification?')) return;
    replaceAnswers({ assessed_on: today() }, 'Cleared the answers.');
  });
  // print every explanation, then close what the reader had closed
  let closed = [];
  window.addEventListener('beforeprint', () => {
    closed = [...document.querySelectorAll('#report details:not([open])')];
    for (const d of closed) d.open = true;
    $('print-date').textContent = `Printed ${new Date().toLocaleString('en-GB')}`;
  });
  window.addEventListener('afterprint', () => {
    for (const d of closed) d.open = false;
  });
}

async function start() {
  try {
    await loadEngine();
  } catch (e) {
    showLoadError('The WebAssembly engine could not be loaded.', String(e && e.stack ? e.stack : e));
    return;
  }
  performance.mark('netspec-engine-loaded');
  probe.version = engineVersion();
  $('engine-version').textContent = probe.version;
  wire();
  const current = storage.get('current');
  const key = current && current.key;
  const ok = key && (key.startsWith('file:') ? useOpened() : useBundled(key));
  if (!ok) useBundled(bundledSpecs[0].file);
  fillSpecSelect();
  document.body.dataset.ready = 'true';
  probe.ready = true;
  performance.mark('netspec-interactive');
}

start();
