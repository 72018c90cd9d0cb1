// Opens pages of a running portal in Chromium and checks that each one hydrates (the body gets
// data-hydrated="true" only when hydration succeeded) without console errors, and reports what
// each page loads from /pkg/ (the main wasm and JS plus the page's lazily loaded chunks),
// compressed with gzip -9. Each page opens in a fresh browser context (an empty cache).
// Used by scripts/bench.sh on the release build: `node scripts/hydrates.cjs BASE_URL PATH...`.
const path = require('path');
const zlib = require('zlib');
const { chromium } = require(path.join(__dirname, '..', 'end2end', 'node_modules', 'playwright-core'));

(async () => {
  const [base, ...paths] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
  });
  const errors = [];
  let failed = 0;
  for (const p of paths) {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`${p}: ${m.text().slice(0, 200)}`); });
    const sizes = [];
    page.on('response', (r) => {
      const url = new URL(r.url());
      if (!url.pathname.startsWith('/pkg/') || !/\.(wasm|js)$/.test(url.pathname)) return;
      sizes.push(r.body().then((body) => zlib.gzipSync(body, { level: 9 }).length, () => 0));
    });
    await page.goto(base + p);
    const live = await page
      .waitForSelector('body[data-hydrated="true"]', { timeout: 15000 })
      .then(() => true, () => false);
    if (!live) failed++;
    await page.waitForLoadState('networkidle');
    const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    console.log(`${p}: ${live ? 'hydrated' : 'NOT hydrated'}; loads ${Math.round(bytes / 1024)} KB of wasm + JS (gzip -9, ${sizes.length} files)`);
    await context.close();
  }
  await browser.close();
  if (errors.length) console.log('console errors:\n' + errors.join('\n'));
  process.exit(failed || errors.length ? 1 : 0);
})();
