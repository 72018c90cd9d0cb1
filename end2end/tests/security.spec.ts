import { expect, test } from '@playwright/test';
import { expectAccessible, open, withJs } from './helpers';
import { lastMailTo, PASSWORD, registerCustomer, staffSignIn, totp } from './journeys';

test('a customer manages sessions, changes the password and resets a forgotten one', async ({ page }, info) => {
  const [customer, mobile, contract] = withJs(info) ? ['100004', '+32470000104', 'LC-2024-0008'] : ['100008', '+32470000108', 'LC-2025-0014'];
  const email = `veilig-${info.project.name}@example.be`;
  await registerCustomer(page, info, customer, mobile, contract, email);

  await page.getByRole('link', { name: 'Beveiliging' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Beveiliging');
  await expect(page.getByText('dit toestel')).toBeVisible();
  await expectAccessible(page, info);

  // Change the password: the current one is required.
  const changed = 'mijn nieuwe lange wachtwoord';
  await page.getByLabel('Huidig wachtwoord').fill('niet het huidige');
  await page.getByLabel('Nieuw wachtwoord').fill(changed);
  await page.getByLabel('Wachtwoord bevestigen').fill(changed);
  await page.getByRole('button', { name: 'Wachtwoord wijzigen' }).click();
  await expect(page.getByRole('alert')).toContainText('Uw huidige wachtwoord klopt niet');
  await page.getByLabel('Huidig wachtwoord').fill(PASSWORD);
  await page.getByLabel('Nieuw wachtwoord').fill(changed);
  await page.getByLabel('Wachtwoord bevestigen').fill(changed);
  await page.getByRole('button', { name: 'Wachtwoord wijzigen' }).click();
  await expect(page.getByRole('status')).toContainText('Uw wachtwoord is gewijzigd');
  expect(await lastMailTo(email)).toContain('is gewijzigd');

  // Sign out everywhere, then reset the password with the e-mailed link.
  await page.getByRole('button', { name: 'Overal afmelden' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('status')).toContainText('U bent overal afgemeld');
  await page.getByRole('link', { name: 'Wachtwoord vergeten?' }).click();
  await expectAccessible(page, info);
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByRole('button', { name: 'Link versturen' }).click();
  await expect(page.getByRole('status')).toContainText('Als dit e-mailadres bij een account hoort');
  const link = (await lastMailTo(email)).match(/http\S+token=[0-9a-f]{64}/)![0];
  await open(page, new URL(link).pathname + new URL(link).search, info);
  await expectAccessible(page, info);
  const reset = 'wachtwoord na de reset link';
  await page.getByLabel('Nieuw wachtwoord').fill(reset);
  await page.getByLabel('Wachtwoord bevestigen').fill(reset);
  await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await expect(page.getByRole('status')).toContainText('Uw wachtwoord is gewijzigd en al uw sessies zijn beëindigd');
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord').fill(reset);
  await page.getByRole('main').getByRole('button', { name: 'Aanmelden' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  // Turn on the second factor with an authenticator code, then sign in with it.
  // Binding an authenticator asks for the password again (also at the confirmation).
  await open(page, '/profile/security', info);
  await page.getByLabel('Uw wachtwoord', { exact: true }).fill('niet het wachtwoord');
  await page.getByRole('button', { name: 'Tweestapsverificatie inschakelen' }).click();
  await expect(page.getByRole('alert')).toContainText('Uw huidige wachtwoord klopt niet');
  await page.getByLabel('Uw wachtwoord', { exact: true }).fill(reset);
  await page.getByRole('button', { name: 'Tweestapsverificatie inschakelen' }).click();
  await expect(page.locator('code.key')).toBeVisible();
  const key = (await page.locator('code.key').textContent())!.trim();
  await expect(page.getByRole('img', { name: /QR-code/ })).toBeVisible();
  await page.getByLabel('Uw wachtwoord', { exact: true }).fill(reset);
  await page.getByLabel('Code uit uw authenticator-app').fill(totp(key));
  await page.getByRole('button', { name: 'Bevestigen en inschakelen' }).click();
  await expect(page.getByRole('heading', { name: 'Uw herstelcodes' })).toBeVisible();
  expect(await lastMailTo(email)).toContain('Tweestapsverificatie ingeschakeld');
  await expectAccessible(page, info);
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('button', { name: 'Afmelden' }).click();
  // Let the sign-out's own navigation finish before opening another page.
  await expect(page).toHaveURL(/\/$/);
  if (withJs(info)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 30_000 });
  await open(page, '/login', info);
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord').fill(reset);
  await page.getByRole('main').getByRole('button', { name: 'Aanmelden' }).click();
  await expect(page).toHaveURL(/\/login\/code/);
  await expectAccessible(page, info);
  await page.getByLabel('Code uit uw authenticator-app of herstelcode').fill(totp(key, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Bevestigen' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  // Someone who knows the password asks to move the account to their address; the owner uses
  // the "this was not me" link in the notice: the change is cancelled and the account secured.
  await open(page, '/profile/security', info);
  await page.getByLabel('Nieuw e-mailadres').fill(`boef-${info.project.name}@example.be`);
  await page.getByLabel('Uw wachtwoord, ter bevestiging').fill(reset);
  await page.getByRole('button', { name: 'E-mailadres wijzigen' }).click();
  await expect(page.getByRole('status')).toContainText('We stuurden een bevestigingslink');
  const notMe = (await lastMailTo(email)).match(/http\S+not-me\?token=[0-9a-f]{64}/)![0];
  await open(page, new URL(notMe).pathname + new URL(notMe).search, info);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dit was ik niet');
  await expectAccessible(page, info);
  await page.getByRole('button', { name: 'Dit was ik niet: annuleer en beveilig mijn account' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('status')).toContainText('De wijziging is geannuleerd');
});

test('CIC staff sign in with a password and an authenticator code', async ({ page }, info) => {
  const [email, password, secret, name] = withJs(info)
    ? ['agent@lumenlease.example', 'demo-agent-password', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'Sam Agent']
    : ['admin@lumenlease.example', 'demo-admin-password', 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU', 'Alex Admin'];
  await open(page, '/cic', info);
  await expect(page).toHaveURL(/\/cic\/login$/);
  await expectAccessible(page, info);
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord').fill(password);
  await page.getByLabel('Code uit uw authenticator-app').fill('000000');
  await page.getByRole('main').getByRole('button', { name: 'Aanmelden' }).click();
  await expect(page.getByRole('alert')).toContainText('E-mailadres, wachtwoord of code onjuist');
  await staffSignIn(page, email, password, secret);
  await expect(page.getByText(name)).toBeVisible();
  await expectAccessible(page, info);
});
