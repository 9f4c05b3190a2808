// The parts of CodeMirror 6 the playground's spec editor uses, bundled by
// scripts/bundle-editor.mjs into generated/codemirror.js (one local ES
// module: the pages load nothing from elsewhere).
export { EditorState, EditorSelection } from '@codemirror/state';
export {
  EditorView,
  keymap,
  lineNumbers,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  drawSelection,
  hoverTooltip,
} from '@codemirror/view';
export { StreamLanguage, StringStream, syntaxHighlighting, bracketMatching, indentOnInput, indentUnit } from '@codemirror/language';
export { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
export { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
export { setDiagnostics, lintGutter, lintKeymap } from '@codemirror/lint';
export { classHighlighter } from '@lezer/highlight';
