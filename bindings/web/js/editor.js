// A source editor: a textarea with line numbers and diagnostic markers.
// Behind the (transparent) textarea a <pre> holds the same text, invisible,
// with <mark>s under the diagnostics' ranges; the gutter marks their lines.
// Keyboard and screen readers get the plain textarea (Tab leaves it).
import { h } from './dom.js';

/** Offsets (UTF-16) where each line starts. */
export function lineStarts(text) {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * The UTF-16 offset of a 1-based line and column, where columns count
 * characters (code points), as the engine does. Clamped to the line.
 */
export function offsetAt(text, starts, line, column) {
  const l = Math.min(Math.max(line, 1), starts.length);
  const lineStart = starts[l - 1];
  const lineEnd = l < starts.length ? starts[l] - 1 : text.length;
  let i = lineStart;
  for (let c = 1; c < column && i < lineEnd; c++) {
    const code = text.charCodeAt(i);
    i += code >= 0xd800 && code <= 0xdbff && i + 1 < lineEnd ? 2 : 1;
  }
  return i;
}

/** 1-based line and column (in code points) of a UTF-16 offset. */
export function positionOf(text, starts, offset) {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: [...text.slice(starts[lo], offset)].length + 1 };
}

/**
 * createEditor({ id, label, value, onInput, describedBy, small })
 * -> { root, textarea, value, setMarkers(markers), reveal(start, end) }
 * A marker: { start, end, severity: 'error' | 'warning', message, line, column }
 * with UTF-16 offsets (end exclusive; start == end is a point).
 */
export function createEditor({ id, label, value = '', onInput, describedBy, small = false }) {
  const textarea = h('textarea', {
    id,
    spellcheck: 'false',
    autocapitalize: 'off',
    autocomplete: 'off',
    autocorrect: 'off',
    wrap: 'off',
    'aria-describedby': describedBy,
    'aria-multiline': 'true',
  });
  textarea.value = value;
  const gutter = h('pre', { class: 'gutter', 'aria-hidden': 'true' });
  const backdrop = h('pre', { class: 'backdrop', 'aria-hidden': 'true' });
  const root = h(
    'div',
    { class: 'editor-wrap' },
    h('label', { class: 'editor-label', for: id }, label),
    h('div', { class: `editor${small ? ' small' : ''}` }, gutter, h('div', { class: 'body' }, backdrop, textarea)),
  );
  let markers = [];
  let shownLines = -1;
  let shownMarks = '';

  function renderGutter(starts) {
    const key = markers.map((m) => `${m.severity}${m.line}`).join(',');
    if (starts.length === shownLines && key === shownMarks) return;
    shownLines = starts.length;
    shownMarks = key;
    const bad = new Map();
    for (const m of markers) {
      const line = m.line;
      if (!bad.has(line) || m.severity === 'error') bad.set(line, m);
    }
    gutter.replaceChildren();
    let chunk = '';
    for (let i = 1; i <= starts.length; i++) {
      const m = bad.get(i);
      if (m) {
        if (chunk) gutter.append(chunk);
        chunk = '';
        gutter.append(h('span', { class: `gl-${m.severity}`, title: m.message, dataset: { line: String(i) } }, String(i)), '\n');
      } else {
        chunk += `${i}\n`;
      }
    }
    gutter.append(chunk, '\n\n\n');
  }

  function renderBackdrop() {
    const text = textarea.value;
    backdrop.replaceChildren();
    const sorted = markers
      .filter((m) => m.start <= text.length)
      .sort((a, b) => a.start - b.start || (a.severity === 'error' ? -1 : 1));
    let at = 0;
    for (const m of sorted) {
      const start = Math.max(m.start, at);
      let end = Math.min(Math.max(m.end, start), text.length);
      if (start >= text.length && m.start < at) continue;
      backdrop.append(text.slice(at, start));
      // a point, or a range ending on a line break, marks one visible character or a caret-wide spot
      if (end === start && start < text.length && text[start] !== '\n') end = start + 1;
      const mark = h(
        'mark',
        {
          class: `diag-${m.severity}${end === start ? ' point' : ''}`,
          dataset: { line: String(m.line), column: String(m.column) },
          title: m.message,
        },
        text.slice(start, end),
      );
      backdrop.append(mark);
      at = end;
    }
    backdrop.append(text.slice(at), '\n\n\n');
  }

  function render() {
    const starts = lineStarts(textarea.value);
    renderGutter(starts);
    renderBackdrop();
    sync();
  }

  function sync() {
    gutter.scrollTop = textarea.scrollTop;
    backdrop.scrollTop = textarea.scrollTop;
    backdrop.scrollLeft = textarea.scrollLeft;
  }

  textarea.addEventListener('input', () => {
    // markers stay where they were until the next check; drop the ones past the end
    render();
    if (onInput) onInput(textarea.value);
  });
  textarea.addEventListener('scroll', sync);
  render();

  return {
    root,
    textarea,
    get value() {
      return textarea.value;
    },
    set value(v) {
      textarea.value = v;
      textarea.scrollTop = 0;
      textarea.scrollLeft = 0;
      render();
    },
    setMarkers(ms) {
      markers = ms;
      render();
    },
    /** Selects [start, end) and scrolls it into view. */
    reveal(start, end = start) {
      textarea.focus({ preventScroll: true });
      textarea.setSelectionRange(start, Math.max(start, end));
      const text = textarea.value;
      const starts = lineStarts(text);
      const { line, column } = positionOf(text, starts, start);
      const cs = getComputedStyle(textarea);
      const lh = parseFloat(cs.lineHeight) || 18;
      const top = parseFloat(cs.paddingTop) || 0;
      textarea.scrollTop = Math.max(0, top + (line - 1) * lh - textarea.clientHeight / 3);
      const ch = lh * 0.5; // about one monospace character
      const x = (column - 1) * ch;
      textarea.scrollLeft = x > textarea.clientWidth - 40 ? x - textarea.clientWidth / 2 : 0;
      sync();
    },
  };
}
