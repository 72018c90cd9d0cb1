import { expect, test } from '@playwright/test';
import { expectAccessible, open, withJs } from './helpers';
import { staffSignIn } from './journeys';

test('staff find a customer in any form and open the read-only customer view', async ({ page }, info) => {
  // Up to three authenticator windows for the sign-in (the other journeys use the same
  // accounts); the other project's account than the change journeys use, to spread them.
  test.setTimeout(150_000);
  const [email, password, secret] = withJs(info)
    ? ['admin@lumenlease.example', 'demo-admin-password', 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU']
    : ['agent@lumenlease.example', 'demo-agent-password', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'];
  await open(page, '/cic/login', info);
  await staffSignIn(page, email, password, secret);

  await page.getByRole('link', { name: 'Klant zoeken' }).click();
  await expect(page).toHaveURL(/\/cic\/customers$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Klanten');
  await expectAccessible(page, info);

  // One character is refused with a hint next to the field, and kept.
  const field = page.getByRole('searchbox', { name: 'Klant zoeken' });
  await field.fill('a');
  await page.getByRole('button', { name: 'Zoeken' }).click();
  await expect(page.getByText('Typ minstens 2 tekens om te zoeken.')).toBeVisible();
  await expect(field).toHaveValue('a');
  await expectAccessible(page, info);

  // A name without its accent, a plate typed without dashes.
  await field.fill('lefevre');
  await page.getByRole('button', { name: 'Zoeken' }).click();
  await expect(page.getByRole('link', { name: '100009' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Claire Lefèvre' })).toBeVisible();
  await expectAccessible(page, info);
  await page.getByRole('searchbox', { name: 'Klant zoeken' }).fill('2 xyb 789');
  await page.getByRole('button', { name: 'Zoeken' }).click();
  await expect(page).toHaveURL(/q=2\+xyb\+789|q=2%20xyb%20789/);
  await page.getByRole('link', { name: '100009' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Claire Lefèvre (100009)');
  await expect(page.getByText('Rue de Fer 22, 5000 Namur')).toBeVisible();
  await expect(page.getByRole('cell', { name: '2-XYB-789' })).toBeVisible();
  await expectAccessible(page, info);
});
