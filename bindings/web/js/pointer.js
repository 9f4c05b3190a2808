// JSON pointers (RFC 6901) over plain objects: parse, format, get, set and delete.
// In a submission a numeric segment is a list position; every other segment is a key.

export function parse(pointer) {
  if (pointer === '' || pointer === undefined || pointer === null) return [];
  if (pointer[0] !== '/') throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function format(segments) {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export const join = (base, key) => base + '/' + String(key).replace(/~/g, '~0').replace(/\//g, '~1');

const isIndex = (s) => /^(0|[1-9][0-9]*)$/.test(s);
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

export function get(root, pointer) {
  let v = root;
  for (const s of typeof pointer === 'string' ? parse(pointer) : pointer) {
    if (Array.isArray(v) && isIndex(s)) v = v[Number(s)];
    else if (isObject(v) && Object.prototype.hasOwnProperty.call(v, s)) v = v[s];
    else return undefined;
  }
  return v;
}

/**
 * Sets the value at a pointer, creating objects (and arrays for numeric
 * segments) on the way. `undefined` deletes it; objects left empty by a
 * delete are removed too, up to the nearest list element (a list element
 * stays, even empty: the row exists).
 */
export function set(root, pointer, value) {
  const segs = typeof pointer === 'string' ? parse(pointer) : pointer;
  if (segs.length === 0) throw new Error('cannot set the root');
  if (value === undefined) return remove(root, segs);
  let v = root;
  for (let i = 0; i < segs.length - 1; i++) {
    const s = segs[i];
    const nextIsIndex = isIndex(segs[i + 1]);
    const key = Array.isArray(v) ? Number(s) : s;
    let next = v[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next) !== nextIsIndex) {
      next = nextIsIndex ? [] : {};
      v[key] = next;
    }
    v = next;
  }
  const last = segs[segs.length - 1];
  if (Array.isArray(v)) v[Number(last)] = value;
  else v[last] = value;
  return root;
}

function remove(root, segs) {
  const chain = [root];
  let v = root;
  for (const s of segs.slice(0, -1)) {
    v = Array.isArray(v) ? v[Number(s)] : isObject(v) ? v[s] : undefined;
    if (v === null || typeof v !== 'object') return root;
    chain.push(v);
  }
  for (let i = segs.length - 1; i >= 0; i--) {
    const parent = chain[i];
    const s = segs[i];
    if (i === segs.length - 1) {
      if (Array.isArray(parent)) parent.splice(Number(s), 1);
      else delete parent[s];
    } else {
      const child = parent[Array.isArray(parent) ? Number(s) : s];
      // prune an empty object, unless it is a list element
      if (!isObject(child) || Object.keys(child).length > 0 || Array.isArray(parent)) break;
      delete parent[s];
    }
  }
  return root;
}

/** Removes every pointer in `pointers` from a deep copy of `root`. */
export function without(root, pointers) {
  const copy = structuredClone(root);
  // longest first, and higher list positions first, so positions stay valid
  const sorted = [...pointers].sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  for (const p of sorted) {
    const segs = parse(p);
    if (segs.length === 0) continue;
    const parent = get(copy, segs.slice(0, -1));
    const last = segs[segs.length - 1];
    if (Array.isArray(parent)) parent[Number(last)] = {}; // keep positions: an empty element
    else if (isObject(parent)) delete parent[last];
  }
  return copy;
}
