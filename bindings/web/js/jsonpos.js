// Where a JSON pointer is in JSON text: a small parser that records, for every
// value, the range of its key (object members) and of the value, so
// submission diagnostics (which carry a JSON pointer) can be marked in the
// submission editor. Returns null for text that is not JSON.
import { join } from './pointer.js';

export function locations(text) {
  const map = new Map();
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = () => {
    throw new SyntaxError(`bad JSON at ${i}`);
  };
  function string() {
    if (text[i] !== '"') fail();
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail();
    i++;
    return JSON.parse(text.slice(start, i));
  }
  function value(path, keyStart, keyEnd) {
    ws();
    const start = i;
    const c = text[i];
    let compound = false;
    if (c === '{') {
      compound = true;
      i++;
      ws();
      if (text[i] === '}') i++;
      else {
        for (;;) {
          ws();
          const ks = i;
          const key = string();
          const ke = i;
          ws();
          if (text[i++] !== ':') fail();
          value(join(path, key), ks, ke);
          ws();
          if (text[i] === ',') i++;
          else if (text[i] === '}') {
            i++;
            break;
          } else fail();
        }
      }
    } else if (c === '[') {
      compound = true;
      i++;
      ws();
      if (text[i] === ']') i++;
      else {
        for (let n = 0; ; n++) {
          value(join(path, n), null, null);
          ws();
          if (text[i] === ',') i++;
          else if (text[i] === ']') {
            i++;
            break;
          } else fail();
        }
      }
    } else if (c === '"') {
      string();
    } else {
      const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!m) fail();
      i += m[0].length;
    }
    map.set(path, { start, end: i, keyStart, keyEnd, compound });
  }
  try {
    value('', null, null);
    ws();
    if (i !== text.length) fail();
  } catch {
    return null;
  }
  return map;
}

/**
 * The range to mark for a pointer: a scalar member from its key to the end
 * of its value; an object or array member just its key (or opening bracket);
 * a pointer that is not in the text marks its nearest ancestor's start.
 * `exact` says whether the pointer itself was found.
 */
export function rangeOf(map, pointer) {
  if (!map) return null;
  let p = pointer;
  let exact = true;
  while (!map.has(p) && p !== '') {
    p = p.slice(0, p.lastIndexOf('/'));
    exact = false;
  }
  const loc = map.get(p);
  if (!loc) return null;
  if (!exact || loc.compound) {
    if (loc.keyStart !== null) return { start: loc.keyStart, end: loc.keyEnd, exact };
    return { start: loc.start, end: loc.start + 1, exact };
  }
  return { start: loc.keyStart ?? loc.start, end: loc.end, exact };
}
