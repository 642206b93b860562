// The baseline: the same handler behind a plain node http server, no worker in front.
// Usage: node bare-node.js <port>
const http = require('node:http');
const handler = require('./handler.js');

http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://bare');
  const result = await handler({ method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body: '' });
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(result));
}).listen(Number(process.argv[2]), '127.0.0.1');
