// Regenerates tests/vectors/*.json. Guarded by an explicit flag: the files are shared with the C#
// client's tests, so a regeneration (new signatures, maybe new bytes) must be deliberate.
import { spawnSync } from 'node:child_process';

if (!process.argv.includes('--overwrite')) {
  console.error('usage: npm run vectors -- --overwrite   (rewrites ../tests/vectors/*.json)');
  process.exit(2);
}
const run = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.vectors.config.ts'], {
  stdio: 'inherit',
  env: { ...process.env, D3CHAT_VECTORS_OVERWRITE: '1' },
});
process.exit(run.status ?? 1);
