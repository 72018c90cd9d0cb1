import { expect, test } from '@playwright/test';
import { expectAccessible, open, withJs } from './helpers';
import { PASSWORD, upToTerms } from './journeys';

test('a customer registers with two SMS codes, accepts the terms and lands on the dashboard', async ({ page }, info) => {
  const [customer, mobile, contract] = withJs(info) ? ['100001', '+32470000101', 'LC-2023-0001'] : ['100003', '+32470000103', 'LC-2023-0005'];
  const email = `klant-${info.project.name}@example.be`;
  await upToTerms(page, info, customer, mobile, contract, email);
  await page.getByRole('button', { name: 'Aanvaarden' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welkom, Test Klant');
  await expect(page.getByText(contract)).toBeVisible();
  await expectAccessible(page, info);

  // Sign out, then sign in again with the new password.
  await page.getByRole('button', { name: 'Afmelden' }).click();
  await expect(page).toHaveURL(/\/$/);
  if (withJs(info)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 30_000 });
  await open(page, '/dashboard', info);
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord').fill('niet het goede wachtwoord');
  await page.getByRole('button', { name: 'Aanmelden', exact: true }).last().click();
  await expect(page.getByRole('alert')).toContainText('E-mailadres of wachtwoord onjuist');
  await expectAccessible(page, info);
  await page.getByLabel('Wachtwoord').fill(PASSWORD);
  await page.getByRole('main').getByRole('button', { name: 'Aanmelden' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welkom, Test Klant');
});

test('declining the terms says plainly that the portal cannot be used', async ({ page }, info) => {
  const [customer, mobile, contract] = withJs(info) ? ['100006', '+32470000106', 'LC-2025-0011'] : ['100002', '+32470000102', 'FC-2024-0004'];
  await upToTerms(page, info, customer, mobile, contract, `weigeraar-${info.project.name}@example.be`);
  await page.getByRole('button', { name: 'Weigeren' }).click();
  await expect(page.getByRole('alert')).toContainText('kunt u het portaal niet gebruiken');
  await expectAccessible(page, info);
  await open(page, '/dashboard', info);
  await expect(page).toHaveURL(/\/login/);
});

test('five wrong codes make the code void, with the same messages for any number', async ({ page }, info) => {
  await open(page, '/register', info);
  await page.getByLabel('Klantnummer').fill(withJs(info) ? '999001' : '999002');
  await page.getByRole('button', { name: 'Authenticatiecode aanvragen' }).click();
  await expect(page.getByText('Als dit klantnummer bij ons bekend is')).toBeVisible();
  const code = page.getByLabel('Authenticatiecode', { exact: true });
  for (let i = 0; i < 5; i++) {
    await code.fill('000000');
    // The form posts and the server sends the page back with its message: wait for that page, so
    // that the message on screen is this attempt's and the next attempt starts after it.
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/register' && r.request().resourceType() === 'document');
    await page.getByRole('button', { name: 'Bevestigen' }).click();
    await answered;
    await expect(page.getByRole('alert')).toContainText('Deze code klopt niet');
  }
  await code.fill('000000');
  await page.getByRole('button', { name: 'Bevestigen' }).click();
  await expect(page.getByRole('alert')).toContainText('niet meer geldig');
  await expect(code).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, info);
});

test('a bad customer number is explained next to the field and kept', async ({ page }, info) => {
  await open(page, '/register', info);
  await page.getByLabel('Klantnummer').fill('12ab');
  await page.getByRole('button', { name: 'Authenticatiecode aanvragen' }).click();
  await expect(page.getByText('Een klantnummer bestaat uit 6 tot 10 cijfers.').first()).toBeVisible();
  await expect(page.getByLabel('Klantnummer')).toHaveValue('12ab');
  await expectAccessible(page, info);
});
