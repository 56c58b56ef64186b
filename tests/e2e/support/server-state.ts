import { readFileSync } from 'node:fs';
import { stateFile } from './paths';

/** What global setup started, for the specs and the teardown. */
export interface ServerState {
  baseUrl: string;
  pid: number;
  database: string;
  redisDb: number;
  adminUsername: string;
  adminPassword: string;
  startedAt: string;
  queues: string[];
}

export function readServerState(): ServerState {
  return JSON.parse(readFileSync(stateFile, 'utf8')) as ServerState;
}
