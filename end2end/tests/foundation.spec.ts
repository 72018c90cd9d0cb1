import { expect, test } from '@playwright/test';
import { expectAccessible, open, withJs } from './helpers';

test('landing page offers log-in and registration, in Dutch by default', async ({ page }, info) => {
  await open(page, '/', info);
  await expect(page).toHaveTitle('Lumen Lease');
  await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/lease- en financieringscontracten/);
  const main = page.getByRole('main');
  await expect(main.getByRole('link', { name: 'Aanmelden' })).toBeVisible();
  await expect(main.getByRole('link', { name: 'Registreren' })).toBeVisible();
  const footer = page.getByRole('contentinfo');
  await expect(footer.getByRole('link', { name: 'klantendienst@lumenlease.example' })).toHaveAttribute('href', 'mailto:klantendienst@lumenlease.example');
  await expect(footer).toContainText('Werkdagen 8:30–18:00');
  await expectAccessible(page, info);
});

test('the language switcher changes the page and is remembered', async ({ page }, info) => {
  await open(page, '/privacy', info);
  await page.getByRole('navigation', { name: 'Taal' }).getByRole('link', { name: 'Français' }).click();
  await expect(page).toHaveURL(/\/privacy$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Politique de confidentialité');
  await open(page, '/', info);
  await expect(page.getByRole('main').getByRole('link', { name: 'Se connecter' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Langue' }).getByRole('link', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('main').getByRole('link', { name: 'Log in' })).toBeVisible();
  await expectAccessible(page, info);
});

test('the app hydrates (with JavaScript) and still works as HTML without it', async ({ page }, info) => {
  await open(page, '/', info);
  if (withJs(info)) {
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    // A link loads the next page from the server, which is live again.
    await page.getByRole('contentinfo').getByRole('link', { name: 'Cookiebeleid' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Cookiebeleid');
    await expect(page).toHaveURL(/\/cookies$/);
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  } else {
    await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
    await page.getByRole('contentinfo').getByRole('link', { name: 'Cookiebeleid' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Cookiebeleid');
  }
});

for (const [path, title] of [
  ['/terms', 'Gebruiksvoorwaarden'],
  ['/privacy', 'Privacybeleid'],
  ['/cookies', 'Cookiebeleid'],
  ['/login', 'Aanmelden'],
  ['/register', 'Registreren'],
]) {
  test(`${path} is readable and accessible`, async ({ page }, info) => {
    await open(page, path, info);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
    await expectAccessible(page, info);
  });
}

test('an unknown address shows a translated 404 page', async ({ page }, info) => {
  const response = await open(page, '/bestaat-niet', info);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pagina niet gevonden');
  await page.getByRole('link', { name: 'Naar de startpagina' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expectAccessible(page, info);
});

test('the page fits a 360 px phone without sideways scrolling', async ({ page }, info) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await open(page, '/', info);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole('main').getByRole('link', { name: 'Registreren' })).toBeVisible();
});
