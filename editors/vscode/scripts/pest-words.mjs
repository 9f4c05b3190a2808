// The words of the netspec language, read from its grammar
// (grammar/netspec.pest), each with the TextMate scope it is highlighted
// with: the VS Code grammar (gen-grammar.mjs) and the playground's editor
// (bindings/web/scripts/bundle-editor.mjs) both take their keywords from
// here.

// pest rule (or rule-name pattern) → scope of its words; the first rule that
// claims a word decides its scope
export const SCOPES = [
  [/^kw_(spec|use|inputs|let|area|requirement|rating|test)$/, 'storage.type.netspec'],
  [/^kw_(if|then|else|all|any|for|in|where|count|no|when|otherwise)$/, 'keyword.control.netspec'],
  [/^kw_(list|group|enum|checklist)$/, 'support.type.netspec'],
  [/^base_type$/, 'support.type.netspec'],
  [/^kw_/, 'keyword.other.netspec'],
  [/^(op_\w+|reserved)$/, 'keyword.operator.word.netspec'],
  [/^(bool_lit|assessment_date|json_value)$/, 'constant.language.netspec'],
  [/^(level|level_set)$/, 'storage.modifier.level.netspec'],
  [/^(basis_kind|respondent_kind|outcome)$/, 'support.constant.netspec'],
  [/^duration_unit$/, 'keyword.other.unit.netspec'],
];

/** Every word (two letters or more) a one-line pest rule matches → its
 *  scope. Throws naming the rules whose words no entry of SCOPES places. */
export function pestWords(pest) {
  const words = new Map();
  const unplaced = [];
  for (const line of pest.split('\n')) {
    const m = /^([a-z_]+)\s*=\s*[@$_]?\{(.*)\}\s*$/.exec(line);
    if (!m) continue;
    const [, rule, body] = m;
    // words of two letters or more (single characters are punctuation or exponents)
    const found = [...body.matchAll(/"([a-z_]{2,})"/g)].map((x) => x[1]);
    if (found.length === 0) continue;
    const entry = SCOPES.find(([re]) => re.test(rule));
    if (!entry) {
      unplaced.push(`${rule}: ${found.join(', ')}`);
      continue;
    }
    for (const w of found) if (!words.has(w)) words.set(w, entry[1]);
  }
  if (unplaced.length > 0) {
    throw new Error(`grammar/netspec.pest rules whose words have no scope:\n  ${unplaced.join('\n  ')}`);
  }
  return words;
}
