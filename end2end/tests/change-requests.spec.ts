import { Browser, expect, Page, test, TestInfo } from '@playwright/test';
import { expectAccessible, open, withJs } from './helpers';
import { lastMailTo, registerCustomer, staffSignIn } from './journeys';

/** A PDF's first bytes: enough for the portal's sniffing. */
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
/** An executable renamed .pdf. */
const EXE = Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]);

/** A staff member signed in in a browser of their own (agent with JavaScript, admin without:
 * a TOTP code is single use, and both projects run at once; the security journey signs the same
 * accounts in, so the sign-in takes the next code when this one was used). */
async function staffPage(browser: Browser, info: TestInfo): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: withJs(info), locale: 'nl-BE' });
  const page = await context.newPage();
  const [email, password, secret] = withJs(info)
    ? ['agent@lumenlease.example', 'demo-agent-password', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP']
    : ['admin@lumenlease.example', 'demo-admin-password', 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU'];
  await open(page, '/cic/login', info);
  await staffSignIn(page, email, password, secret);
  return page;
}

/** The reference shown on a request page. */
async function referenceOn(page: Page): Promise<string> {
  const text = await page.getByRole('heading', { level: 1 }).textContent();
  return text!.match(/WR-\d{4}-\d{6}/)![0];
}

/** Opens a request from the work queue (filtered by kind), as an agent would. */
async function openFromQueue(staff: Page, info: TestInfo, kind: string, reference: string) {
  await staff.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Werklijst' }).click();
  await expect(staff).toHaveURL(/\/cic\/queue/);
  await staff.getByLabel('Soort').selectOption({ label: kind });
  await staff.getByRole('button', { name: 'Tonen' }).click();
  await expect(staff).toHaveURL(/kind=/);
  await expectAccessible(staff, info);
  await staff.getByRole('link', { name: reference }).click();
  await expect(staff.getByRole('heading', { level: 1 })).toContainText(reference);
  await expectAccessible(staff, info);
}

test('a customer asks for a new plate and allowance, an agent approves one and rejects the other', async ({ page, browser }, info) => {
  const c = withJs(info)
    ? { customer: '100012', mobile: '+32470000112', contract: 'LC-2025-0022', vehicle: 'Kia EV6', plate: '2 kfz 481', shown: '2-KFZ-481' }
    : { customer: '100013', mobile: '+32470000113', contract: 'LC-2024-0023', vehicle: 'Škoda Enyaq', plate: '2hjk512', shown: '2-HJK-512' };
  const email = `wijziging-${info.project.name}@example.be`;
  await registerCustomer(page, info, c.customer, c.mobile, c.contract, email);
  if (withJs(info)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 60_000 });

  // From the contract page to the plate form.
  await page.getByRole('link', { name: c.vehicle }).click();
  await expect(page).toHaveURL(new RegExp(`/contracts/${c.contract}$`));
  await page.getByRole('link', { name: 'Nieuwe nummerplaat aanvragen' }).click();
  await expect(page).toHaveURL(new RegExp(`/contracts/${c.contract}/plate$`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Nieuwe nummerplaat');
  await expectAccessible(page, info);

  // A renamed executable is refused next to the file field; the typed plate is kept.
  await page.getByLabel('Nieuwe nummerplaat', { exact: true }).fill(c.plate);
  await page.getByLabel('Inschrijvingsbewijs').setInputFiles({ name: 'inschrijving.pdf', mimeType: 'application/pdf', buffer: EXE });
  await page.getByRole('button', { name: 'Aanvraag versturen' }).click();
  await expect(page.getByText('Dit bestand is geen PDF, JPEG of PNG').first()).toBeVisible();
  await expect(page.getByLabel('Nieuwe nummerplaat', { exact: true })).toHaveValue(c.plate);
  await expectAccessible(page, info);

  // With the certificate the request is filed and can be followed.
  // With JavaScript the page sends it itself to show the upload's progress.
  await page.getByLabel('Inschrijvingsbewijs').setInputFiles({ name: 'inschrijving.pdf', mimeType: 'application/pdf', buffer: PDF });
  const posted = page.waitForRequest('**/api/customer/plate-change');
  await page.getByRole('button', { name: 'Aanvraag versturen' }).click();
  expect((await posted).headers()['x-upload-progress']).toBe(withJs(info) ? '1' : undefined);
  await expect(page).toHaveURL(/\/requests\/\d+$/);
  await expect(page.getByText('Uw aanvraag is verstuurd')).toBeVisible();
  await expect(page.getByText(c.shown)).toBeVisible();
  await expect(page.locator('.facts .status')).toHaveText('Ingediend');
  const plateRef = await referenceOn(page);
  await expectAccessible(page, info);

  // A new allowance: a wrong step is refused and kept, then it is filed.
  await page.goto(`/contracts/${c.contract}`);
  await page.getByRole('link', { name: 'Toegelaten kilometers wijzigen' }).click();
  await expect(page).toHaveURL(new RegExp(`/contracts/${c.contract}/allowance$`));
  if (withJs(info)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 60_000 });
  await expect(page.getByText('Onze klantendienst bevestigt het nieuwe maandbedrag')).toBeVisible();
  await expectAccessible(page, info);
  await page.getByLabel('Nieuw aantal km per jaar').fill('25500');
  await page.getByRole('button', { name: 'Aanvraag versturen' }).click();
  await expect(page.getByText('Kies een veelvoud van 1.000 km.').first()).toBeVisible();
  await expect(page.getByLabel('Nieuw aantal km per jaar')).toHaveValue('25500');
  await page.getByLabel('Nieuw aantal km per jaar').fill('30000');
  await page.getByRole('button', { name: 'Aanvraag versturen' }).click();
  await expect(page).toHaveURL(/\/requests\/\d+$/);
  await expect(page.getByText('Uw aanvraag is verstuurd')).toBeVisible();
  const allowanceRef = await referenceOn(page);

  // The agent approves the plate (assigning it first) and rejects the allowance with a note.
  const staff = await staffPage(browser, info);
  await openFromQueue(staff, info, 'Nieuwe nummerplaat', plateRef);
  await expect(staff.getByRole('link', { name: 'inschrijving.pdf' })).toBeVisible();
  await staff.getByRole('button', { name: 'Aan mij toewijzen' }).click();
  await expect(staff.getByText('De aanvraag is toegewezen.')).toBeVisible();
  await staff.getByRole('button', { name: 'Goedkeuren' }).click();
  await expect(staff.getByText('De aanvraag is goedgekeurd')).toBeVisible();
  await expect(staff.locator('.facts .status')).toHaveText('Goedgekeurd');

  await openFromQueue(staff, info, 'Nieuw aantal toegelaten kilometers', allowanceRef);
  await staff.getByRole('button', { name: 'Weigeren' }).click();
  await expect(staff.getByText('Schrijf bij een weigering waarom').first()).toBeVisible();
  await staff.getByLabel('Toelichting voor de klant').fill('Voor dit contract kan het aantal kilometers niet meer verhogen.');
  await staff.getByRole('button', { name: 'Weigeren' }).click();
  await expect(staff.getByText('De aanvraag is geweigerd')).toBeVisible();
  await staff.context().close();

  // The customer sees the new plate, the rejection with its note, and the e-mails.
  await page.goto(`/contracts/${c.contract}`);
  await expect(page.locator('.facts').getByText(c.shown)).toBeVisible();
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Aanvragen' }).click();
  await expect(page).toHaveURL(/\/requests$/);
  await expectAccessible(page, info);
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Geweigerd' });
  await page.getByRole('button', { name: 'Tonen' }).click();
  await expect(page.getByText(allowanceRef)).toBeVisible();
  await expect(page.getByText(plateRef)).toHaveCount(0);
  await page.getByRole('link', { name: /Nieuw aantal toegelaten kilometers/ }).click();
  await expect(page.getByText('Voor dit contract kan het aantal kilometers niet meer verhogen.').first()).toBeVisible();
  await expectAccessible(page, info);
  const mail = await lastMailTo(email);
  expect(mail).toContain(allowanceRef);

  // A request can be cancelled while it is submitted.
  await page.goto(`/contracts/${c.contract}/allowance`);
  if (withJs(info)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 60_000 });
  await page.getByLabel('Nieuw aantal km per jaar').fill('20000');
  await page.getByRole('button', { name: 'Aanvraag versturen' }).click();
  await expect(page).toHaveURL(/\/requests\/\d+$/);
  await page.getByRole('button', { name: 'Aanvraag annuleren' }).click();
  await expect(page.getByText('Uw aanvraag is geannuleerd.')).toBeVisible();
  await expect(page.locator('.facts .status')).toHaveText('Geannuleerd');
});
