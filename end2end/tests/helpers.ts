import { ConsoleMessage, expect, Page, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/** Whether this project runs with JavaScript. */
export const withJs = (info: TestInfo) => info.project.name === 'js';

/** Opens a page and, with JavaScript, waits until the app is live (clicks before hydration are lost). */
export async function open(page: Page, path: string, info: TestInfo) {
  const errors: string[] = [];
  const collect = (m: ConsoleMessage) => { if (m.type() === 'error') errors.push(m.text().slice(0, 500)); };
  page.on('console', collect);
  const response = await page.goto(path);
  try {
    if (withJs(info)) {
      // The debug build's wasm can take a while to compile when both projects run at once.
      await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 60_000 });
    }
  } catch (e) {
    const csp = response?.headers()['content-security-policy'] ?? 'none';
    throw new Error(`${path} did not hydrate (status ${response?.status()}, CSP ${csp}); console errors: ${errors.join(' | ') || 'none'}\n${e}`);
  } finally {
    page.off('console', collect);
  }
  return response;
}

/** Runs axe (WCAG 2.1 A and AA rules) and expects no violations. */
export async function expectAccessible(page: Page, info: TestInfo) {
  // axe runs inside the page, which needs JavaScript; the no-JS project checks the same HTML
  // for behaviour only.
  if (!withJs(info)) return;
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}
