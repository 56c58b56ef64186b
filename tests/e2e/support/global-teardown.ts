import pg from 'pg';
import { parseNpgsql, requiredEnv } from './env';
import { readServerState } from './server-state';

export default async function globalTeardown(): Promise<void> {
  const state = readServerState();
  try {
    process.kill(state.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  const admin = new pg.Client({ ...parseNpgsql(requiredEnv('D3CHAT_TEST_POSTGRES')), database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${state.database} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
