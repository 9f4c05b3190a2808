// The spec editor of the playground: CodeMirror 6 (generated/codemirror.js,
// bundled from npm) with netspec highlighting (its words read from
// grammar/netspec.pest: generated/netspec-words.js), bracket matching,
// line numbers, and the engine's diagnostics underlined in the text and
// marked in a gutter. Hover and completion come from the engine's editor
// queries (`hover`, `complete` of the npm package) when the package has them.
//
// The editor lives in a shadow root: CodeMirror's own styles are then
// constructed style sheets, which the page's Content Security Policy
// (style-src 'self', no inline <style>) allows; css/editor.css styles the
// rest.
import {
  EditorView,
  EditorState,
  EditorSelection,
  StreamLanguage,
  autocompletion,
  bracketMatching,
  classHighlighter,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
  defaultKeymap,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  history,
  historyKeymap,
  hoverTooltip,
  indentOnInput,
  indentUnit,
  keymap,
  lineNumbers,
  lintGutter,
  lintKeymap,
  setDiagnostics,
  syntaxHighlighting,
} from '../generated/codemirror.js';
import { words } from '../generated/netspec-words.js';
import { h } from './dom.js';

// TextMate scope of a word (editors/vscode) → CodeMirror highlighting tag
const TAG = {
  'storage.type.netspec': 'keyword',
  'keyword.control.netspec': 'keyword',
  'keyword.other.netspec': 'keyword',
  'keyword.other.unit.netspec': 'keyword',
  'keyword.operator.word.netspec': 'operatorKeyword',
  'support.type.netspec': 'typeName',
  'constant.language.netspec': 'bool',
  'storage.modifier.level.netspec': 'atom',
  'support.constant.netspec': 'atom',
};
const WORDS = new Map();
for (const [scope, list] of Object.entries(words)) for (const w of list) WORDS.set(w, TAG[scope] || 'keyword');

const REQ_ID = /^[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9][A-Za-z0-9_]*)+/;

/** The rest of a string (it may go on past the line's end). */
function readString(stream, state) {
  while (!stream.eol()) {
    const c = stream.next();
    if (c === '\\') stream.next();
    else if (c === '"') {
      state.inString = false;
      break;
    }
  }
  return 'string';
}

/** The netspec language for CodeMirror: a line tokenizer. */
export const netspecLanguage = StreamLanguage.define({
  name: 'netspec',
  startState: () => ({ inString: false }),
  token(stream, state) {
    if (state.inString) return readString(stream, state);
    if (stream.eatSpace()) return null;
    if (stream.match('//')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.eat('"')) {
      state.inString = true;
      return readString(stream, state);
    }
    if (stream.match(/^\d{4}-\d{2}-\d{2}(?![A-Za-z0-9_])/)) return 'number';
    if (stream.match(/^\d+(?:\.\d+)?%?/)) return 'number';
    const before = stream.pos > 0 ? stream.string[stream.pos - 1] : '';
    if (/[A-Za-z_]/.test(stream.peek() || '')) {
      if (before !== '.' && stream.match(REQ_ID)) return 'labelName';
      const word = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)[0];
      if (before === '.') return 'propertyName';
      if (WORDS.has(word)) return WORDS.get(word);
      if (stream.peek() === '(') return 'variableName.function';
      return 'variableName';
    }
    const c = stream.next();
    if ('{}()[]'.includes(c)) return 'bracket';
    if (c === ',' || c === ':' || c === '.') return 'punctuation';
    if ('=!<>+-*/'.includes(c)) {
      stream.eat('=');
      return 'operator';
    }
    return 'invalid';
  },
  languageData: { commentTokens: { line: '//' }, closeBrackets: { brackets: ['(', '[', '{', '"'] } },
});

// the kinds of ide-contract.md's completion → CodeMirror's completion types
const KIND = {
  input: 'variable',
  field: 'property',
  builtin: 'function',
  keyword: 'keyword',
  enum: 'enum',
  requirement: 'constant',
  definition: 'variable',
};

/** Hover and completion from the engine's `hover(source, offset)` and
 *  `complete(source, offset)` (offsets in UTF-16 code units both ways). */
