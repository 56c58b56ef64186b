// Builds the benchmark page with static-web's Vite, serves it on http://127.0.0.1 (Web Crypto needs a
// secure context; localhost counts), runs it in headless Chromium and prints the figures with the
// machine and commit. Not a test: no thresholds are asserted.
//   cd bench/crypto-web && npm ci && npm run bench      (CHROMIUM=/path/to/chromium to override)
//   npm run bench -- --compare=<commit>                 before/after: that commit's crypto module against
//                                                       the working tree's, alternating rounds, medians
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const here = import.meta.dirname;
const root = join(here, '..', '..');
const vite = join(root, 'static-web', 'node_modules', '.bin', 'vite');
const compareArg = process.argv.find((a) => a.startsWith('--compare='));
const base = compareArg?.slice('--compare='.length);
if (base) {
  // The base commit's crypto module (with its test fake server) goes to .base/, which compare.ts imports.
  const dir = join(here, '.base');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const tar = execFileSync('git', ['archive', base, 'static-web/src/crypto'], { cwd: root, maxBuffer: 64 << 20 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
}
execFileSync(vite, ['build', '--config', join(here, 'vite.config.mjs')], {
  cwd: here,
  stdio: 'inherit',
  env: { ...process.env, ...(base ? { BENCH_PAGE: 'compare.html' } : {}) },
});

const dist = join(here, 'dist');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };
const server = createServer(async (req, res) => {
  const path = normalize(join(dist, new URL(req.url ?? '/', 'http://x').pathname.replace(/\/$/, '/index.html')));
  if (!path.startsWith(dist)) return res.writeHead(403).end();
  try {
    const body = await readFile(path);
    // Cross-origin isolated, so performance.now() has 5 µs resolution instead of 100 µs (a single
    // message's send or receive is a fraction of a millisecond).
    const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream', ...isolation }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/index.html`;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(base ? url.replace('index.html', `compare.html?rounds=${process.env.ROUNDS ?? 5}`) : url);
  await page.waitForFunction(() => window.__benchResult !== undefined, null, { timeout: 600_000 });
  const result = await page.evaluate(() => window.__benchResult);
  if (result.error) throw new Error(result.error);
  const git = (...args) => execFileSync('git', args, { cwd: root }).toString().trim();
  const commit = process.env.BENCH_COMMIT ?? git('rev-parse', '--short', 'HEAD');
  const dirty = !process.env.BENCH_COMMIT && git('status', '--porcelain', '--', 'static-web/src/crypto', 'bench/crypto-web') ? ' (+ local changes)' : '';
  const f = (n) => n.toFixed(3);
  console.log(`machine: ${cpus().length} logical CPUs, ${cpus()[0]?.model ?? 'unknown CPU'}; ${result.userAgent}`);
  console.log(`timer:   performance.now() ${result.crossOriginIsolated ? 'cross-origin isolated (5 µs resolution)' : 'not isolated (100 µs resolution, averaged over passes)'}`);
  console.log(`commit:  ${commit}${dirty}; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  if (base) {
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(`before: ${base}; after: the working tree; ${result.rounds} alternating rounds, median (min-max)`);
    for (const metric of Object.keys(result.samples.after)) {
      const cell = (impl) => {
        const xs = (result.samples[impl][metric] ?? []).filter((x) => !Number.isNaN(x));
        if (xs.length === 0) return 'n/a';
        const d = metric.includes('catch-up') ? 1 : 3;
        return `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}-${Math.max(...xs).toFixed(d)})`;
      };
      const unit = metric.includes('catch-up') ? ' [ms total]' : ' [ms]';
      if (metric.startsWith('floor') || metric.startsWith('for comparison')) console.log(`  ${metric}${unit}: ${cell('after')}`);
      else console.log(`  ${metric}${unit}: before ${cell('before')}, after ${cell('after')}`);
    }
  } else {
    console.log(`baseline: one crypto.subtle.digest of 32 bytes awaited in sequence: ${f(result.subtleBaseline.perCallMs)} ms per call`);
    const p = result.primitives;
    console.log(`per step (ms): KDF_CK ${f(p.kdfChain)}, KEYS ${f(p.messageKeys)}, AES-GCM seal 200 B ${f(p.aesSeal200)}, Ed25519 sign ${f(p.ed25519Sign)}, Ed25519 verify ${f(p.ed25519Verify)} (chain signatures); ECDSA P-256 sign ${f(p.ecdsaSign)}, verify ${f(p.ecdsaVerify)} (device keys; chains before CHAIN_VERSION 0x04)`);
    const rt = (label, r) =>
      console.log(
        `${label} (${r.rounds.length} passes of ${r.count}, the median pass): encrypt+sign ${f(r.encryptSignMs)} ms, verify+decrypt ${f(r.verifyDecryptMs)} ms, round trip ${f(r.roundTripMs)} ms (passes: ${r.rounds.map(f).join(', ')})`,
      );
    console.log('group message 200 B, round trip [target <= 0.3 ms]:');
    rt('  single message (a 5 ms pause before each send and each receive), module', result.moduleRoundTripSingle);
    rt('  single message (a 5 ms pause before each send and each receive), E2ee API', result.apiRoundTripSingle);
    rt('  burst (back to back, per message), module', result.moduleRoundTrip);
    rt('  burst (back to back, per message), E2ee API', result.apiRoundTrip);
    console.log('  (E2ee API: adds JSON, base64, the in-memory store, the member/device checks of every send, and a chain rotation with a pairwise distribution every 100 messages)');
    const c = result.moduleCatchUp1000;
    const opt = (n) => (Number.isNaN(n) ? 'n/a' : `${n.toFixed(1)} ms`);
    console.log(`catch-up of 1,000 messages, module [target <= 200]: ${c.sequentialMs.toFixed(1)} ms one by one, ${c.pipelinedMs.toFixed(1)} ms pipelined, ${opt(c.batchMs)} groupDecryptBatch`);
    const ac = result.apiCatchUp1000;
    console.log(
      `catch-up of 1,000 messages, E2ee API [target <= 200]: ${ac.sequentialMs.toFixed(1)} ms decryptMessage one by one, ${ac.concurrentMs.toFixed(1)} ms concurrent calls, ${opt(ac.batchMs)} one decryptMessages call, ${opt(ac.pagedMs)} decryptMessages in pages of 50 one after another  (${ac.note})`,
    );
    const s = result.sessionSetup;
    console.log(`pairwise session setup (${s.count}): ${f(s.perSetupMs)} ms each  (${s.note})`);
  }
} finally {
  await browser.close();
  server.close();
}
