// Klusterkluck's Node.js runtime shim: loads the function's handler once and serves it over
// HTTP over a Unix domain socket for the worker.
// Usage: node shim.mjs <socket path> <handler file> <ready token>
import http from 'node:http';
import { pathToFileURL } from 'node:url';

const [socketPath, handlerFile, readyToken] = process.argv.slice(2);
const handler = pickHandler(await import(pathToFileURL(handlerFile).href));

// module.exports = fn, exports.handler = fn, export default fn and export const handler all work.
function pickHandler(mod) {
  const candidates = [mod.default, mod.default?.handler, mod.handler];
  const found = candidates.find((candidate) => typeof candidate === 'function');
  if (!found) {
    console.error(`${handlerFile} exports no function: use module.exports = async (request) => response`);
    process.exit(3);
  }
  return found;
}

function queryOf(url) {
  const query = {};
  for (const [key, value] of url.searchParams) {
    query[key] = key in query ? [].concat(query[key], value) : value;
  }
  return query;
}

// JSON bodies arrive parsed, everything else as text; rawBody is always the bytes.
function bodyOf(raw, contentType) {
  const text = raw.toString('utf8');
  if (/^application\/([\w.+-]+\+)?json/i.test(contentType ?? '') && text.length > 0) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

const responseKeys = new Set(['status', 'headers', 'body']);
function isResponse(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)
    && Number.isInteger(value.status) && Object.keys(value).every((key) => responseKeys.has(key));
}

function hasHeader(headers, name) {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function encode(body, headers) {
  if (body === undefined) return undefined;
  if (typeof body === 'string') {
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'text/plain; charset=utf-8';
    return body;
  }
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) {
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/octet-stream';
    return body;
  }
  if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json; charset=utf-8';
  return JSON.stringify(body);
}

function reply(res, result) {
  const response = isResponse(result) ? result : { status: result === undefined ? 204 : 200, body: result };
  if (response.status < 200 || response.status > 599) {
    throw new Error(`status ${response.status} is not an HTTP status`);
  }
  const headers = { ...(response.headers ?? {}) };
  const body = encode(response.body, headers);
  res.writeHead(response.status, headers);
  res.end(body);
}

function fail(res) {
  const problem = JSON.stringify({ title: 'The function failed', status: 500, detail: 'See the function logs.' });
  res.writeHead(500, { 'content-type': 'application/problem+json' });
  res.end(problem);
}

const emptyBody = Buffer.alloc(0);

async function serve(req, res, rawBody) {
  try {
    const url = new URL(req.url, 'http://function');
    const request = {
      method: req.method,
      path: url.pathname,
      query: queryOf(url),
      headers: req.headers,
      body: bodyOf(rawBody, req.headers['content-type']),
      rawBody,
    };
    reply(res, await handler(request));
  } catch (error) {
    console.error(`handler failed: ${error?.stack ?? error}`);
    if (!res.headersSent) fail(res);
    else res.destroy();
  }
}

// Plain 'data'/'end' events rather than an async iterator: this runs for every request.
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => serve(req, res, chunks.length === 0 ? emptyBody : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
});
// Longer than the worker's pooled connection lifetime, so the worker never reuses a closed socket.
server.keepAliveTimeout = 120_000;
server.listen(socketPath, () => console.log(readyToken));
