// Klusterkluck's Node.js runtime shim: loads the function's handler once and serves it over
// HTTP over a Unix domain socket for the worker.
// Usage: node shim.mjs <socket path> <handler file> <ready token>
// With '-' for the handler file it starts warm and waits (a pool worker's node): one JSON line on
// stdin then says what to load, {"dir", "handler", "env"}; node itself has booted by then, which
// is most of a cold start.
import http from 'node:http';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const [socketPath, handlerArgument, readyToken] = process.argv.slice(2);
const handlerFile = handlerArgument === '-' ? await adopt() : handlerArgument;
const handler = await loadHandler();

// The function this warm node is given: its folder, its handler and its environment, which
// replaces the generic one node started with (as a fresh start with its env would have).
async function adopt() {
  console.log(`${readyToken}-warm`);
  const lines = createInterface({ input: process.stdin });
  const [line] = await lines[Symbol.asyncIterator]().next().then((next) => [next.value]);
  lines.close();
  process.stdin.destroy();
  if (line === undefined) process.exit(0);
  const { dir, handler: file, env } = JSON.parse(line);
  for (const name of Object.keys(process.env)) {
    if (!(name in env)) delete process.env[name];
  }
  Object.assign(process.env, env);
  process.chdir(dir);
  return file;
}

// The worker reports the line after this marker as the reason the function did not start.
function startError(message) {
  console.error(`kk-shim-error: ${message.split('\n')[0]}`);
  process.exit(3);
}

// module.exports = fn, exports.handler = fn, export default fn and export const handler all work.
async function loadHandler() {
  let mod;
  try {
    mod = await import(pathToFileURL(handlerFile).href);
  } catch (error) {
    console.error(error?.stack ?? String(error));
    startError(`${error?.name ?? 'Error'}: ${error?.message ?? error}`);
  }
  const candidates = [mod.default, mod.default?.handler, mod.handler];
  const found = candidates.find((candidate) => typeof candidate === 'function');
  if (!found) startError('the module exports no function: use module.exports = async (request) => response');
  return found;
}

// Without a parent (a worker killed with SIGKILL) there is nobody to serve: leave too.
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 1000).unref();

function queryOf(url) {
  // No prototype: keys such as toString or __proto__ are plain keys here.
  const query = Object.create(null);
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
    // Prefixing, not resolving: a request for //host/x must stay the path //host/x.
    const url = new URL(`http://function${req.url}`);
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
  if (req.headers['x-klusterkluck-ping']) {
    // The worker's liveness check: answered by the event loop alone, never by the handler.
    res.writeHead(204).end();
    req.resume();
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => serve(req, res, chunks.length === 0 ? emptyBody : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
});
// Longer than the worker's pooled connection lifetime, so the worker never reuses a closed socket.
server.keepAliveTimeout = 120_000;
server.listen(socketPath, () => console.log(readyToken));
