// The self-assessment form: a submission header (who answers, for which
// organisation and period, completed and signed off by whom), then the
// chosen respondent's questions generated from a spec's inputs
// (spec.inputs()), evaluated on every change, saved in localStorage,
// exported and imported as the submission JSON the CLI takes.
import {
  bundledSpec,
  bundledFiles,
  bundledSpecs,
  compileSpec,
  engineVersion,
  fhirSpec,
  loadBundled,
  loadEngine,
  NetspecError,
} from './form-engine.js';
import { announce, download, fill, h, pickFile, words } from './dom.js';
import * as ptr from './pointer.js';
import { complianceText, countsText, RATING, ratingBadge, renderReport } from './report.js';

const STORE = 'netspec.form.v1';
const $ = (id) => document.getElementById(id);

const state = {
  key: null, // storage key of the spec: a bundled file name, or `file:<name>`
  name: null, // the spec's file name
  spec: null,
  fhir: null, // a promise of the Spec that reads and writes FHIR for `spec`, made on first use
  sections: [],
  evidence: [], // [{ id, title, respondent, declared: [{ key, description, required }] }]
  answers: {}, // the whole draft: `header`, every respondent's answers, `evidence`
  legacy: null, // { source, assessedOn } when the answers had no header
  headerErrors: new Map(), // pointer -> message (header checks made here)
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
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isDate = (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))
  && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

export const RESPONDENTS = {
  provider: 'A provider service',
  network: 'The network itself',
};
const respondentOf = (q) => (q.respondent === 'network' ? 'network' : 'provider');
/** The respondent chosen in the header; null when none is chosen yet. */
function chosenRespondent() {
  const r = isObject(state.answers.header) ? state.answers.header.respondent : undefined;
  return r === 'provider' || r === 'network' ? r : null;
}
/** Whose questions are shown and rated: the chosen respondent, the provider until one is chosen. */
const currentRespondent = () => chosenRespondent() || 'provider';

/** The header's questions (the submission's `header`, grammar/README.md). */
const HEADER = [
  {
    name: 'respondent',
    type: 'choice',
    question: 'Who is answering?',
    help: 'Only the questions asked of this respondent are shown, and only the requirements that judge it are rated.',
    options: [
      ['provider', 'A provider service (one submission for each provider)'],
      ['network', 'The network itself (one submission, from its host organisation)'],
    ],
    clearable: false,
  },
  {
    name: 'organisation',
    type: 'group',
    question: 'Organisation',
    help: 'For the network: its host organisation.',
    fields: [
      {
        name: 'ods_code',
        type: 'text',
        question: 'ODS code',
        help: '3 to 6 capital letters or digits, such as RRK or RRK02.',
        attrs: { autocapitalize: 'characters', spellcheck: 'false', class: 'short-text' },
      },
      { name: 'name', type: 'text', question: 'Organisation name' },
    ],
  },
  {
    name: 'period',
    type: 'group',
    question: 'Assessment period',
    help: 'Activity counts cover this period; rules such as "reviewed within 12 months" count back from its last day.',
    fields: [
      { name: 'start', type: 'date', question: 'First day of the period' },
      { name: 'end', type: 'date', question: 'Last day of the period', help: 'On or after the first day. It is the assessment date.' },
    ],
  },
  { name: 'completed_by', type: 'text', question: 'Completed by', help: 'Name and role.' },
  {
    name: 'signed_off',
    type: 'group',
    question: 'Signed off (optional)',
    help: 'Fill in both or neither.',
    fields: [
      { name: 'by', type: 'text', question: 'Signed off by', help: 'Name and role.' },
      { name: 'on', type: 'date', question: 'Signed off on' },
    ],
  },
];
const REQUIRED_HEADER = [
  ['/header/respondent', 'who is answering'],
  ['/header/organisation/ods_code', 'ODS code'],
  ['/header/organisation/name', 'organisation name'],
  ['/header/period/start', 'first day of the period'],
  ['/header/period/end', 'last day of the period'],
  ['/header/completed_by', 'completed by'],
];
const ODS = /^[A-Z0-9]{3,6}$/;

/**
 * Checks the header as the engine will (NS0212 ODS code, NS0213 period,
 * sign-off in pairs) with messages for people. Returns the problems by
 * pointer, the required fields still empty, and whether the header can be
 * sent to the engine.
 */
