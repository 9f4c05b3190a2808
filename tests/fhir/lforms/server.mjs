// A static server for the LHC-Forms test: /lforms/* from the lforms npm
// package's dist/lforms, /page.html, and /questionnaire.json (the file the
// test names). Loopback only; nothing is fetched from the network.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const LFORMS = path.join(HERE, 'node_modules', 'lforms', 'dist', 'lforms');
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.json': 'application/json', '.png': 'image/png', '.map': 'application/json', '.ico': 'image/x-icon', '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf' };

export function serve(questionnaireFile) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let file;
    if (url.pathname === '/page.html') file = path.join(HERE, 'page.html');
    else if (url.pathname === '/questionnaire.json') file = questionnaireFile;
    else if (url.pathname.startsWith('/lforms/')) {
      file = path.join(LFORMS, path.normalize(decodeURIComponent(url.pathname.slice('/lforms/'.length))));
      if (!file.startsWith(LFORMS + path.sep)) file = undefined;
    }
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
