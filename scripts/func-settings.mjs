#!/usr/bin/env node
// Writes functions/{api,federation,fanout}/local.settings.json for Azure Functions Core Tools
// (`func start` in each folder), from the repository's local.settings.sample.json (or
// local.settings.json if present). Each app gets its own port, because every func host listens
// on 7071 by default:
//   api 7071   federation 7072   fanout 7073
// Realtime: the sample points SignalR at the LocalHost's emulator, which does not run under func,
// so SignalR__ConnectionString is emptied (negotiate answers 503, fanout skips delivery) unless
// D3CHAT_SIGNALR is set to a real Azure SignalR connection string, e.g.
//   Endpoint=https://<name>.service.signalr.net;AuthType=azure.msi;Version=1.0;   (uses `az login`)
// Usage: node scripts/func-settings.mjs      (overwrites the three files; they are git-ignored)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = existsSync(join(root, 'local.settings.json')) ? 'local.settings.json' : 'local.settings.sample.json';
const sample = JSON.parse(readFileSync(join(root, source), 'utf8'));
const ports = { api: 7071, federation: 7072, fanout: 7073 };

for (const [app, port] of Object.entries(ports)) {
  const values = { ...sample.Values, SignalR__ConnectionString: process.env.D3CHAT_SIGNALR ?? '' };
  const settings = { IsEncrypted: false, Values: values, Host: { LocalHttpPort: port } };
  writeFileSync(join(root, 'functions', app, 'local.settings.json'), JSON.stringify(settings, null, 2) + '\n');
  console.log(`functions/${app}/local.settings.json  (port ${port}, from ${source})`);
}
