#!/usr/bin/env node
// A small static server for the two pages, on 127.0.0.1 only:
//   /                  -> index.html (the self-assessment form)
//   /playground        -> playground.html (the spec playground)
//   /network           -> network.html (the network view)
//   /index.html, /playground.html, /network.html, /css/*, /js/*, /generated/*, /docs/*   from bindings/web
//   /wasm/web.js, /wasm/pkg/core.mjs, /wasm/pkg/web/*                     from bindings/wasm
//   /wasm/form.js, /wasm/pkg/form/*         the form's module, from bindings/wasm
// Nothing else is served (no directory listings, no node_modules, no tests).
//
// Usage: node server.mjs [--port N | N]     (or PORT=N; default 8080; 0 picks a free port)
// As a module: `const { server, url } = await startServer({ port: 0 })`.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const WEB = path.dirname(fileURLToPath(import.meta.url));
const WASM = path.resolve(WEB, '../wasm');
export const HOST = '127.0.0.1';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

// URL prefix -> [folder, files or folders allowed below it]
const ROUTES = [
  ['/wasm/', WASM, ['web.js', 'form.js', 'pkg/core.mjs', 'pkg/web/', 'pkg/form/']],
  ['/', WEB, ['index.html', 'playground.html', 'network.html', 'css/', 'js/', 'generated/', 'docs/']],
];
const ALIASES = { '/': '/index.html', '/playground': '/playground.html', '/network': '/network.html' };

/** Maps a URL path to a file, or null when it is not served. */
export function resolve(urlPath) {
  let p;
  try {
    p = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  p = ALIASES[p] || p;
  if (p.includes('\0') || p.includes('\\')) return null;
  for (const [prefix, root, allowed] of ROUTES) {
    if (!p.startsWith(prefix)) continue;
    const rel = path.posix.normalize(p.slice(prefix.length));
    if (rel.startsWith('..') || rel.startsWith('/') || rel.split('/').some((s) => s.startsWith('.'))) return null;
    if (!allowed.some((a) => (a.endsWith('/') ? rel.startsWith(a) : rel === a))) return null;
    const file = path.join(root, rel);
    if (!file.startsWith(root + path.sep)) return null;
    return file;
  }
  return null;
}

function handle(req, res) {
  const send = (status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n', { allow: 'GET, HEAD' });
  const url = new URL(req.url, `http://${HOST}`);
  const file = resolve(url.pathname);
  let stat;
  try {
    stat = file && fs.statSync(file);
  } catch {
    stat = null;
  }
  if (!stat || !stat.isFile()) {
    const hint = url.pathname.startsWith('/wasm/')
      ? ' (build the WebAssembly package first: bash bindings/wasm/build.sh)'
      : url.pathname.startsWith('/generated/')
        ? ' (bundle the specs first: npm --prefix bindings/web run build)'
        : '';
    return send(404, `not found: ${url.pathname}${hint}\n`);
  }
  // no-cache: the browser asks every time, and gets a 304 while the file is unchanged
  const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  // cross-origin isolated (everything is served from here): no other
  // window can reach the pages, and performance.now() counts in
  // microseconds, not in Chromium's 0.1 ms steps
  const headers = {
    'cache-control': 'no-cache',
    etag,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    return res.end();
  }
  res.writeHead(200, {
    ...headers,
    'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
    'content-length': stat.size,
  });
  if (req.method === 'HEAD') return res.end();
  fs.createReadStream(file).pipe(res);
}

/** Starts the server; resolves to { server, url, port }. */
export function startServer({ port = 8080, host = HOST, log = false } = {}) {
  const server = http.createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`internal error: ${e.message}\n`);
    }
    if (log) res.on('finish', () => console.log(`${res.statusCode} ${req.method} ${req.url}`));
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const actual = server.address().port;
      ok({ server, port: actual, url: `http://${host}:${actual}/` });
    });
  });
}

function cliPort(argv) {
  const i = argv.indexOf('--port');
  const raw = i >= 0 ? argv[i + 1] : argv.find((a) => /^\d+$/.test(a)) ?? process.env.PORT ?? '8080';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`server: not a port: ${raw}`);
    process.exit(2);
  }
  return n;
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  const missing = ['web.js', 'pkg/core.mjs', 'pkg/web/netspec_wasm.js', 'pkg/web/netspec_wasm_bg.wasm'].filter(
    (f) => !fs.existsSync(path.join(WASM, f)),
  );
  if (missing.length) {
    console.error(`server: bindings/wasm is not built (missing ${missing.join(', ')}); run: bash bindings/wasm/build.sh`);
  }
  if (!fs.existsSync(path.join(WEB, 'generated/specs.js'))) {
    console.error('server: generated/specs.js is missing; run: npm --prefix bindings/web run build');
  }
  const { url } = await startServer({ port: cliPort(process.argv.slice(2)), log: !!process.env.LOG });
  console.log(`netspec web: self-assessment form ${url}  playground ${url}playground  (Ctrl-C stops)`);
}
