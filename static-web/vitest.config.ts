import { defineConfig } from 'vitest/config';

// Unit tests only; Playwright specs live in tests/e2e and must not be picked up here.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
