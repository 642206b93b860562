// bench/gateway's other floor: the function's handler behind node's own http server on a TCP
// port, no platform at all: what a developer would run by hand. The request and response are
// shaped as the platform's shim shapes them (method, path, query, headers, body; a string back
// is text/plain), so the two do the same work per call.
// Usage: node bare-node.mjs <port> <handler file>
import http from 'node:http';
import { createRequire } from 'node:module';

const [port, file] = process.argv.slice(2);
const handler = createRequire(import.meta.url)(file);

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    const url = new URL(`http://function${req.url}`);
    const query = Object.fromEntries(url.searchParams);
    const body = Buffer.concat(chunks).toString('utf8');
    const result = await handler({ method: req.method, path: url.pathname, query, headers: req.headers, body, rawBody: Buffer.concat(chunks) });
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(result);
  });
}).listen(Number(port), '127.0.0.1');
