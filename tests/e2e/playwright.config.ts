import { defineConfig } from '@playwright/test';

// One real LocalHost for the whole run (support/global-setup.ts); the specs share it, one worker
// at a time, because CI has two cores and the server needs one of them.
export default defineConfig({
  testDir: './specs',
  globalSetup: './support/global-setup.ts',
  globalTeardown: './support/global-teardown.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: process.env.D3CHAT_E2E_BASE_URL,
    launchOptions: { executablePath: '/usr/bin/chromium' },
    headless: true,
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
