import { BlobServiceClient } from '@azure/storage-blob';
import { Redis } from 'ioredis';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { parseNpgsql, requiredEnv } from '../support/env';
import { expect, server, test } from '../support/fixtures';
import { e2eDir, markersFile } from '../support/paths';

// Issue 11 item 5: after the browser scenarios, nothing the people typed or attached is anywhere
// on the server side in clear: not in PostgreSQL, not in Redis, not in any blob, not in the log.

/** The marker as raw text, hex (bytea), and base64 at every alignment (standard and URL-safe). */
function needles(marker: string): string[] {
  const bytes = Buffer.from(marker, 'utf8');
  const out = [marker, bytes.toString('hex')];
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const core = b64.slice(k === 0 ? 0 : 4, b64.length - 4);
    out.push(core, core.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return out;
}

function findLeaks(where: string, haystack: string, markers: string[], leaks: string[]): void {
  for (const m of markers) for (const n of needles(m)) if (haystack.includes(n)) leaks.push(`${m} in ${where}`);
}

test('no plaintext marker appears in PostgreSQL, Redis, Blob storage or the server log', async () => {
  const markers = readFileSync(markersFile, 'utf8').split('\n').filter((m) => m !== '');
  expect(markers.length).toBeGreaterThan(5);
  const leaks: string[] = [];

  // PostgreSQL: every row of every table, as JSON (bytea shows as hex, which the needles cover).
  const db = new pg.Client({ ...parseNpgsql(requiredEnv('D3CHAT_TEST_POSTGRES')), database: server.database });
  await db.connect();
  try {
    const tables = await db.query<{ schema: string; name: string }>(
      "SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')",
    );
    expect(tables.rows.length).toBeGreaterThan(5);
    for (const t of tables.rows) {
      const rows = await db.query<{ j: string }>(`SELECT row_to_json(t)::text AS j FROM "${t.schema}"."${t.name}" t`);
      findLeaks(`table ${t.name}`, rows.rows.map((r) => r.j).join('\n'), markers, leaks);
    }
    // The scan is not vacuous: the scenarios stored messages, all of them protocol v3 ciphertext.
    const stored = await db.query<{ total: string; v3: string }>('SELECT count(*) AS total, count(*) FILTER (WHERE protocol_version = 3) AS v3 FROM messages');
    expect(Number(stored.rows[0]?.total)).toBeGreaterThan(0);
    expect(stored.rows[0]?.v3).toBe(stored.rows[0]?.total);
    const blobs = await db.query<{ n: string }>('SELECT count(*) AS n FROM attachments');
    expect(Number(blobs.rows[0]?.n)).toBeGreaterThan(0);
  } finally {
    await db.end();
  }

  // Redis: every key of the run's database with its value, whatever the type.
  const [host, port] = requiredEnv('D3CHAT_TEST_REDIS').split(',')[0]?.split(':') ?? [];
  const redis = new Redis({ host: host ?? '127.0.0.1', port: Number(port ?? '6379'), db: server.redisDb, lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    let keys = 0;
    do {
      const [next, batch] = await redis.scan(cursor, 'COUNT', 500);
      cursor = next;
      for (const key of batch) {
        keys++;
        const type = await redis.type(key);
        let parts: Buffer[] = [];
        if (type === 'string') parts = [(await redis.getBuffer(key)) ?? Buffer.alloc(0)];
        else if (type === 'hash') parts = Object.entries(await redis.hgetallBuffer(key)).flatMap(([k, v]) => [Buffer.from(k), v]);
        else if (type === 'list') parts = await redis.lrangeBuffer(key, 0, -1);
        else if (type === 'set') parts = await redis.smembersBuffer(key);
        else if (type === 'zset') parts = await redis.zrangeBuffer(key, 0, -1);
        else if (type === 'stream') parts = [Buffer.from(JSON.stringify(await redis.xrange(key, '-', '+')))];
        findLeaks(`redis ${key}`, `${key}\n${Buffer.concat(parts).toString('latin1')}`, markers, leaks);
      }
    } while (cursor !== '0');
    expect(keys).toBeGreaterThan(0);
  } finally {
    redis.disconnect();
  }

  // Blob storage: every container; blobs written since the run started (Azurite is shared with other runs).
  const since = Date.parse(server.startedAt) - 5000;
  const blobService = BlobServiceClient.fromConnectionString(requiredEnv('D3CHAT_TEST_STORAGE'));
  let scanned = 0;
  for await (const container of blobService.listContainers({ includeMetadata: true })) {
    const client = blobService.getContainerClient(container.name);
    for await (const blob of client.listBlobsFlat({ includeMetadata: true })) {
      if ((blob.properties.lastModified?.getTime() ?? 0) < since) continue;
      scanned++;
      const body = await client.getBlobClient(blob.name).downloadToBuffer();
      findLeaks(`blob ${container.name}/${blob.name}`, `${blob.name}\n${JSON.stringify(blob.metadata ?? {})}\n${body.toString('latin1')}`, markers, leaks);
    }
  }
  expect(scanned).toBeGreaterThan(0);

  const log = path.join(e2eDir, '.run', 'localhost.log');
  if (existsSync(log)) findLeaks('the LocalHost log', readFileSync(log, 'latin1'), markers, leaks);

  expect(leaks).toEqual([]);
});
