import { expect, Page, TestInfo } from '@playwright/test';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectAccessible, open } from './helpers';

/** Shared steps of the journeys: registration, codes from the SMS outbox, mails, TOTP. */

export const PASSWORD = 'een lange zin als wachtwoord';

/** The newest 6-digit code sent by SMS to `to` (read from the dev outbox). */
export async function codeFor(to: string): Promise<string> {
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

export async function smsCount(to: string): Promise<number> {
  const file = path.join(process.env.E2E_DATA_DIR!, 'outbox', 'sms.jsonl');
  if (!fs.existsSync(file)) return 0;
  return fs.readFileSync(file, 'utf8').trim().split('\n').filter((l) => l && JSON.parse(l).to === to).length;
}

export async function enterCode(page: Page, to: string, count: number) {
  await expect.poll(() => smsCount(to)).toBe(count);
  await page.getByLabel('Authenticatiecode', { exact: true }).fill(await codeFor(to));
  await page.getByRole('button', { name: 'Bevestigen' }).click();
}

/** Walks steps 1–6 for a demo customer; ends on the terms step. */
export async function upToTerms(page: Page, info: TestInfo, customer: string, mobile: string, contract: string, email: string) {
  await open(page, '/register', info);
  await expect(page.getByText('Stap 1 van 7')).toBeVisible();
  await expectAccessible(page, info);
  await page.getByLabel('Klantnummer').fill(customer);
  await page.getByRole('button', { name: 'Authenticatiecode aanvragen' }).click();
  await expect(page.getByText('Stap 2 van 7')).toBeVisible();
  await expectAccessible(page, info);
  await enterCode(page, mobile, 1);
  await expect(page.getByText('Stap 3 van 7')).toBeVisible();
  await expectAccessible(page, info);
  await page.getByLabel('Voornaam').fill('Test');
  await page.getByLabel('Achternaam').fill('Klant');
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Wachtwoord bevestigen').fill(PASSWORD);
  await page.getByRole('button', { name: 'Volgende' }).click();
  // The address is confirmed with a code sent to it.
  await expect(page.getByText('Stap 4 van 7')).toBeVisible();
  await expectAccessible(page, info);
  const mailed = (await lastMailTo(email)).split('\r\n\r\n').slice(1).join('\n').match(/\b\d{6}\b/)![0];
  await page.getByLabel('Authenticatiecode', { exact: true }).fill(mailed);
  await page.getByRole('button', { name: 'Bevestigen' }).click();
  await expect(page.getByText('Stap 5 van 7')).toBeVisible();
  await page.getByLabel('Contractnummer').fill(contract);
  await page.getByRole('button', { name: 'Authenticatiecode aanvragen' }).click();
  await expect(page.getByText('Stap 6 van 7')).toBeVisible();
  await enterCode(page, mobile, 2);
  await expect(page.getByText('Stap 7 van 7')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Gebruiksvoorwaarden' })).toBeVisible();
  await expectAccessible(page, info);
}

export async function registerCustomer(page: Page, info: TestInfo, customer: string, mobile: string, contract: string, email: string) {
  await upToTerms(page, info, customer, mobile, contract, email);
  await page.getByRole('button', { name: 'Aanvaarden' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** The newest mail to `to` in the dev outbox. */
export async function lastMailTo(to: string): Promise<string> {
  const dir = path.join(process.env.E2E_DATA_DIR!, 'outbox', 'mail');
  for (let i = 0; i < 50; i++) {
    if (fs.existsSync(dir)) {
      const mails = fs.readdirSync(dir).sort().map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).filter((m) => m.includes(`To: ${to}`));
      if (mails.length) return mails[mails.length - 1];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${to}`);
}

/** The current TOTP code (RFC 6238, SHA-1, 6 digits, 30 s) for a base32 secret. */
export function totp(secretBase32: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const h = crypto.createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1_000_000).padStart(6, '0');
}

/**
 * Journeys running in parallel share the demo staff accounts, and a staff member's
 * authenticator code is single use: two journeys sending the same 30-second code make one of
 * them fail, and failures add up to the sign-in throttle (five an hour per account) that then
 * refuses every journey. So the sign-ins of one account take turns across the test workers (a
 * lock directory in the temp folder) and each takes a 30-second window no journey used before.
 */
const SHARED = path.join(os.tmpdir(), 'portal-e2e-staff');

async function takingTurns<T>(email: string, f: (lastWindow: number) => Promise<[T, number]>): Promise<T> {
  fs.mkdirSync(SHARED, { recursive: true });
  const name = email.replace(/[^a-z0-9]/gi, '_');
  const lock = path.join(SHARED, `${name}.lock`);
  const used = path.join(SHARED, `${name}.window`);
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // A lock left by a journey that was killed: older than any sign-in takes.
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 150_000) fs.rmSync(lock, { recursive: true, force: true });
      } catch {}
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    const last = fs.existsSync(used) ? Number(fs.readFileSync(used, 'utf8')) || 0 : 0;
    const [result, window] = await f(last);
    fs.writeFileSync(used, String(window));
    return result;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Fills and sends the staff sign-in form (on /cic/login) and waits for the staff start page,
 * with a code from a 30-second window no other journey used for this account. Should a code
 * still be refused, the next window's is tried, as a person would (up to four windows).
 */
export async function staffSignIn(page: Page, email: string, password: string, secret: string) {
  await takingTurns(email, async (lastWindow) => {
    let window = lastWindow;
    for (let attempt = 0; attempt < 4; attempt++) {
      // Wait for a window after the last one used (and not about to end).
      while (Math.floor(Date.now() / 30_000) <= window || Date.now() % 30_000 > 27_000) {
        await page.waitForTimeout(Math.min(30_000 - (Date.now() % 30_000) + 200, 30_500));
      }
      window = Math.floor(Date.now() / 30_000);
      await page.getByLabel('E-mailadres').fill(email);
      await page.getByLabel('Wachtwoord').fill(password);
      await page.getByLabel('Code uit uw authenticator-app').fill(totp(secret));
      await page.getByRole('main').getByRole('button', { name: 'Aanmelden' }).click();
      try {
        await expect(page).toHaveURL(/\/cic$/, { timeout: 5_000 });
        return [undefined, window] as [undefined, number];
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
    throw new Error('unreachable');
  });
}
