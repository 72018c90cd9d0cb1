import { Browser, expect, Page, test, TestInfo } from '@playwright/test';
import { expectAccessible, open, withJs } from './helpers';
import { lastMailTo, PASSWORD, registerCustomer, staffSignIn, totp } from './journeys';

const ADMIN = ['admin@lumenlease.example', 'demo-admin-password', 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU'] as const;

async function hydrated(page: Page, info: TestInfo) {
  if (withJs(info)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 60_000 });
}

/** A second browser (its own cookies) with the project's JavaScript setting. */
async function browserFor(browser: Browser, info: TestInfo): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: withJs(info), locale: 'nl-BE' });
  return context.newPage();
}

async function customerSignIn(page: Page, info: TestInfo, email: string) {
  await open(page, '/login', info);
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord').fill(PASSWORD);
  await page.getByRole('main').getByRole('button', { name: 'Aanmelden' }).click();
}

test('an admin suspends and reinstates a customer, sends a reset link, finds it in the audit trail and invites a colleague who enrols', async ({ page, browser }, info) => {
  // Staff sign-ins may wait for a fresh authenticator window (the journeys share the accounts).
  test.setTimeout(240_000);
  const c = withJs(info)
    ? { customer: '100016', mobile: '+32470000116', contract: 'LC-2025-0026', name: 'Hanne Wouters' }
    : { customer: '100017', mobile: '+32470000117', contract: 'LC-2025-0027', name: 'Julien Leroy' };
  const email = `opgeschort-${info.project.name}@example.be`;
  await registerCustomer(page, info, c.customer, c.mobile, c.contract, email);

  // The admin opens the customer and suspends the access with a reason.
  const admin = await browserFor(browser, info);
  await open(admin, '/cic/login', info);
  await staffSignIn(admin, ...ADMIN);
  await admin.goto(`/cic/customers/${c.customer}`);
  await hydrated(admin, info);
  await expect(admin.getByRole('heading', { level: 1 })).toHaveText(`${c.name} (${c.customer})`);
  await admin.getByLabel('Reden').selectOption({ label: 'Misbruik van het portaal' });
  await admin.getByLabel('Toelichting (intern)').fill('Geautomatiseerde aanvragen');
  await admin.getByRole('button', { name: 'Toegang opschorten' }).click();
  await expect(admin.getByText('De toegang is opgeschort')).toBeVisible();
  await expectAccessible(admin, info);

  // The customer is signed out at once and told why at the next sign-in.
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/login/);
  await customerSignIn(page, info, email);
  await expect(page.getByText('Uw toegang tot het portaal is opgeschort')).toBeVisible();

  // Reinstated: the customer signs in again.
  await admin.getByRole('button', { name: 'Toegang herstellen' }).click();
  await expect(admin.getByText('De toegang is hersteld')).toBeVisible();
  await customerSignIn(page, info, email);
  await expect(page).toHaveURL(/\/dashboard$/);

  // A password-reset link goes to the customer; the admin never sees a password.
  await hydrated(admin, info);
  await admin.getByRole('button', { name: 'Link voor nieuw wachtwoord versturen' }).click();
  await expect(admin.getByText('De link is verstuurd')).toBeVisible();
  await expect.poll(async () => (await lastMailTo(email)).includes('/login/reset?token=')).toBe(true);

  // The audit trail, filtered on the customer and the action, shows the suspension.
  await admin.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Audittrail' }).click();
  await expect(admin.getByRole('heading', { level: 1 })).toHaveText('Audittrail');
  await hydrated(admin, info);
  await admin.getByLabel('Klantnummer').fill(c.customer);
  await admin.getByLabel('Handeling').selectOption({ label: 'Toegang geschorst' });
  await admin.getByRole('button', { name: 'Tonen' }).click();
  await expect(admin).toHaveURL(new RegExp(`customer=${c.customer}`));
  const rows = admin.getByRole('row').filter({ hasText: 'Toegang geschorst' });
  await expect(rows).toHaveCount(1);
  await expect(rows.getByRole('link', { name: c.customer })).toBeVisible();
  await expect(admin.getByRole('link', { name: 'Download als CSV' })).toBeVisible();
  await expectAccessible(admin, info);
  // The admin's own openings of the customer view are there too.
  await admin.getByLabel('Handeling').selectOption({ label: 'Klant geopend' });
  await admin.getByRole('button', { name: 'Tonen' }).click();
  await expect(admin).toHaveURL(/action=view_customer/);
  const views = admin.getByRole('row').filter({ hasText: 'Klant geopend' });
  await expect(views.first()).toContainText('Alex Admin');
  await expect(admin.getByRole('row').filter({ hasText: 'Toegang geschorst' })).toHaveCount(0);
  // A date that does not exist is refused next to its field.
  await admin.getByLabel('Vanaf (datum)').fill('2026-02-28');
  await admin.getByLabel('Tot en met (datum)').fill('2026-02-01');
  await admin.getByRole('button', { name: 'Tonen' }).click();
  await expect(admin.getByText('De einddatum ligt voor de begindatum.')).toBeVisible();
  await expectAccessible(admin, info);

  // Staff administration: a name is required; then the colleague is invited.
  await admin.goto('/cic');
  await admin.getByRole('link', { name: 'Medewerkers beheren' }).click();
  await expect(admin.getByRole('heading', { level: 1 })).toHaveText('Medewerkers');
  await hydrated(admin, info);
  await expectAccessible(admin, info);
  const colleague = `eva-${info.project.name}@lumenlease.example`;
  await admin.getByLabel('Naam', { exact: true }).fill('   ');
  await admin.getByLabel('E-mailadres').fill(colleague);
  await admin.getByRole('button', { name: 'Uitnodiging versturen' }).click();
  await expect(admin.getByText('Vul een naam in').first()).toBeVisible();
  await expect(admin.getByLabel('E-mailadres')).toHaveValue(colleague);
  await admin.getByLabel('Naam', { exact: true }).fill(`Eva ${info.project.name}`);
  await admin.getByRole('button', { name: 'Uitnodiging versturen' }).click();
  await expect(admin.getByText('De uitnodiging is verstuurd.')).toBeVisible();
  await expect(admin.getByRole('row', { name: new RegExp(`Eva ${info.project.name}`) })).toContainText('Uitgenodigd');

  // The colleague opens the link, chooses a password, enrols the authenticator and signs in.
  const link = (await lastMailTo(colleague)).match(/\/cic\/setup\?token=[0-9a-f]{64}/)![0];
  const eva = await browserFor(browser, info);
  await open(eva, link, info);
  await expect(eva.getByRole('heading', { level: 1 })).toHaveText('Uw CIC-account instellen');
  await expectAccessible(eva, info);
  const key = (await eva.locator('code.totp-key').textContent())!.trim();
  const evaPassword = 'een heel ander lang wachtwoord';
  await eva.getByLabel('Nieuw wachtwoord').fill(evaPassword);
  await eva.getByLabel('Wachtwoord bevestigen').fill(evaPassword);
  await eva.getByLabel('Code uit uw authenticator-app').fill(totp(key));
  await eva.getByRole('button', { name: 'Account instellen' }).click();
  await expect(eva).toHaveURL(/\/cic\/login$/);
  await expect(eva.getByText('Uw account is ingesteld')).toBeVisible();
  await hydrated(eva, info);
  await staffSignIn(eva, colleague, evaPassword, key);
  await expect(eva.getByRole('heading', { level: 1 })).toHaveText('Klantendienst');
});
