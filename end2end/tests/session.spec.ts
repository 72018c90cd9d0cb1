import { expect, test } from '@playwright/test';
import { expectAccessible, withJs } from './helpers';
import { registerCustomer } from './journeys';

test('a signed-in customer is warned before the idle timeout and can stay signed in', async ({ page }, info) => {
  test.skip(!withJs(info), 'the warning needs JavaScript; the server-side idle timeout is tested over HTTP');
  await page.clock.install();
  await registerCustomer(page, info, '100009', '+32470000109', 'FC-2025-0015', 'idle@example.be');
  const nav = page.getByRole('navigation', { name: 'Hoofdmenu' });
  await expect(nav.getByRole('link', { name: 'Mijn contracten' })).toBeVisible();
  await expect(nav.getByRole('button', { name: 'Afmelden' })).toBeVisible();
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  // The warning's timer starts once the page is live.
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 60_000 });
  await page.clock.fastForward('13:50');
  const dialog = page.getByRole('alertdialog', { name: 'Bent u er nog?' });
  await expect(dialog).toBeVisible();
  await expectAccessible(page, info);
  // The page asks the server to keep the session, which says it did.
  const kept = page.waitForResponse('**/api/auth/keep-alive');
  await dialog.getByRole('button', { name: 'Aangemeld blijven' }).click();
  expect(await (await kept).text()).toBe('true');
  await expect(dialog).toHaveCount(0);
  await expect(page).toHaveURL(/\/dashboard$/);
});
