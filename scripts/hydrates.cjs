// Opens pages of a running portal in Chromium and checks that each one hydrates (the body gets
// data-hydrated="true" only when hydration succeeded) without console errors. Used by
// scripts/bench.sh on the release build: usage `node scripts/hydrates.cjs BASE_URL PATH...`.
const path = require('path');
const { chromium } = require(path.join(__dirname, '..', 'end2end', 'node_modules', 'playwright-core'));

(async () => {
  const [base, ...paths] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
  });
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text().slice(0, 200)); });
  let failed = 0;
  for (const p of paths) {
    await page.goto(base + p);
    const live = await page
      .waitForSelector('body[data-hydrated="true"]', { timeout: 15000 })
      .then(() => true, () => false);
    if (!live) failed++;
    console.log(`${p}: ${live ? 'hydrated' : 'NOT hydrated'}`);
  }
  await browser.close();
  if (errors.length) console.log('console errors:\n' + errors.join('\n'));
  process.exit(failed || errors.length ? 1 : 0);
})();
