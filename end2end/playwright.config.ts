import { defineConfig } from '@playwright/test';

// The portal under test: the debug build, a fresh data folder with demo data, on port 3100
// (so a portal running on 3000 for development does not interfere).
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// Set once in the main process so the workers (which read the SMS outbox) see the same folder.
process.env.E2E_DATA_DIR ??= `/tmp/portal-e2e-${process.pid}`;
const dataDir = process.env.E2E_DATA_DIR;

const chromium = {
  browserName: 'chromium' as const,
  locale: 'nl-BE',
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  },
};

export default defineConfig({
  testDir: './tests',
  // The longest journeys (registration, then security settings) take ~20 s with JavaScript.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: { baseURL, trace: 'off' },
  // Every journey runs twice: with JavaScript (the islands live) and as plain HTML forms and links.
  projects: [
    { name: 'js', use: { ...chromium, javaScriptEnabled: true } },
    { name: 'no-js', use: { ...chromium, javaScriptEnabled: false } },
  ],
  webServer: {
    command: `rm -rf ${dataDir} && ../target/debug/server`,
    url: `${baseURL}/readyz`,
    timeout: 60_000,
    reuseExistingServer: false,
    // The server's warnings and errors (PORTAL_LOG=warn) appear in the test output.
    stdout: 'pipe',
    stderr: 'pipe',
    cwd: '.',
    env: {
      PORTAL_BIND: `127.0.0.1:${port}`,
      PORTAL_DATA_DIR: dataDir,
      PORTAL_DEMO: 'true',
      PORTAL_SECURE_COOKIES: 'false',
      LEPTOS_SITE_ROOT: '../target/site',
      PORTAL_LOG: 'warn',
      // All journeys come from 127.0.0.1; the per-IP limit is tested in the integration tests.
      PORTAL_AUTH_RATE_PER_MINUTE: '10000',
    },
  },
});
