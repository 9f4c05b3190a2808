// The playground's state in a URL fragment: JSON, UTF-8, deflate-raw
// (CompressionStream) when the browser has it, base64url.
//   #state=z<base64url of deflated JSON>   or   #state=j<base64url of JSON>

function toBase64url(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

export async function encodeState(state) {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  if (typeof CompressionStream === 'function') {
    try {
      return `z${toBase64url(await pipe(bytes, new CompressionStream('deflate-raw')))}`;
    } catch {
      // fall through to plain
    }
  }
  return `j${toBase64url(bytes)}`;
}

export async function decodeState(text) {
  const kind = text[0];
  let bytes = fromBase64url(text.slice(1));
  if (kind === 'z') bytes = await pipe(bytes, new DecompressionStream('deflate-raw'));
  else if (kind !== 'j') throw new Error('unknown state encoding');
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** The `state=` value in a URL fragment, or null. */
export function stateFromHash(hash) {
  const m = /(?:^#|&)state=([A-Za-z0-9_-]+)/.exec(hash || '');
  return m ? m[1] : null;
}
