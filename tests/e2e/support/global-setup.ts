import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { parseNpgsql, requiredEnv, toNpgsql } from './env';
import { e2eDir, markersFile, repoRoot, stateFile } from './paths';
import type { ServerState } from './server-state';

// Starts a real LocalHost the way tests/D3Chat.Integration.Tests/Infrastructure/D3ChatServer.cs does:
// its own PostgreSQL database, a random Redis database, random queue names, a free port, a
// bootstrapped superadmin and the SignalR emulator. Nothing of the server is mocked.

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** npm ci only when the lockfile changed (the same stamp scripts/lib.sh uses), then the production build. */
function buildStaticWeb(): void {
  const dir = path.join(repoRoot, 'static-web');
  const lock = readFileSync(path.join(dir, 'package-lock.json'));
  const sum = createHash('sha256').update(lock).digest('hex');
  const stamp = path.join(dir, 'node_modules', '.d3chat-lock.sha256');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== sum) {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
    writeFileSync(stamp, `${sum}\n`);
  }
  execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: 'inherit' });
}

async function waitHealthy(baseUrl: string, pid: number, logFile: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      throw new Error(`The LocalHost exited during startup:\n${readFileSync(logFile, 'utf8').slice(-4000)}`);
    }
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The LocalHost did not become healthy within 90 s:\n${readFileSync(logFile, 'utf8').slice(-4000)}`);
}

export default async function globalSetup(): Promise<void> {
  const postgres = parseNpgsql(requiredEnv('D3CHAT_TEST_POSTGRES'));
  const redis = requiredEnv('D3CHAT_TEST_REDIS');
  const storage = requiredEnv('D3CHAT_TEST_STORAGE');
  const dll = path.join(repoRoot, 'src', 'D3Chat.LocalHost', 'bin', 'Release', 'net10.0', 'D3Chat.LocalHost.dll');
  if (!existsSync(dll)) throw new Error(`${dll} does not exist; build the solution in Release first (scripts/test does)`);

  buildStaticWeb();

  const runId = randomUUID().replaceAll('-', '').slice(0, 12);
  const database = `d3chat_e2e_${runId}`;
  const admin = new pg.Client({ ...postgres, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const redisDb = 1 + Math.floor(Math.random() * 15);
  const adminPassword = `pw-${randomBytes(12).toString('hex')}`;
  const queues = [`fanout-${runId}`, `federation-${runId}`];
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ASPNETCORE_URLS: baseUrl,
    LocalHost__RepoRoot: repoRoot,
    Postgres__ConnectionString: toNpgsql({ ...postgres, database }),
    Redis__ConnectionString: `${redis},defaultDatabase=${redisDb}`,
    AzureWebJobsStorage: storage,
    FanoutQueueName: queues[0] ?? '',
    FederationQueueName: queues[1] ?? '',
    OutboxSweepSchedule: '*/2 * * * * *',
    RetentionSchedule: '0 * * * * *',
    Server__Domain: `e2e-${runId}.localhost`,
    Server__ApiBaseUrl: baseUrl,
    RateLimit__PerMinute: '1000000',
    Bootstrap__AdminUsername: 'root_admin',
    Bootstrap__AdminPassword: adminPassword,
    SignalR__ConnectionString: `Endpoint=http://127.0.0.1:7071;AccessKey=${randomBytes(32).toString('base64')};Version=1.0;`,
  };
  const runDir = path.join(e2eDir, '.run');
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const logFile = path.join(runDir, 'localhost.log');
  const out = openSync(logFile, 'a');
  const child = spawn('dotnet', [dll], { cwd: path.dirname(dll), env, stdio: ['ignore', out, out], detached: false });
  if (child.pid === undefined) throw new Error('Could not start the LocalHost');
  child.unref();

  const state: ServerState = {
    baseUrl,
    pid: child.pid,
    database,
    redisDb,
    adminUsername: 'root_admin',
    adminPassword,
    startedAt: new Date().toISOString(),
    queues,
  };
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
  writeFileSync(markersFile, '');
  await waitHealthy(baseUrl, child.pid, logFile);
  process.env.D3CHAT_E2E_BASE_URL = baseUrl;
}