function checkHeader(answers) {
  const problems = new Map();
  const missing = [];
  const hd = isObject(answers.header) ? answers.header : {};
  const at = (p) => ptr.get(answers, p);
  const filled = (v) => v !== undefined && v !== null && v !== '';
  for (const [p, what] of REQUIRED_HEADER) if (!filled(at(p))) missing.push(what);
  const r = hd.respondent;
  if (filled(r) && r !== 'provider' && r !== 'network') problems.set('/header/respondent', `"${r}" is not a respondent: choose a provider service or the network`);
  const ods = at('/header/organisation/ods_code');
  if (filled(ods)) {
    if (typeof ods !== 'string' || !ODS.test(ods)) {
      const upper = typeof ods === 'string' ? ods.trim().toUpperCase() : '';
      const hint = upper !== ods && ODS.test(upper) ? ` (did you mean ${upper}?)` : '';
      problems.set('/header/organisation/ods_code',
        `"${ods}" is not an ODS code: an ODS code is 3 to 6 capital letters or digits, such as RRK or RRK02${hint}`);
    }
  }
  for (const p of ['/header/period/start', '/header/period/end', '/header/signed_off/on']) {
    const v = at(p);
    if (filled(v) && !isDate(v)) problems.set(p, `"${v}" is not a date: enter a day that exists, as YYYY-MM-DD`);
  }
  const start = at('/header/period/start');
  const end = at('/header/period/end');
  if (isDate(start) && isDate(end) && end < start) {
    problems.set('/header/period/end', `The period ends (${end}) before it starts (${start}): the last day must be on or after the first day`);
  }
  const by = at('/header/signed_off/by');
  const on = at('/header/signed_off/on');
  if (filled(by) && !filled(on)) problems.set('/header/signed_off/on', 'Enter the date it was signed off too, or clear who signed it off');
  if (filled(on) && !filled(by)) problems.set('/header/signed_off/by', 'Enter who signed it off too, or clear the date');
  return { problems, missing, complete: missing.length === 0 && problems.size === 0 };
}

/** The header as the engine takes it: trimmed of empty parts. */
function headerOf(answers) {
  const hd = structuredClone(answers.header);
  if (isObject(hd.signed_off) && Object.keys(hd.signed_off).length === 0) delete hd.signed_off;
  return hd;
}

/** The top-level keys answered by the other respondent (kept in the draft, left out of the submission). */
function otherRespondentKeys(answers, respondent) {
  const other = new Set();
  for (const s of state.sections) for (const q of s.questions) if (respondentOf(q) !== respondent) other.add(q.name);
  return Object.keys(answers).filter((k) => other.has(k));
}

/**
 * The submission for `respondent`: its answers (not the other respondent's),
 * evidence for its requirements, and the header when `withHeader`, in the
 * order of the examples: header first, evidence last.
 */
function submissionFor(answers, respondent, withHeader) {
  const skip = new Set(otherRespondentKeys(answers, respondent));
  const judgedByOther = new Set(state.evidence.filter((e) => e.respondent !== respondent).map((e) => e.id));
  const out = {};
  if (withHeader && isObject(answers.header)) out.header = headerOf(answers);
  for (const [k, v] of Object.entries(answers)) {
    if (k === 'header' || k === 'evidence' || skip.has(k)) continue;
    out[k] = v;
  }
  if (isObject(answers.evidence)) {
    // evidence for another respondent's requirements stays in the draft
    const ev = Object.fromEntries(Object.entries(answers.evidence).filter(([id]) => !judgedByOther.has(id)));
    if (Object.keys(ev).length) out.evidence = ev;
  }
  return out;
}

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

/** A count's period in words (`In the assessment period`); '' when it declares none. */
function periodText(q) {
  const p = q.period;
  if (typeof p !== 'string' || !p.trim()) return '';
  return p.charAt(0).toUpperCase() + p.slice(1);
}

/** The concrete pointer of a relation's bound for the field at `path` (`*` filled from it). */
function boundPath(rel, path) {
  if (!rel.path) return null;
  const idx = ptr.parse(path).filter((s) => /^\d+$/.test(s));
  let i = 0;
  return rel.path.replace(/\*/g, () => (i < idx.length ? idx[i++] : '*'));
}

