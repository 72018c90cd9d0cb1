import { expect, Page, test } from '@playwright/test';
import { expectAccessible, open, withJs } from './helpers';
import { registerCustomer, staffSignIn } from './journeys';

// The phone layout (issue 13): at 360 px the header is one row (logo and a menu button), the
// menu opens with and without JavaScript and holds the language choice, no page scrolls
// sideways, tables read as stacked lists, and printing leaves the navigation out.

const PHONE = { width: 360, height: 740 };

/** The page is no wider than the phone: nothing scrolls sideways. */
async function fitsPhone(page: Page, path: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  // Which elements stick out, for the failure message.
  const wide = overflow > 0 ? await page.evaluate(() => [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .slice(-3)
    .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}" id="${e.id}"> ${(e.textContent ?? '').trim().slice(0, 40)}`)) : [];
  expect(overflow, `${path} scrolls sideways by ${overflow} px: ${wide.join(' | ')}`).toBeLessThanOrEqual(0);
}

/** The header is one row: the logo and the menu button side by side, the navigation hidden. */
async function headerIsOneRow(page: Page) {
  const header = page.locator('header.site-header');
  const box = await header.boundingBox();
  expect(box!.height).toBeLessThan(80);
  await expect(page.locator('header nav.main-nav')).toBeHidden();
  await expect(page.locator('summary', { hasText: 'Menu' })).toBeVisible();
}

const VISITOR_PAGES = ['/', '/login', '/register', '/login/forgot', '/terms', '/privacy', '/cookies', '/cic/login'];

test('visitor pages: one-row header, a menu that opens and navigates, no sideways scrolling', async ({ page }, info) => {
  await page.setViewportSize(PHONE);
  for (const path of VISITOR_PAGES) {
    await open(page, path, info);
    await headerIsOneRow(page);
    await fitsPhone(page, path);
  }
  await open(page, '/', info);
  await page.locator('summary', { hasText: 'Menu' }).click();
  const nav = page.getByRole('navigation', { name: 'Hoofdmenu' });
  await expect(nav).toBeVisible();
  await expectAccessible(page, info);
  // The language choice is inside the menu.
  await page.getByRole('navigation', { name: 'Taal' }).getByRole('link', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.locator('summary', { hasText: 'Menu' }).click();
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  // The page that the menu opened is shown with the menu closed again.
  await expect(page.getByRole('navigation', { name: 'Main menu' })).toBeHidden();
});

test('on a wide screen the navigation is in the header row, without a menu button', async ({ page }, info) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page, '/', info);
  await expect(page.getByRole('navigation', { name: 'Hoofdmenu' })).toBeVisible();
  await expect(page.locator('summary', { hasText: 'Menu' })).toBeHidden();
  const box = await page.locator('header.site-header').boundingBox();
  expect(box!.height).toBeLessThan(90);
});

test('printing leaves the navigation, the menu and the footer links out', async ({ page }, info) => {
  await open(page, '/terms', info);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('header .menu')).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'Juridische informatie' })).toBeHidden();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});

test('every customer and staff page fits a 360 px phone; tables become stacked lists', async ({ page, browser }, info) => {
  // The admin's authenticator code is single use and other journeys sign the admin in too:
  // the sign-in may wait for up to three new 30-second codes (see staffSignIn).
  test.setTimeout(180_000);
  // Each project has its own demo customer with one running lease.
  const c = withJs(info)
    ? { customer: '100020', mobile: '+32470000120', contract: 'LC-2025-0030' }
    : { customer: '100021', mobile: '+32470000121', contract: 'LC-2025-0031' };
  await page.setViewportSize(PHONE);
  await registerCustomer(page, info, c.customer, c.mobile, c.contract, `telefoon-${info.project.name}@example.be`);
  if (withJs(info)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 60_000 });
  await headerIsOneRow(page);
  // The menu opens (with and without JavaScript) and leads to the pages.
  await page.locator('summary', { hasText: 'Menu' }).click();
  await page.locator('header nav.main-nav a[href="/invoices"]').click();
  await expect(page).toHaveURL(/\/invoices$/);
  await expect(page.locator('header nav.main-nav')).toBeHidden();
  // An invoice row reads as a list: each value with its column's name beside it.
  const firstRow = page.locator('table.table tbody tr').first();
  await expect(firstRow.locator('td').first()).toHaveAttribute('data-label', /\S/);
  const cells = await firstRow.locator('td').evaluateAll((tds) => tds.map((td) => getComputedStyle(td).display));
  expect(cells.every((d) => d !== 'table-cell')).toBe(true);
  await expectAccessible(page, info);
  const invoice = await firstRow.locator('a').first().textContent();
  const customerPages = [
    '/dashboard', `/contracts/${c.contract}`, `/contracts/${c.contract}/plate`, `/contracts/${c.contract}/allowance`,
    '/invoices', `/invoices/${invoice!.trim()}`, '/documents', '/requests', '/messages', '/messages/new',
    '/profile/contact', '/profile/security',
  ];
  for (const path of customerPages) {
    await open(page, path, info);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await headerIsOneRow(page);
    await fitsPhone(page, path);
  }

  const context = await browser.newContext({ javaScriptEnabled: withJs(info), locale: 'nl-BE', viewport: PHONE });
  const staff = await context.newPage();
  await staff.goto('/cic/login');
  await staffSignIn(staff, 'admin@lumenlease.example', 'demo-admin-password', 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU');
  const staffPages = [
    '/cic', '/cic/queue', '/cic/inbox', '/cic/customers', '/cic/customers?q=peeters', '/cic/customers/100001',
    '/cic/audit', '/cic/staff', '/cic/replies',
  ];
  for (const path of staffPages) {
    await open(staff, path, info);
    await expect(staff.getByRole('heading', { level: 1 })).toBeVisible();
    await headerIsOneRow(staff);
    await fitsPhone(staff, path);
  }
  await context.close();
});