function engineQueries(queries) {
  if (!queries) return [];
  const tooltip = hoverTooltip((view, pos) => {
    let r = null;
    try {
      r = queries.hover(view.state.doc.toString(), pos);
    } catch {
      r = null;
    }
    if (!r || typeof r.contents !== 'string') return null;
    return {
      pos: Math.max(0, Math.min(r.from, view.state.doc.length)),
      end: Math.max(0, Math.min(r.to, view.state.doc.length)),
      above: true,
      // Markdown shown as text: never parsed into HTML
      create: () => ({ dom: h('div', { class: 'cm-netspec-hover' }, r.contents) }),
    };
  });
  const complete = (ctx) => {
    let r = null;
    try {
      r = queries.complete(ctx.state.doc.toString(), ctx.pos);
    } catch {
      r = null;
    }
    if (!r || !Array.isArray(r.options) || r.options.length === 0) return null;
    if (!ctx.explicit && r.from === ctx.pos) return null;
    return {
      from: r.from,
      options: r.options.map((o) => ({
        label: o.label,
        type: KIND[o.kind] || 'text',
        detail: o.detail,
        info: o.info,
      })),
    };
  };
  return [tooltip, autocompletion({ override: [complete] })];
}

/**
 * createSpecEditor({ id, label, onInput, queries })
 * -> { root, view, value, setMarkers(markers), reveal(start, end), select(start, end) }
 * The interface of editor.js's createEditor: a marker is { start, end,
 * severity, message, line, column } with UTF-16 offsets (end exclusive).
 * `queries` is { hover, complete } from the engine, or null.
 */
export function createSpecEditor({ id, label, onInput, queries = null }) {
  const host = h('div', { class: 'cm-host', id: `${id}-host` });
  const root = h('div', { class: 'editor-wrap' }, h('p', { class: 'editor-label', id: `${id}-label` }, label), host);
  const shadow = host.attachShadow({ mode: 'open' });
  const parent = h('div', { class: 'cm-parent' });
  shadow.append(h('link', { rel: 'stylesheet', href: 'css/editor.css' }), parent);
  let silent = false;
  const view = new EditorView({
    root: shadow,
    parent,
    state: EditorState.create({
      doc: '',
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        indentUnit.of('  '),
        netspecLanguage,
        syntaxHighlighting(classHighlighter),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        lintGutter(),
        ...engineQueries(queries),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap]),
        EditorView.contentAttributes.of({ id, 'aria-label': label, spellcheck: 'false', autocapitalize: 'off', autocorrect: 'off' }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged && !silent && onInput) onInput(u.state.doc.toString());
        }),
      ],
    }),
  });

  const clamp = (n) => Math.max(0, Math.min(n, view.state.doc.length));
  return {
    root,
    view,
    get value() {
      return view.state.doc.toString();
    },
    set value(v) {
      silent = true;
      try {
        view.dispatch({
          changes: { from: 0, to: view.state.doc.length, insert: v },
          selection: EditorSelection.cursor(0),
          scrollIntoView: true,
        });
        view.dispatch(setDiagnostics(view.state, []));
      } finally {
        silent = false;
      }
    },
    /** Replaces [from, to) with text, as typing or pasting does (onInput is called). */
    replace(from, to, text) {
      view.dispatch({ changes: { from: clamp(from), to: clamp(to), insert: text }, userEvent: 'input.paste' });
    },
    setMarkers(markers) {
      const diagnostics = markers.map((m) => {
        const from = clamp(m.start);
        let to = clamp(Math.max(m.end, m.start));
        // a point marks the character under it, unless it is at a line end
        if (to === from && from < view.state.doc.length && view.state.doc.sliceString(from, from + 1) !== '\n') to = from + 1;
        return { from, to, severity: m.severity === 'error' ? 'error' : 'warning', message: m.message };
      });
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    /** Selects [start, end), scrolls it into view and focuses the editor. */
    reveal(start, end = start) {
      view.dispatch({ selection: EditorSelection.range(clamp(start), clamp(Math.max(start, end))), scrollIntoView: true });
      view.focus();
    },
    select(start, end = start) {
      view.dispatch({ selection: EditorSelection.range(clamp(start), clamp(Math.max(start, end))) });
      view.focus();
    },
  };
}
