// Build time and deploy-to-first-200 through a real Api: a nodejs function with one npm dependency
// (cold npm cache: a new user; warm: its second build) and the dotnet template (first and second build).
// Usage: node builds.mjs <api base url> <work folder>
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [base, work] = process.argv.slice(2);
const user = `bench${Date.now().toString(36)}`;
const password = 'bench-password-1';
const json = (r) => r.json();
const post = (path, body, token) => fetch(base + path, {
  method: 'POST', body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
});
await post('/api/v1/auth/register', { username: user, password, email: `${user}@localhost` });
const { accessToken: token } = await post('/api/v1/auth/login', { username: user, password }).then(json);
const auth = { authorization: `Bearer ${token}` };
const get = (path) => fetch(base + path, { headers: auth }).then(json);

async function firstReply(fn, expected, started) {
  for (let i = 0; i < 6000; i++) {
    const response = await fetch(`${base}/fn/${user}/${fn}/?n=42`, { headers: auth });
    const text = await response.text();
    if (response.status === 200 && text.includes(expected)) return (performance.now() - started) / 1000;
    const state = await get(`/api/v1/functions/${fn}`);
    if (state.deployment.status === 'failed') throw new Error(`${fn} failed: ${state.deployment.error}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${fn} never answered ${expected}`);
}

function push(fn, files, message) {
  const dir = mkdtempSync(join(work, `${fn}-`));
  const url = `${base.replace('://', `://${user}:${password}@`)}/git/${user}/${fn}.git`;
  execFileSync('git', ['clone', '-q', url, dir]);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  execFileSync('git', ['-C', dir, 'add', '-A']);
  execFileSync('git', ['-C', dir, '-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '-qm', message]);
  execFileSync('git', ['-C', dir, 'push', '-q', 'origin', 'main']);
  return execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD']).toString().trim();
}

async function deploy(fn, files, message, expected) {
  const sha = push(fn, files, message);
  const started = performance.now();
  await fetch(`${base}/api/v1/functions/${fn}/versions/${sha}`, { method: 'PUT', headers: auth });
  const seconds = await firstReply(fn, expected, started);
  const build = await get(`/api/v1/functions/${fn}/builds/${sha}`);
  return { build: build.seconds, first200: seconds };
}

const report = (name, { build, first200 }) =>
  console.log(`${name.padEnd(34)} build ${build.toFixed(1).padStart(5)} s   deploy to first 200 ${first200.toFixed(1).padStart(5)} s`);

const packageJson = '{"name":"padded","version":"1.0.0","private":true,"dependencies":{"left-pad":"1.3.0"}}';
const lock = readFileSync(new URL('./left-pad-lock.json', import.meta.url), 'utf8');
const handler = (width) => `const leftPad = require('left-pad');\nmodule.exports = async (r) => leftPad(r.query.n || '7', ${width}, '0') + '\\n';\n`;

await post('/api/v1/functions?wait=true', { name: 'padded', kind: 'nodejs' }, token);
report('nodejs + left-pad, cold npm cache', await deploy('padded', { 'package.json': packageJson, 'package-lock.json': lock, 'index.js': handler(5) }, 'left-pad', '00042'));
report('nodejs + left-pad, warm npm cache', await deploy('padded', { 'index.js': handler(6) }, 'wider', '000042'));

const created = performance.now();
await post('/api/v1/functions', { name: 'sharp', kind: 'dotnet' }, token);
const first200 = await firstReply('sharp', 'Hello, world!', created);
const sharp = await get('/api/v1/functions/sharp');
const firstBuild = await get(`/api/v1/functions/sharp/builds/${sharp.deployment.commit}`);
report('dotnet template, first build', { build: firstBuild.seconds, first200 });
const config = readFileSync(new URL('../../Klusterkluck.Functions/Templates/dotnet/klusterkluck.yaml', import.meta.url), 'utf8');
report('dotnet template, second build', await deploy('sharp', { 'klusterkluck.yaml': config.replace('Hello', 'Bonjour') }, 'bonjour', 'Bonjour'));
