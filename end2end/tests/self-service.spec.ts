import { expect, Page, test } from '@playwright/test';
import { expectAccessible, open, withJs } from './helpers';
import { registerCustomer } from './journeys';

/** The page is no wider than a 360 px phone. */
async function fitsPhone(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test('a customer follows a contract, reports a reading, browses invoices, downloads PDFs and asks for a document', async ({ page }, info) => {
  // Each project has its own demo customer with three contracts (36 invoices, two pages).
  const c = withJs(info)
    ? { customer: '100010', mobile: '+32470000110', contract: 'LC-2023-0016', vehicle: 'Volkswagen Passat Variant eHybrid', km: '80000', shown: '80.000' }
    : { customer: '100011', mobile: '+32470000111', contract: 'LC-2023-0019', vehicle: 'Nissan Ariya', km: '60000', shown: '60.000' };
  await page.setViewportSize({ width: 360, height: 800 });
  await registerCustomer(page, info, c.customer, c.mobile, c.contract, `zelf-${info.project.name}@example.be`);
  // With JavaScript, the rest of the journey runs in the live app (links and forms handled by it).
  if (withJs(info)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 60_000 });

  // Dashboard: what is due, pending requests and one card per contract.
  await expect(page.getByRole('heading', { name: 'Openstaande facturen' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Lopende aanvragen' })).toBeVisible();
  await expect(page.getByRole('main').getByRole('listitem').filter({ hasText: c.contract })).toBeVisible();
  await expectAccessible(page, info);
  await fitsPhone(page);

  // The contract page with its chart (server-rendered SVG with a text alternative).
  await page.getByRole('link', { name: c.vehicle }).click();
  await expect(page).toHaveURL(new RegExp(`/contracts/${c.contract}$`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(c.contract);
  await expect(page.getByRole('img', { name: 'Kilometers tegenover het toegelaten aantal' })).toBeVisible();
  await expectAccessible(page, info);
  await fitsPhone(page);

  // A decreasing reading is refused next to the field and the typed value is kept.
  await page.getByLabel('Kilometerstand (km)').fill('1000');
  await page.getByRole('button', { name: 'Stand opslaan' }).click();
  await expect(page.getByText('Een kilometerteller gaat niet terug').first()).toBeVisible();
  await expect(page.getByLabel('Kilometerstand (km)')).toHaveValue('1000');
  await expectAccessible(page, info);

  // A good reading is saved, and the chart and the latest reading show it.
  await page.getByLabel('Kilometerstand (km)').fill(c.km);
  await page.getByRole('button', { name: 'Stand opslaan' }).click();
  await expect(page.getByText('Uw kilometerstand is opgeslagen')).toBeVisible();
  await expect(page.locator('svg.mileage-chart circle title', { hasText: `${c.shown} km` })).toHaveCount(1);
  await expect(page.getByText(new RegExp(`${c.shown.replace('.', '\\.')}\\s*km \\(`))).toBeVisible();

  // The contract page lists its six newest invoices and links to all twelve.
  const contractInvoices = page.getByRole('region', { name: 'Facturen' });
  await expect(contractInvoices.getByRole('row')).toHaveCount(7);
  await contractInvoices.getByRole('link', { name: 'Alle facturen van dit contract' }).click();
  await expect(page).toHaveURL(new RegExp(`/invoices\\?contract=${c.contract}$`));
  await expect(page.getByText('12 facturen · pagina 1 van 1')).toBeVisible();

  // Invoices across contracts: 25 per page, filters and pages as links and a GET form.
  // On the phone the navigation is behind the header's menu button.
  await page.locator('summary', { hasText: 'Menu' }).click();
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Facturen' }).click();
  await expect(page).toHaveURL(/\/invoices$/);
  await expect(page.getByText('36 facturen · pagina 1 van 2')).toBeVisible();
  await expectAccessible(page, info);
  await fitsPhone(page);
  await page.getByRole('link', { name: 'Volgende' }).click();
  await expect(page.getByText('36 facturen · pagina 2 van 2')).toBeVisible();
  await page.getByLabel('Contract', { exact: true }).selectOption(c.contract);
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Betaald' });
  await page.getByRole('button', { name: 'Tonen' }).click();
  await expect(page.getByText('11 facturen · pagina 1 van 1')).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Betaald' }).first()).toBeVisible();

  // Download an invoice as PDF, named after its number.
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: /^Factuur \d+ downloaden als PDF$/ }).first().click();
  expect((await download).suggestedFilename()).toMatch(/^invoice-\d+\.pdf$/);

  // One invoice's page.
  await page.getByRole('table').getByRole('link', { name: /^\d+$/ }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Factuur \d+$/);
  await expect(page.getByRole('link', { name: 'PDF downloaden' })).toBeVisible();
  await expectAccessible(page, info);

  // Documents: a contract copy to download; ask for a fiscal certificate, then cancel it.
  await page.locator('summary', { hasText: 'Menu' }).click();
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Documenten' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Documenten');
  const copy = page.waitForEvent('download');
  await page.getByRole('link', { name: new RegExp(`Kopie van het contract · ${c.contract}`) }).click();
  expect((await copy).suggestedFilename()).toBe(`contract-${c.contract}.pdf`);
  await expectAccessible(page, info);
  // Without a year the request is refused next to the field, and the choice is kept.
  await page.getByLabel('Document', { exact: true }).selectOption({ label: 'Fiscaal attest' });
  await page.getByRole('button', { name: 'Aanvraag versturen' }).click();
  await expect(page.getByText('Kies het jaar van het fiscaal attest.').first()).toBeVisible();
  await expect(page.getByLabel('Document', { exact: true })).toHaveValue('fiscal_certificate');
  await page.getByLabel('Jaar', { exact: true }).selectOption('2025');
  await page.getByRole('button', { name: 'Aanvraag versturen' }).click();
  await expect(page.getByText('Uw aanvraag is verstuurd')).toBeVisible();
  const request = page.locator('#requests li', { hasText: 'Fiscaal attest 2025' });
  await expect(request).toContainText('Ingediend');
  await expectAccessible(page, info);
  await request.getByRole('button', { name: /Aanvraag annuleren/ }).click();
  await expect(page.getByText('Uw aanvraag is geannuleerd')).toBeVisible();
  await expect(page.locator('#requests li', { hasText: 'Fiscaal attest 2025' })).toContainText('Geannuleerd');
  await fitsPhone(page);
});
