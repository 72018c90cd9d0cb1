import { Browser, expect, Page, test, TestInfo } from '@playwright/test';
import { expectAccessible, open, withJs } from './helpers';
import { lastMailTo, registerCustomer, staffSignIn } from './journeys';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const EXE = Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00');

async function hydrated(page: Page, info: TestInfo) {
  if (withJs(info)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 60_000 });
}

async function browserFor(browser: Browser, info: TestInfo): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: withJs(info), locale: 'nl-BE' });
  return context.newPage();
}

test('a customer writes with a PDF, an agent answers with a file and a note from the inbox, the customer reads the reply and downloads the file', async ({ page, browser }, info) => {
  test.setTimeout(240_000);
  const c = withJs(info)
    ? { customer: '100018', mobile: '+32470000118', contract: 'LC-2025-0028' }
    : { customer: '100019', mobile: '+32470000119', contract: 'LC-2025-0029' };
  const email = `berichten-${info.project.name}@example.be`;
  const subject = `Vraag over mijn contract (${info.project.name})`;
  await registerCustomer(page, info, c.customer, c.mobile, c.contract, email);
  await hydrated(page, info);

  // The messages page, then a new message: a missing subject is refused and the text kept.
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Berichten' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Berichten');
  await expect(page.getByText('U hebt nog geen berichten.')).toBeVisible();
  await hydrated(page, info);
  await expectAccessible(page, info);
  await page.getByRole('link', { name: 'Nieuw bericht' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nieuw bericht');
  await hydrated(page, info);
  await expectAccessible(page, info);
  await page.getByLabel('Onderwerp').fill('  ');
  await page.getByLabel('Soort vraag').selectOption({ label: 'Contract' });
  await page.getByLabel('Over contract (optioneel)').selectOption(c.contract);
  await page.getByLabel('Uw bericht').fill('Kan ik mijn contract vroeger stoppen?\nIk verhuis naar het buitenland.');
  await page.getByRole('button', { name: 'Versturen' }).click();
  await expect(page.getByText('Geef een onderwerp.').first()).toBeVisible();
  await expect(page.getByLabel('Uw bericht')).toHaveValue('Kan ik mijn contract vroeger stoppen?\nIk verhuis naar het buitenland.');
  await expectAccessible(page, info);
  // A renamed executable is refused next to the file field; subject and text are kept.
  await page.getByLabel('Onderwerp').fill(subject);
  await page.getByLabel('Bijlagen (optioneel)').setInputFiles({ name: 'factuur.pdf', mimeType: 'application/pdf', buffer: EXE });
  await page.getByRole('button', { name: 'Versturen' }).click();
  await expect(page.getByText('Een bijlage is geen PDF, JPEG of PNG').first()).toBeVisible();
  await expect(page.getByLabel('Onderwerp')).toHaveValue(subject);
  await expect(page.getByLabel('Uw bericht')).toHaveValue('Kan ik mijn contract vroeger stoppen?\nIk verhuis naar het buitenland.');
  await hydrated(page, info);
  // With a real PDF it is sent (with JavaScript, by the page itself, to show the progress).
  await page.getByLabel('Bijlagen (optioneel)').setInputFiles({ name: 'contract-vraag.pdf', mimeType: 'application/pdf', buffer: PDF });
  const posted = page.waitForRequest('**/api/customer/start-thread');
  await page.getByRole('button', { name: 'Versturen' }).click();
  expect((await posted).headers()['x-upload-progress']).toBe(withJs(info) ? '1' : undefined);
  await expect(page).toHaveURL(/\/messages\/\d+$/);
  await expect(page.getByText('Uw bericht is verstuurd.')).toBeVisible();
  await expect(page.getByText('Ik verhuis naar het buitenland.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'contract-vraag.pdf' })).toBeVisible();
  await hydrated(page, info);
  await expectAccessible(page, info);
  const thread = new URL(page.url()).pathname;

  // An agent finds it in the inbox and answers; an internal note stays internal.
  const agent = await browserFor(browser, info);
  await open(agent, '/cic/login', info);
  const [staffEmail, password, secret] = withJs(info)
    ? ['agent@lumenlease.example', 'demo-agent-password', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP']
    : ['admin@lumenlease.example', 'demo-admin-password', 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU'];
  await staffSignIn(agent, staffEmail, password, secret);
  await agent.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Berichtenbak' }).click();
  await expect(agent.getByRole('heading', { level: 1 })).toHaveText('Berichtenbak');
  await hydrated(agent, info);
  await expectAccessible(agent, info);
  await agent.getByRole('link', { name: subject }).click();
  await expect(agent.getByRole('heading', { level: 1 })).toHaveText(subject);
  await expect(agent.getByRole('link', { name: 'contract-vraag.pdf' })).toBeVisible();
  await expect(agent.getByRole('complementary', { name: 'Over deze klant' }).getByText(c.contract)).toBeVisible();
  await hydrated(agent, info);
  await expectAccessible(agent, info);
  await agent.getByLabel('Tekst', { exact: true }).fill('Vraagt naar vroegtijdige beëindiging.');
  await agent.getByLabel('Bijlagen (optioneel)').setInputFiles({ name: 'intern-dossier.pdf', mimeType: 'application/pdf', buffer: PDF });
  await agent.getByRole('button', { name: 'Als interne notitie bewaren' }).click();
  await expect(agent.getByText('De interne notitie is bewaard.')).toBeVisible();
  await hydrated(agent, info);
  await agent.getByLabel('Tekst', { exact: true }).fill('Dat kan, met een vergoeding. We sturen u een berekening.');
  await agent.getByLabel('Bijlagen (optioneel)').setInputFiles({ name: 'berekening.pdf', mimeType: 'application/pdf', buffer: PDF });
  await agent.getByRole('button', { name: 'Antwoord versturen' }).click();
  await expect(agent.getByText('Het antwoord is verstuurd')).toBeVisible();
  await expect(agent.getByRole('link', { name: 'intern-dossier.pdf' })).toBeVisible();
  await expect(agent.getByRole('link', { name: 'berekening.pdf' })).toBeVisible();
  await agent.context().close();

  // The customer is e-mailed a link (not the text) and reads the reply; the note is not there.
  await expect.poll(async () => (await lastMailTo(email)).includes(thread)).toBe(true);
  expect(await lastMailTo(email)).not.toContain('vergoeding');
  // The header and the list show the unread reply.
  await page.goto('/messages');
  await expect(page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Berichten ongelezen antwoorden: 1' })).toBeVisible();
  await expect(page.getByText('nieuw antwoord')).toBeVisible();
  await hydrated(page, info);
  await page.getByRole('link', { name: subject }).click();
  await expect(page.getByText('Dat kan, met een vergoeding.')).toBeVisible();
  await expect(page.getByText('Vraagt naar vroegtijdige beëindiging.')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'intern-dossier.pdf' })).toHaveCount(0);
  await expect(page.getByText('Beantwoord')).toBeVisible();
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'berekening.pdf' }).click();
  expect((await download).suggestedFilename()).toBe('berekening.pdf');
  // Read: the header no longer counts it from the next page on.
  await page.goto('/messages');
  await expect(page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Berichten', exact: true })).toBeVisible();
});

test('an admin keeps saved replies in three languages', async ({ page }, info) => {
  test.setTimeout(120_000);
  const title = `Bevestiging ontvangst (${info.project.name})`;
  await open(page, '/cic/login', info);
  await staffSignIn(page, 'admin@lumenlease.example', 'demo-admin-password', 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU');
  await page.getByRole('link', { name: 'Opgeslagen antwoorden beheren' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Opgeslagen antwoorden');
  await hydrated(page, info);
  await expectAccessible(page, info);
  // A missing title is refused next to it; the text is kept.
  await page.getByRole('combobox', { name: 'Taal' }).selectOption('fr');
  await page.getByLabel('Titel').fill('  ');
  await page.getByLabel('Tekst').fill('Bonjour,\nNous avons bien reçu votre message.');
  await page.getByRole('button', { name: 'Opslaan' }).click();
  await expect(page.getByText('Geef een titel.').first()).toBeVisible();
  await expect(page.getByLabel('Tekst')).toHaveValue('Bonjour,\nNous avons bien reçu votre message.');
  await expect(page.getByRole('combobox', { name: 'Taal' })).toHaveValue('fr');
  await expectAccessible(page, info);
  await hydrated(page, info);
  await page.getByLabel('Titel').fill(title);
  await page.getByRole('button', { name: 'Opslaan' }).click();
  await expect(page.getByText('Het opgeslagen antwoord is bewaard.')).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: title });
  await expect(row).toContainText('FR');
  await hydrated(page, info);
  await row.getByRole('button', { name: 'Verwijderen' }).click();
  await expect(page.getByText('Het opgeslagen antwoord is verwijderd.')).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: title })).toHaveCount(0);
});
