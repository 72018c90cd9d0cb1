import { Browser, expect, Page, test, TestInfo } from '@playwright/test';
import { expectAccessible, open, withJs } from './helpers';
import { lastMailTo, registerCustomer, staffSignIn } from './journeys';

async function hydrated(page: Page, info: TestInfo) {
  if (withJs(info)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 60_000 });
}

async function browserFor(browser: Browser, info: TestInfo): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: withJs(info), locale: 'nl-BE' });
  return context.newPage();
}

test('a customer writes to the customer service, an agent answers from the inbox, the customer reads the reply', async ({ page, browser }, info) => {
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
  await page.getByLabel('Onderwerp').fill(subject);
  await page.getByRole('button', { name: 'Versturen' }).click();
  await expect(page).toHaveURL(/\/messages\/\d+$/);
  await expect(page.getByText('Uw bericht is verstuurd.')).toBeVisible();
  await expect(page.getByText('Ik verhuis naar het buitenland.')).toBeVisible();
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
  await hydrated(agent, info);
  await expectAccessible(agent, info);
  await agent.getByLabel('Tekst').fill('Vraagt naar vroegtijdige beëindiging.');
  await agent.getByRole('button', { name: 'Als interne notitie bewaren' }).click();
  await expect(agent.getByText('De interne notitie is bewaard.')).toBeVisible();
  await hydrated(agent, info);
  await agent.getByLabel('Tekst').fill('Dat kan, met een vergoeding. We sturen u een berekening.');
  await agent.getByRole('button', { name: 'Antwoord versturen' }).click();
  await expect(agent.getByText('Het antwoord is verstuurd')).toBeVisible();
  await agent.context().close();

  // The customer is e-mailed a link (not the text) and reads the reply; the note is not there.
  await expect.poll(async () => (await lastMailTo(email)).includes(thread)).toBe(true);
  expect(await lastMailTo(email)).not.toContain('vergoeding');
  await page.goto('/messages');
  await expect(page.getByText('nieuw antwoord')).toBeVisible();
  await page.getByRole('link', { name: subject }).click();
  await expect(page.getByText('Dat kan, met een vergoeding.')).toBeVisible();
  await expect(page.getByText('Vraagt naar vroegtijdige beëindiging.')).toHaveCount(0);
  await expect(page.getByText('Beantwoord')).toBeVisible();
});
