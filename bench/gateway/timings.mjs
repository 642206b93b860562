// Control-plane timings against a running Api (loopback only, bounded loops):
//   create-to-first-200: POST /api/v1/functions, then GET the function's URL until it answers 200
//   redeploy: PUT /api/v1/functions/{name}/versions/{sha}, then GET until the new reply shows
// Usage: node timings.mjs <api base url> <username> <password> [runs, default 10]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, user, password, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
const login = await (await fetch(`${base}/api/v1/auth/login`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password }),
})).json();
const auth = { authorization: `Bearer ${login.accessToken}` };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const fmt = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;

async function until(url, accept) {
  for (let i = 0; i < 6000; i++) {
    try {
      const response = await fetch(url, { headers: auth });
      const text = await response.text();
      if (accept(response.status, text)) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${url} never answered as expected`);
}

async function api(method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method, headers: { ...auth, 'content-type': 'application/json' }, body: body && JSON.stringify(body),
  });
  if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

for (const kind of ['nodejs', 'exec', 'static']) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const name = `cold-${kind}-${i}`;
    const start = performance.now();
    const created = await api('POST', '/api/v1/functions', { name, kind });
    await until(created.url, (status) => status === 200);
    times.push(performance.now() - start);
    await api('DELETE', `/api/v1/functions/${name}`);
  }
  console.log(`create to first 200, ${kind.padEnd(6)}: ${fmt(times)} over ${runs}`);
}

// Redeploy: two commits that answer differently, deployed in turn.
const created = await api('POST', '/api/v1/functions', { name: 'redeploy', kind: 'nodejs' });
await until(created.url, (status) => status === 200);
const folder = mkdtempSync(join(tmpdir(), 'kk-bench-'));
try {
  const remote = created.gitUrl.replace('://', `://${user}:${password}@`);
  const git = (...args) => execFileSync('git', args, { cwd: folder, encoding: 'utf8' }).trim();
  git('clone', '-q', remote, 'repo');
  const repo = (...args) => execFileSync('git', ['-C', join(folder, 'repo'), ...args], { encoding: 'utf8' }).trim();
  const first = repo('rev-parse', 'HEAD');
  writeFileSync(join(folder, 'repo', 'klusterkluck.yaml'), 'kind: nodejs\nenv:\n  GREETING: Second\n');
  repo('-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '-qam', 'second');
  repo('push', '-q', 'origin', 'main');
  const second = repo('rev-parse', 'HEAD');
  const times = [];
  for (let i = 0; i < runs; i++) {
    const [sha, greeting] = i % 2 === 0 ? [second, 'Second'] : [first, 'Hello'];
    const start = performance.now();
    await api('PUT', `/api/v1/functions/redeploy/versions/${sha}`);
    await until(created.url, (status, text) => status === 200 && text.startsWith(greeting));
    times.push(performance.now() - start);
  }
  console.log(`redeploy to new reply       : ${fmt(times)} over ${runs}`);
} finally {
  rmSync(folder, { recursive: true, force: true });
  await api('DELETE', '/api/v1/functions/redeploy');
}