/** The engine's words for a bound, with the answer it names: "At most the answer to “How many shifts …?” (now 730)". */
function relationText(rel, path) {
  const words = rel.words || `${rel.op === 'at_least' ? 'at least' : 'at most'} ${rel.bound}`;
  const bp = boundPath(rel, path);
  const v = bp && !bp.includes('*') ? ptr.get(state.answers, bp) : undefined;
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}${typeof v === 'number' ? ` (now ${v})` : ''}`;
}

const relationHints = new Map(); // hint element id -> [rel, path]

function renderChoice(q, path, options) {
  const id = `q${path}`;
  const value = ptr.get(state.answers, path);
  const helpId = q.help ? `${id}-help` : null;
  const errId = `${id}-error`;
  const errorEl = h('p', { class: 'field-error', id: errId, 'aria-live': 'polite' });
  const type = q.type === 'bool' ? 'bool' : 'choice';
  const slug = (v) => (v === true ? 'yes' : v === false ? 'no' : String(v));
  const radios = options.map(([v, label]) =>
    h(
      'label',
      { class: 'radio' },
      h('input', {
        type: 'radio',
        name: id,
        id: `${id}-${slug(v)}`,
        value: String(v),
        checked: value === v,
        dataset: { path, type },
      }),
      h('span', null, label),
    ),
  );
  const clear = q.clearable === false
    ? null
    : h(
        'button',
        { type: 'button', class: 'link-button clear-answer', dataset: { clear: path }, 'aria-label': `Clear answer: ${questionText(q)}` },
        'Clear answer',
      );
  const readBy = q.read_by && q.read_by.length ? h('p', { class: 'readby' }, `Used by ${q.read_by.join(', ')}`) : null;
  const fs = h(
    'fieldset',
    {
      class: `field field-${type}`,
      id,
      tabindex: '-1',
      'aria-describedby': describedBy(helpId, errId),
      dataset: { fieldPath: path, type },
    },
    h('legend', { class: 'label' }, questionText(q)),
    q.help ? h('p', { class: 'hint', id: helpId }, q.help) : null,
    h('div', { class: 'radios' }, radios, clear),
    errorEl,
    readBy,
  );
  state.controls.set(path, {
    kind: type,
    q,
    wrap: fs,
    errorEl,
    focus: () => fs.querySelector('input:checked') || fs.querySelector('input'),
    invalidEl: fs,
  });
  return fs;
}

function renderChecklist(q, path) {
  const id = `q${path}`;
  const helpId = q.help ? `${id}-help` : null;
  const errorEl = h('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  const LABELS = { yes: 'Yes', no: 'No', not_applicable: 'Not applicable' };
  const values = (q.fields && q.fields[0] && q.fields[0].values) || Object.keys(LABELS);
  const answers = values.map((v) => [v, LABELS[v] || words(v)]);
  const fs = h(
    'fieldset',
    { class: 'group checklist', id, tabindex: '-1', 'aria-describedby': describedBy(helpId, `${id}-error`), dataset: { fieldPath: path } },
    h('legend', { class: 'group-legend' }, questionText(q)),
    q.help ? h('p', { class: 'hint', id: helpId }, q.help) : null,
    h('p', { class: 'hint' }, 'Answer every item: an item left unanswered leaves the requirements that read it incomplete.'),
    errorEl,
    // the items are the checklist's fields, each answered yes, no or not applicable
    (q.fields || []).map((item) => renderChoice({ ...item, type: 'choice', read_by: [] }, ptr.join(path, item.name), answers)),
    q.read_by && q.read_by.length ? h('p', { class: 'readby' }, `Used by ${q.read_by.join(', ')}`) : null,
  );
  state.controls.set(path, { kind: 'group', q, wrap: fs, errorEl, focus: () => fs, invalidEl: fs });
  return fs;
}

function renderScalar(q, path) {
  if (q.type === 'bool') return renderChoice(q, path, [[true, 'Yes'], [false, 'No']]);
  if (q.type === 'choice') return renderChoice(q, path, q.options);
  const id = `q${path}`;
  const value = ptr.get(state.answers, path);
  const helpId = q.help ? `${id}-help` : null;
  const period = periodText(q);
  const periodId = period ? `${id}-period` : null;
  const relations = Array.isArray(q.relations) ? q.relations : [];
  const relIds = relations.map((_, i) => `${id}-rel${i}`);
  const cons = constraintText(q);
  const consId = cons ? `${id}-cons` : null;
  const unitId = q.unit || q.type === 'percent' ? `${id}-unit` : null;
  const errId = `${id}-error`;
  const errorEl = h('p', { class: 'field-error', id: errId, 'aria-live': 'polite' });
  const readBy = q.read_by && q.read_by.length ? h('p', { class: 'readby' }, `Used by ${q.read_by.join(', ')}`) : null;
  const hints = [
    q.help ? h('p', { class: 'hint', id: helpId }, q.help) : null,
    period ? h('p', { class: 'hint period', id: periodId }, period) : null,
    relations.map((rel, i) => {
      relationHints.set(relIds[i], [rel, path]);
      return h('p', { class: 'hint constraint relation', id: relIds[i] }, relationText(rel, path));
    }),
    cons ? h('p', { class: 'hint constraint', id: consId }, cons) : null,
  ];
  const common = {
    id,
    name: id,
    dataset: { path, type: q.type },
    'aria-describedby': describedBy(helpId, periodId, ...relIds, consId, unitId, errId),
    ...(q.attrs || {}),
  };

  let control;
  if (q.type === 'enum') {
    const values = q.values || [];
    const opts = [h('option', { value: '' }, '— not answered —'), values.map((v, i) => h('option', { value: v }, (q.value_labels && q.value_labels[i]) || words(v)))];
    if (typeof value === 'string' && value && !values.includes(value)) {
      opts.push(h('option', { value, class: 'invalid-option' }, `${value} (not an allowed value)`));
    }
    control = h('select', common, opts);
    control.value = typeof value === 'string' ? value : '';
  } else if (q.type === 'text') {
    control = h('input', { ...common, type: 'text', value: controlValue(value, q), autocomplete: 'off', class: common.class || null });
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
    h('label', { class: 'label', for: id }, questionText(q), q.optional ? h('span', { class: 'optional' }, ' (optional)') : null),
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
        h('span', { class: 'row-number' }, `${q.item ? q.item.charAt(0).toUpperCase() + q.item.slice(1) : 'Entry'} ${i + 1}`),
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
  if (q.type === 'checklist') return renderChecklist(q, path);
  return renderScalar(q, path);
}

function renderEvidence() {
  const respondent = currentRespondent();
  const evidence = state.evidence.filter((r) => r.respondent === respondent);
  if (!evidence.length) return null;
  const anyRequired = evidence.some((r) => r.declared.some((d) => d.required));
  return h(
    'section',
    { class: 'form-section evidence-section', 'aria-labelledby': 'sec-evidence' },
    h('h3', { id: 'sec-evidence' }, 'Evidence'),
    h(
      'p',
      { class: 'hint' },
      'For each requirement, name the documents that show it (a file name, link or reference). ',
      anyRequired
        ? 'A requirement counts as met only when its required evidence is given; other evidence does not change outcomes. The report lists what is still missing.'
        : 'Evidence does not change outcomes; the report lists what is still missing.',
    ),
    evidence.map((r) => {
      const path = `/evidence/${r.id}`;
      return h(
        'fieldset',
        { class: 'group evidence-group', id: `q${path}`, tabindex: '-1', dataset: { fieldPath: path } },
        h('legend', { class: 'group-legend' }, h('span', { class: 'req-id' }, r.id), ' ', r.title),
        r.declared.map((d) =>
          renderScalar(
            { name: d.key, type: 'text', question: d.required ? `${d.description} (required)` : d.description, read_by: [] },
            ptr.join(path, d.key),
          ),
        ),
      );
    }),
  );
}

function legacyNote() {
  const l = state.legacy;
  if (!l) return null;
  if (l.hadHeader) {
    return h(
      'div',
      { class: 'notice', id: 'header-note' },
      h('p', null, h('strong', null, `${l.source} gave an assessment date (assessed_on: ${l.assessedOn}). `),
        'Submissions no longer have one: the last day of the assessment period in the header is the assessment date. It has been left out.'),
    );
  }
  return h(
    'div',
    { class: 'notice', id: 'header-note' },
    h('p', null, h('strong', null, `${l.source} had no header. `),
      'The header is left empty for you to fill in: nothing in it has been filled in for you.'),
    l.assessedOn
      ? h('p', null, `It gave the assessment date ${l.assessedOn} (assessed_on). A submission now gives its assessment period instead; the last day of the period is the assessment date.`)
      : null,
  );
}

function renderHeader() {
  const fields = HEADER.map((q) => renderQuestion({ ...q, read_by: [] }, '/header'));
  const status = h('p', { class: 'header-status', id: 'header-status' });
  const section = h(
    'section',
    { class: 'form-section header-section', id: 'q/header', tabindex: '-1', 'aria-labelledby': 'sec-header', dataset: { fieldPath: '/header' } },
    h('h3', { id: 'sec-header' }, 'About this submission'),
    legacyNote(),
    status,
    fields,
  );
  const errorEl = h('p', { class: 'field-error', id: 'q/header-error', 'aria-live': 'polite' });
  section.insertBefore(errorEl, status);
  state.controls.set('/header', { kind: 'group', q: { name: 'header' }, wrap: section, errorEl, focus: () => section, invalidEl: section });
  return section;
}

function renderQuestions() {
  const respondent = currentRespondent();
  const sections = state.sections
    .map((s) => ({ title: s.title, questions: s.questions.filter((q) => respondentOf(q) === respondent) }))
    .filter((s) => s.questions.length);
  const other = otherRespondentKeys(state.answers, respondent);
  const who = respondent === 'network' ? 'the network' : 'a provider service';
  return [
    chosenRespondent()
      ? null
      : h('p', { class: 'notice', id: 'respondent-note' }, 'Choose who is answering above. Until you do, the questions for a provider service are shown.'),
    other.length
      ? h('p', { class: 'notice', id: 'other-answers' },
          `${other.length} answer${other.length === 1 ? '' : 's'} to questions asked of ${respondent === 'network' ? 'a provider service' : 'the network'} `,
          `${other.length === 1 ? 'is' : 'are'} kept in this browser but left out of the report and the export while ${who} is answering.`)
      : null,
    sections.length
      ? sections.map((s, i) =>
          h(
            'section',
            { class: 'form-section', 'aria-labelledby': `sec-${i}` },
            h('h3', { id: `sec-${i}` }, s.title || 'Questions'),
            s.questions.map((q) => renderQuestion(q, '')),
          ),
        )
      : h('p', { class: 'none', id: 'no-questions' }, `This specification asks ${who} no questions.`),
  ];
}

function renderForm() {
  state.controls.clear();
  relationHints.clear();
  const form = $('form');
  fill(form, h('h2', { id: 'form-title' }, 'Questions'), renderHeader(), h('div', { id: 'questions-area' }, renderQuestions(), renderEvidence()));
}

/** Draws the questions (and evidence) again for the respondent now chosen; the header stays as it is. */
function renderQuestionsArea() {
  for (const k of [...state.controls.keys()]) if (k !== '/header' && !k.startsWith('/header/')) state.controls.delete(k);
  relationHints.clear();
  fill($('questions-area'), renderQuestions(), renderEvidence());
}

/** What the header section says about itself: what is still to fill in. */
function showHeaderStatus(check) {
  const el = document.getElementById('header-status');
  if (!el) return;
  const text = check.complete
    ? 'The header is complete.'
    : check.missing.length
      ? `Still to fill in: ${check.missing.join(', ')}. Until the header is complete and correct, the report is provisional: it is not attributed to an organisation.`
      : 'Fix the header answers marked below. Until then the report is provisional: it is not attributed to an organisation.';
  if (el.textContent !== text) el.textContent = text;
  el.classList.toggle('complete', check.complete);
}

// ---------------------------------------------------------------- input

function readControl(el) {
  const type = el.dataset.type;
  if (type === 'bool') return el.checked ? el.value === 'true' : undefined;
  if (type === 'choice') return el.checked ? el.value : undefined;
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
  if (path.startsWith('/header/') && typeof v === 'string' && el.dataset.type === 'text') {
    // spaces around a name or code are never meant
    if (v.trim() === '') v = undefined;
    else if (!path.endsWith('/ods_code')) v = v.trim() === v ? v : v.trim();
  }
  ptr.set(state.answers, path, v);
  if (path === '/header/respondent') {
    switchRespondent();
    return;
  }
  updateRowLegend(path);
  refresh();
}

/** The respondent changed: show its questions (the other's answers stay in the draft). */
function switchRespondent() {
  // unreadable input in questions now hidden is dropped with them
  for (const k of [...state.localErrors.keys()]) if (!k.startsWith('/header/')) state.localErrors.delete(k);
  renderQuestionsArea();
  state.lastReport = '';
  refresh();
  const r = currentRespondent();
  announce(`Showing the questions for ${r === 'network' ? 'the network' : 'a provider service'}`);
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
    for (const r of c.wrap.querySelectorAll(':scope > .radios input[type=radio]')) r.checked = false;
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
  const respondent = currentRespondent();
  const check = checkHeader(answers);
  state.headerErrors = check.problems;
  // A header that is not complete and correct is left out: the answers are
  // then rated as an unattributed submission from the chosen respondent,
  // dated by the period's last day when that is given.
  let attributed = check.complete;
  const errors = [];
  const removed = new Set(state.localErrors.keys());
  const make = () => {
    const base = submissionFor(answers, respondent, attributed);
    return removed.size ? ptr.without(base, [...removed].filter((p) => !p.startsWith('/header/'))) : base;
  };
  const options = () => {
    if (attributed) return undefined;
    const end = ptr.get(answers, '/header/period/end');
    // a period that ends before it starts still has a last day to date the provisional report by
    const asOf = isDate(end) ? end : undefined;
    return { unattributed: respondent, asOf };
  };
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      return { report: state.spec.evaluate(make(), options()), errors, attributed, check };
    } catch (e) {
      if (!(e instanceof NetspecError) || e.kind !== 'submission') return { report: null, errors, failure: e, attributed, check };
      const all = e.diagnostics.filter((d) => d.severity === 'error');
      // without a header there is no assessment date until the period's last day is given
      const needsDate = !attributed && all.some((d) => d.code === 'NS0208');
      const errs = needsDate ? all.filter((d) => d.code !== 'NS0208') : all;
      errors.push(...errs);
      if (needsDate && errs.length === 0) return { report: null, errors, attributed, check, needsDate };
      const inHeader = errs.filter((d) => d.path === '/header' || (d.path || '').startsWith('/header/'));
      const sub = make();
      const next = errs
        .map((d) => d.path)
        .filter((p) => p && p !== '/header' && !p.startsWith('/header/') && !removed.has(p) && ptr.get(sub, p) !== undefined);
      if (inHeader.length && attributed) attributed = false;
      else if (next.length === 0) return { report: null, errors, attributed, check, needsDate };
      for (const p of next) removed.add(p);
    }
  }
  return { report: null, errors, attributed, check };
}

/** Updates the "at most your answer to …" hints with the answers they name. */
function updateRelationHints() {
  for (const [id, [rel, path]] of relationHints) {
    const el = document.getElementById(id);
    if (!el) continue;
    const text = relationText(rel, path);
    if (el.textContent !== text) el.textContent = text;
  }
}

function showErrors(errors) {
  const byPath = new Map();
  const add = (p, msg) => byPath.set(p, [...(byPath.get(p) || []), msg]);
  for (const [p, msg] of state.localErrors) add(p, msg);
  for (const [p, msg] of state.headerErrors) if (!state.localErrors.has(p)) add(p, msg);
  for (const d of errors) {
    if (state.localErrors.has(d.path) || state.headerErrors.has(d.path)) continue;
    const text = d.message.charAt(0).toUpperCase() + d.message.slice(1) + (d.help ? ` (${d.help})` : '');
    if ((byPath.get(d.path || '') || []).includes(text)) continue;
    add(d.path || '', text);
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
    if (result.needsDate && !result.errors.length) {
      const given = ptr.get(state.answers, '/header/period/end') !== undefined;
      const link = h('a', { href: '#q/header/period/end', onclick: (e) => { e.preventDefault(); focusPath('/header/period/end'); } }, 'the last day of the assessment period');
      fill(panel, h('p', { class: 'report-blocked', id: 'needs-date' }, `No report yet: ${given ? 'correct' : 'enter'} `, link,
        ' (About this submission). This specification has rules about dates, which count back from that day.'));
      fill(bar, h('span', null, 'No report yet: enter the assessment period.'));
      return;
    }
    const why = result.failure
      ? `The engine failed: ${result.failure.message}`
      : [...new Set(result.errors.map((d) => d.message + (d.help ? ` (${d.help})` : '')))].join('; ');
    fill(panel, h('p', { class: 'report-blocked' }, 'No report yet: ', why || 'the answers could not be read.'));
    fill(bar, h('span', null, 'No report yet: fix the answers marked in the form.'));
    return;
  }
  probe.report = result.report;
  const json = JSON.stringify(result.report) + (result.attributed ? '' : '|provisional');
  if (json === state.lastReport) return;
  state.lastReport = json;
  const report = result.report;
  renderReport(panel, report, {
    jump: focusPath,
    canJump,
    idPrefix: 'r',
    pathLabel,
    // the header section says why; NS0217 would say it again
    hideWarnings: result.attributed ? [] : ['NS0217'],
    provisional: result.attributed
      ? null
      : 'Provisional: the header is not complete, so this report is not attributed to an organisation. Complete the header (About this submission) to attribute it.',
  });
  fill(
    bar,
    h('span', { class: 'status-label' }, 'Overall'),
    ratingBadge(report.overall.rating),
    h('span', { class: 'compliance' }, complianceText(report.overall.compliance)),
    h('span', { class: 'counts' }, countsText(report.overall.counts)),
    result.attributed ? null : h('span', { class: 'provisional-tag' }, 'Provisional'),
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
  probe.attributed = result.attributed;
  showErrors(result.errors);
  showHeaderStatus(result.check);
  updateRelationHints();
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
  // the highlight is gone once it has faded (screenshots wait for that)
  c.wrap.addEventListener('animationend', () => c.wrap.classList.remove('flash'), { once: true });
  return true;
}

// ---------------------------------------------------------------- specs

/** Every requirement that asks for evidence, with whom it judges (a report lists only its respondent's). */
function declaredEvidence(spec) {
  const out = new Map();
  for (const respondent of ['provider', 'network']) {
    let r;
    try {
      r = spec.evaluate({}, { asOf: '2000-01-01', explanations: false, unattributed: respondent });
    } catch {
      continue;
    }
    for (const q of r.requirements) {
      if (!q.evidence.declared.length || out.has(q.id)) continue;
      out.set(q.id, { id: q.id, title: q.title, respondent: q.respondent || respondent, declared: q.evidence.declared });
    }
  }
  return [...out.values()];
}

/**
 * Answers as loaded from storage, a file or an example. Answers without a
 * header keep an empty one, with a note saying so; an old `assessed_on` is
 * taken out (a submission gives its period instead) and named in the note.
 */
function loadAnswers(data, source) {
  const answers = structuredClone(data);
  let legacy = null;
  const hasHeader = isObject(answers.header);
  if (!hasHeader || 'assessed_on' in answers) {
    legacy = { source, assessedOn: typeof answers.assessed_on === 'string' ? answers.assessed_on : null };
    delete answers.assessed_on;
    if (!hasHeader) delete answers.header;
    if (hasHeader) legacy = legacy.assessedOn ? { ...legacy, hadHeader: true } : null;
  }
  return { answers, legacy };
}

/** A new form: a provider service answering, everything else empty. */
const blankAnswers = () => ({ header: { respondent: 'provider' } });

function showLoadError(text, detail) {
  const box = $('load-error');
  box.hidden = !text;
  fill(box, text ? [h('p', null, text), detail ? h('pre', { class: 'rendered' }, detail) : null] : []);
}

/**
 * Loads a spec: `{ key, name, make }`, `make()` giving the Spec (a bundled
 * spec's compiled document loaded, or a spec's source compiled); restores
 * its saved answers. Resolves to whether it was loaded.
 */
async function useSpec({ key, name, make }) {
  let spec;
  try {
    performance.mark('netspec-compile-start');
    spec = await make();
    performance.mark('netspec-compiled');
  } catch (e) {
    showLoadError(`${name} has errors and cannot be used:`, e instanceof NetspecError ? e.rendered || e.message : String(e));
    return false;
  }
  showLoadError('');
  dropFhirSpec();
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
  if (isObject(saved)) Object.assign(state, loadAnswers(saved, 'The answers saved in this browser'));
  else Object.assign(state, { answers: blankAnswers(), legacy: null });
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

async function useBundled(file) {
  const s = bundledSpec(file);
  return !!s && useSpec({ key: file, name: file, make: () => loadBundled(file) });
}

async function useOpened() {
  const opened = storage.get('opened');
  return !!opened && useSpec({
    key: `file:${opened.name}`,
    name: opened.name,
    make: () => compileSpec(opened.text, { name: opened.name }),
  });
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

function replaceAnswers(answers, message, source) {
  Object.assign(state, source ? loadAnswers(answers, source) : { answers, legacy: null });
  state.localErrors.clear();
  renderForm();
  refresh();
  announce(message);
  $('action-status').textContent = message;
}

// ---------------------------------------------------------------- actions

function exportJson() {
  // the header first and evidence last, as in the examples; only the chosen
  // respondent's answers (the other's stay in this browser)
  const respondent = currentRespondent();
  const out = submissionFor(state.answers, respondent, isObject(state.answers.header));
  const text = JSON.stringify(out, null, 2) + '\n';
  download(`${state.spec.id}-${respondent}-self-assessment.json`, text);
  const n = probe.errors.length;
  const check = checkHeader(state.answers);
  const parts = [];
  if (!check.complete) {
    parts.push(check.missing.length
      ? `the header is not complete (still to fill in: ${check.missing.join(', ')}), and a submission without a complete header is refused`
      : 'the header has answers to fix, and a submission with them is refused');
  }
  if (n) parts.push(`${n} answer${n === 1 ? ' has a problem' : 's have problems'}`);
  const message = parts.length
    ? `Exported, but ${parts.join('; ')}: fix ${parts.length + n > 1 ? 'them' : 'it'} before submitting.`
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
  replaceAnswers(data, `Imported the answers from ${file.name}.`, file.name);
}

// FHIR R4 SDC: the same answers as a QuestionnaireResponse to the spec's
// Questionnaire (`netspec fhir questionnaire`), and back. The form's module
// has no FHIR: the full module does it, loaded on first use (fhirSpec).

/** The Spec that reads and writes FHIR for the current spec; null when the spec changed meanwhile. */
async function specForFhir(what) {
  const spec = state.spec;
  if (!state.fhir) {
    $('action-status').textContent = `Loading the FHIR support to ${what}…`;
    const made = fhirSpec(spec, state.key);
    state.fhir = made;
    // a failed load is tried again next time
    made.catch(() => {
      if (state.fhir === made) state.fhir = null;
    });
  }
  const fhir = await state.fhir;
  return state.spec === spec ? fhir : null;
}

/** Frees the FHIR Spec of the spec being replaced (when it is not that spec itself). */
function dropFhirSpec() {
  const pending = state.fhir;
  const spec = state.spec;
  state.fhir = null;
  if (pending) {
    pending.then((s) => {
      if (s !== spec) s.free();
    }, () => {});
  }
}

/** Why FHIR support could not be loaded. */
const fhirLoadError = (e) => `The FHIR support could not be loaded: ${e instanceof NetspecError ? (e.rendered || e.message) : String(e)}`;

async function exportFhir() {
  let spec;
  try {
    spec = await specForFhir('export the answers');
  } catch (e) {
    $('action-status').textContent = `Not exported as FHIR. ${fhirLoadError(e)}`;
    return;
  }
  if (!spec) {
    $('action-status').textContent = 'Not exported as FHIR: another specification was chosen meanwhile.';
    return;
  }
  // the answers as they are once the FHIR support is there
  const respondent = currentRespondent();
  const out = submissionFor(state.answers, respondent, isObject(state.answers.header));
  let response;
  try {
    response = spec.toFhir(out, { unattributed: respondent });
  } catch (e) {
    const why = e instanceof NetspecError ? (e.rendered || e.message) : String(e);
    $('action-status').textContent = `Not exported as FHIR: the answers have problems to fix first. ${why}`;
    return;
  }
  download(`${spec.id}-${respondent}-questionnaire-response.json`, JSON.stringify(response, null, 2) + '\n', 'application/fhir+json');
  $('action-status').textContent = 'Exported the answers as a FHIR QuestionnaireResponse.';
}

async function importFhir() {
  const file = await pickFile('.json,application/json,application/fhir+json');
  if (!file) return;
  let spec;
  try {
    spec = await specForFhir('read the response');
  } catch (e) {
    $('action-status').textContent = `${file.name} was not imported. ${fhirLoadError(e)}`;
    return;
  }
  if (!spec) {
    $('action-status').textContent = `${file.name} was not imported: another specification was chosen meanwhile.`;
    return;
  }
  let data;
  try {
    data = spec.fromFhir(file.text);
  } catch (e) {
    const why = e instanceof NetspecError ? (e.rendered || e.message) : String(e);
    $('action-status').textContent = `${file.name} could not be read as a QuestionnaireResponse to this specification: ${why}`;
    return;
  }
  replaceAnswers(data, `Imported the answers from the FHIR QuestionnaireResponse ${file.name}.`, file.name);
}

async function openSpecFile() {
  const file = await pickFile('.netspec,text/plain');
  if (!file) return;
  const key = `file:${file.name}`;
  const previous = storage.get('opened');
  storage.set('opened', { name: file.name, text: file.text });
  if (await useSpec({ key, name: file.name, make: () => compileSpec(file.text, { name: file.name }) })) {
    fillSpecSelect();
    announce(`Opened ${file.name}`);
  } else if (previous) {
    storage.set('opened', previous);
  }
}

function hasAnswers() {
  return Object.keys(state.answers).some((k) => k !== 'header') || Object.keys(state.answers.header || {}).some((k) => k !== 'respondent');
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
    replaceAnswers(JSON.parse(bundledFiles[file]), `Filled the form from ${file.split('/').pop()}.`, `The example ${file.split('/').pop()}`);
  });
  $('import').addEventListener('click', importJson);
  $('export').addEventListener('click', exportJson);
  $('import-fhir').addEventListener('click', importFhir);
  $('export-fhir').addEventListener('click', exportFhir);
  $('print').addEventListener('click', () => window.print());
  $('clear').addEventListener('click', () => {
    if (!window.confirm('Clear every answer to this specification?')) return;
    replaceAnswers(blankAnswers(), 'Cleared the answers.');
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
  const ok = key && (await (key.startsWith('file:') ? useOpened() : useBundled(key)));
  if (!ok) await useBundled(bundledSpecs[0].file);
  fillSpecSelect();
  document.body.dataset.ready = 'true';
  probe.ready = true;
  performance.mark('netspec-interactive');
}

start();
