import { defineConfig } from 'vitest/config';

// Only the vector generator; run through `npm run vectors -- --overwrite`, never by `npm test`.
export default defineConfig({
  test: { include: ['vectors/**/*.vectors.ts'], environment: 'node' },
});
