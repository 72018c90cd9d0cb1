import { expect, Page, test, TestInfo } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { expectAccessible, open, withJs } from './helpers';

const PASSWORD = 'een lange zin als wachtwoord';

/** The newest 6-digit code sent by SMS to `to` (read from the dev outbox). */
async function codeFor(to: string): Promise<string> {
  const file = path.join(process.env.E2E_DATA_DIR!, 'outbox', 'sms.jsonl');
  for (let i = 0; i < 50; i++) {
    if (fs.existsSync(file)) {
      const mine = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((m) => m.to === to);
      const match = mine.length ? mine[mine.length - 1].body.match(/\b\d{6}\b/) : null;
      if (match) return match[0];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no code for ${to}`);
}

async function smsCount(to: string): Promise<number> {
  const file = path.join(process.env.E2E_DATA_DIR!, 'outbox', 'sms.jsonl');
  if (!fs.existsSync(file)) return 0;
  return fs.readFileSync(file, 'utf8').trim().split('\n').filter((l) => l && JSON.parse(l).to === to).length;
}

async function enterCode(page: Page, to: string, count: number) {
  await expect.poll(() => smsCount(to)).toBe(count);
  await page.getByLabel('Authenticatiecode', { exact: true }).fill(await codeFor(to));
  await page.getByRole('button', { name: 'Bevestigen' }).click();
}

/** Walks steps 1–5 for a demo customer; ends on the terms step. */
async function upToTerms(page: Page, info: TestInfo, customer: string, mobile: string, contract: string, email: string) {
  await open(page, '/register', info);
  await expect(page.getByText('Stap 1 van 6')).toBeVisible();
  await expectAccessible(page, info);
  await page.getByLabel('Klantnummer').fill(customer);
  await page.getByRole('button', { name: 'Authenticatiecode aanvragen' }).click();
  await expect(page.getByText('Stap 2 van 6')).toBeVisible();
  await expectAccessible(page, info);
  await enterCode(page, mobile, 1);
  await expect(page.getByText('Stap 3 van 6')).toBeVisible();
  await expectAccessible(page, info);
  await page.getByLabel('Voornaam').fill('Test');
  await page.getByLabel('Achternaam').fill('Klant');
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Wachtwoord bevestigen').fill(PASSWORD);
  await page.getByRole('button', { name: 'Volgende' }).click();
  await expect(page.getByText('Stap 4 van 6')).toBeVisible();
  await expectAccessible(page, info);
  await page.getByLabel('Contractnummer').fill(contract);
  await page.getByRole('button', { name: 'Authenticatiecode aanvragen' }).click();
  await expect(page.getByText('Stap 5 van 6')).toBeVisible();
  await enterCode(page, mobile, 2);
  await expect(page.getByText('Stap 6 van 6')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Gebruiksvoorwaarden' })).toBeVisible();
  await expectAccessible(page, info);
}

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
  for (let i = 0; i < 5; i++) {
    await page.getByLabel('Authenticatiecode', { exact: true }).fill('000000');
    await page.getByRole('button', { name: 'Bevestigen' }).click();
    await expect(page.getByRole('alert')).toContainText('Deze code klopt niet');
  }
  await page.getByLabel('Authenticatiecode', { exact: true }).fill('000000');
  await page.getByRole('button', { name: 'Bevestigen' }).click();
  await expect(page.getByRole('alert')).toContainText('niet meer geldig');
  await expect(page.getByLabel('Authenticatiecode', { exact: true })).toHaveAttribute('aria-invalid', 'true');
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
