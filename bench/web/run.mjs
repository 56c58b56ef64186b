// Web client benchmark (not a test): initial JavaScript of the production build, gzip, and the time
// to render the newest page of a channel holding 1,000 messages, in headless Chromium.
//   cd bench/web && npm ci && npm run bench      (static-web must have node_modules: npm ci there)
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { build } from 'vite';

const here = import.meta.dirname;
const repo = path.resolve(here, '..', '..');
const web = path.join(repo, 'static-web');
const ROUNDS = Number(process.env.ROUNDS ?? 20);

// 1. Initial JS: what index.html loads before any user action (lazy chunks such as the crypto module excluded).
execFileSync('npm', ['run', 'build'], { cwd: web, stdio: ['ignore', 'ignore', 'inherit'] });
const html = readFileSync(path.join(web, 'dist', 'index.html'), 'utf8');
const refs = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+)"/g)].map((m) => m[1]);
const css = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*\shref="([^"]+)"/g)].map((m) => m[1]);
const gz = (ref) => gzipSync(readFileSync(path.join(web, 'dist', ref))).length;
const jsGzip = refs.reduce((s, r) => s + gz(r), 0);
const jsRaw = refs.reduce((s, r) => s + statSync(path.join(web, 'dist', r)).size, 0);
const cssGzip = css.reduce((s, r) => s + gz(r), 0);

// 2. Rendering: the app's MessageList in a page of its own.
await build({ configFile: path.join(here, 'vite.config.mjs') });
const dist = path.join(here, 'dist');
const server = http.createServer((req, res) => {
  const file = path.join(dist, req.url === '/' ? 'index.html' : decodeURIComponent(req.url.split('?')[0]));
  try {
    const body = readFileSync(file);
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'text/html';
    res.writeHead(200, { 'Content-Type': type }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
await page.goto(url);
await page.waitForFunction(() => typeof window.bench === 'function');
await page.evaluate(() => window.bench(1000, 3)); // warm-up: JIT and style caches
const big = await page.evaluate((r) => window.bench(1000, r), ROUNDS);
const small = await page.evaluate((r) => window.bench(50, r), ROUNDS);
const chromiumVersion = browser.version();
await browser.close();
server.close();

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms`;
};
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
} catch {
  // not a checkout
}
console.log(`D3Chat web benchmark  commit ${commit}  ${new Date().toISOString()}`);
console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, ${os.platform()} ${os.release()}, node ${process.version}, Chromium ${chromiumVersion}`);
console.log(`initial JS: ${(jsGzip / 1024).toFixed(1)} kB gzip (${(jsRaw / 1024).toFixed(1)} kB raw) in ${refs.length} file(s); CSS ${(cssGzip / 1024).toFixed(1)} kB gzip   target <= 150 kB gzip`);
console.log(`render newest page, channel of 1,000 messages (${ROUNDS} rounds): ${stats(big)}   target <= 300 ms`);
console.log(`render newest page, channel of 50 messages (${ROUNDS} rounds): ${stats(small)}`);
