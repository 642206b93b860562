// Cold start: from spawning the worker process to the first 200 from the function itself.
// Usage: node coldstart.mjs <worker dll> <kind> <git url> <runs>
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';

const [workerDll, kind, gitUrl, runs] = process.argv.slice(2);

const freePort = () => new Promise((resolve) => {
  const server = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

const status = (port) => new Promise((resolve) => {
  const req = http.get({ host: '127.0.0.1', port, path: '/' }, (res) => { res.resume(); resolve(res.statusCode); });
  req.on('error', () => resolve(0));
});

async function once() {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const worker = spawn('dotnet', [workerDll], {
    env: { ...process.env, ASPNETCORE_URLS: `http://127.0.0.1:${port}`, KK_GIT_URL: gitUrl, KK_GIT_COMMIT: 'HEAD', KK_FUNCTION: 'bench/cold' },
    stdio: 'ignore',
  });
  try {
    for (let attempt = 0; attempt < 3000; attempt++) {
      if ((await status(port)) === 200) return Number(process.hrtime.bigint() - started) / 1e6;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`${kind}: no 200 after 6 s`);
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
  }
}

const times = [];
for (let i = 0; i < Number(runs); i++) times.push(await once());
times.sort((a, b) => a - b);
const median = times.length % 2 ? times[(times.length - 1) / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
console.log(`${kind.padEnd(8)} median ${median.toFixed(0)} ms   min ${times[0].toFixed(0)} ms   max ${times.at(-1).toFixed(0)} ms   (${times.length} runs)`);
