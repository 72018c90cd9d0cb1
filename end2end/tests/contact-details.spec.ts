import { expect, Page, test, TestInfo } from '@playwright/test';
import { expectAccessible, open, withJs } from './helpers';
import { codeFor, lastMailTo, registerCustomer, smsCount, staffSignIn } from './journeys';

/** The reference shown on a request page. */
async function referenceOn(page: Page): Promise<string> {
  const text = await page.getByRole('heading', { level: 1 }).textContent();
  return text!.match(/WR-\d{4}-\d{6}/)![0];
}

async function hydrated(page: Page, info: TestInfo) {
  if (withJs(info)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 60_000 });
}

test('a customer asks for a new address and mobile number; an agent approves the address', async ({ page, browser }, info) => {
  const c = withJs(info)
    ? { customer: '100014', mobile: '+32470000114', contract: 'LC-2025-0024', street: 'Boomsesteenweg', now: 'Boomsesteenweg 200, 2610 Wilrijk', newMobile: '0471 14 14 14', e164: '+32471141414', shown: '+32 471 14 14 14' }
    : { customer: '100015', mobile: '+32470000115', contract: 'LC-2025-0025', street: 'Rue du Midi', now: 'Rue du Midi 14, 1000 Bruxelles', newMobile: '0471 15 15 15', e164: '+32471151515', shown: '+32 471 15 15 15' };
  const email = `contact-${info.project.name}@example.be`;
  await registerCustomer(page, info, c.customer, c.mobile, c.contract, email);
  await hydrated(page, info);

  // The contact page shows what the back office has on file.
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Contactgegevens' }).click();
  await expect(page).toHaveURL(/\/profile\/contact$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Contactgegevens');
  await expect(page.getByText(c.now)).toBeVisible();
  await hydrated(page, info);
  await expectAccessible(page, info);

  // An address without a house number is refused next to the field and kept; then it is filed.
  const street = page.getByRole('textbox', { name: 'Straat, huisnummer en bus' });
  await street.fill(c.street);
  await page.getByRole('button', { name: 'Adreswijziging aanvragen' }).click();
  await expect(page.getByText('Vul ook het huisnummer in.').first()).toBeVisible();
  await expect(street).toHaveValue(c.street);
  await expectAccessible(page, info);
  await street.fill(`${c.street} 7 bus 2`);
  await page.getByRole('button', { name: 'Adreswijziging aanvragen' }).click();
  await expect(page).toHaveURL(/\/requests\/\d+$/);
  await expect(page.getByText('Uw aanvraag is verstuurd')).toBeVisible();
  await expect(page.getByText(`${c.street} 7 bus 2`).first()).toBeVisible();
  const addressRef = await referenceOn(page);

  // A new mobile number: a code goes to that number; a wrong code is refused, the right one files.
  await page.goto('/profile/contact');
  await hydrated(page, info);
  await expect(page.getByRole('link', { name: `Aanvraag ${addressRef}` })).toBeVisible();
  await page.getByRole('textbox', { name: 'Nieuw gsm-nummer' }).fill(c.newMobile);
  await page.getByRole('button', { name: 'Code sturen' }).click();
  await expect(page.getByText(`Typ de code die we per sms naar ${c.shown} stuurden.`)).toBeVisible();
  await expect.poll(() => smsCount(c.e164)).toBe(1);
  const code = await codeFor(c.e164);
  await expectAccessible(page, info);
  await page.getByRole('textbox', { name: 'Code uit de sms' }).fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Bevestigen en aanvragen' }).click();
  await expect(page.getByText('Deze code klopt niet.').first()).toBeVisible();
  await page.getByRole('textbox', { name: 'Code uit de sms' }).fill(code);
  await page.getByRole('button', { name: 'Bevestigen en aanvragen' }).click();
  await expect(page).toHaveURL(/\/requests\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Nieuw gsm-nummer');
  await expect(page.getByText('Uw aanvraag is verstuurd')).toBeVisible();
  await expect(page.getByText(c.shown).first()).toBeVisible();
  // Cancelled while it is still submitted.
  await page.getByRole('button', { name: 'Aanvraag annuleren' }).click();
  await expect(page.getByText('Uw aanvraag is geannuleerd.')).toBeVisible();

  // The agent finds the address change in the work queue and approves it.
  const context = await browser.newContext({ javaScriptEnabled: withJs(info), locale: 'nl-BE' });
  const staff = await context.newPage();
  const [staffEmail, password, secret] = withJs(info)
    ? ['agent@lumenlease.example', 'demo-agent-password', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP']
    : ['admin@lumenlease.example', 'demo-admin-password', 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU'];
  await open(staff, '/cic/login', info);
  await staffSignIn(staff, staffEmail, password, secret);
  await staff.goto('/cic/queue?kind=address_change');
  await staff.getByRole('link', { name: addressRef }).click();
  await expect(staff.getByRole('heading', { level: 1 })).toContainText(addressRef);
  await expect(staff.getByText(c.now)).toBeVisible();
  await expectAccessible(staff, info);
  await staff.getByRole('button', { name: 'Goedkeuren' }).click();
  await expect(staff.getByText('De aanvraag is goedgekeurd')).toBeVisible();
  await context.close();

  // The customer's contact page shows the new address; the e-mail says approved.
  await page.goto('/profile/contact');
  await expect(page.getByText(`${c.street} 7 bus 2`).first()).toBeVisible();
  await expect(page.getByText(c.now)).toHaveCount(0);
  // (in the customer's language: Jonas De Smet reads Dutch, Camille Dupont French)
  const approved = withJs(info) ? 'Goedgekeurd' : 'Approuvée';
  await expect.poll(async () => (await lastMailTo(email)).includes(approved)).toBe(true);
  expect(await lastMailTo(email)).toContain(addressRef);
});
