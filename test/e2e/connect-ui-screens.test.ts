import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from './support/browser.js';
import { type RunningPlatform, startPlatform } from './support/platform.js';

/** Screenshots of every screen are kept for people to look at (CI artifacts; ignored by git). */
const SHOTS = resolve(import.meta.dirname, '__screenshots__');

const VIEWS = [
  { name: 'light', viewport: { width: 1024, height: 768 }, colorScheme: 'light' as const },
  { name: 'dark', viewport: { width: 1024, height: 768 }, colorScheme: 'dark' as const },
  { name: 'phone', viewport: { width: 375, height: 740 }, colorScheme: 'light' as const },
];

describe.skipIf(!hasChromium())('Connect UI screens: layout invariants and screenshots', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${platform.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${platform.secretKey}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await res.json()) as any;
  };
  const link = async (body: object) => (await api('POST', '/connect/sessions', body)).data.connect_link as string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    platform = await startPlatform();
    browser = await launchBrowser();
    await api('POST', '/providers', {
      name: 'ui-keyed',
      display_name: 'Keyed Service',
      auth_mode: 'API_KEY',
      credentials: { apiKey: { type: 'string', title: 'API key', secret: true } },
      connection_config: {
        subdomain: {
          type: 'string',
          title: 'Subdomain',
          pattern: '^[a-z0-9-]+$',
          description: 'The part before .example.com',
        },
      },
      proxy: { base_url: 'https://${connectionConfig.subdomain}.example.com' },
    });
    await api('POST', '/providers', {
      name: 'ui-open',
      display_name: 'Open Service',
      auth_mode: 'NONE',
      proxy: { base_url: 'https://open.example.com' },
    });
    await api('POST', '/integrations', { unique_key: 'keyed', provider: 'ui-keyed' });
    await api('POST', '/integrations', { unique_key: 'open', provider: 'ui-open' });
    await api('POST', '/integrations', { unique_key: 'github', provider: 'github' });
    await api('POST', '/integrations', {
      unique_key: 'demo',
      provider: 'pier-demo',
      credentials: { type: 'OAUTH2', client_id: 'pier-demo-client', client_secret: 'pier-demo-secret' },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  async function measure(page: Page) {
    return page.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      cardWidth: Math.round(document.querySelector('.card')?.getBoundingClientRect().width ?? -1),
    }));
  }

  it.each(VIEWS)('every screen in $name: no horizontal overflow, one dialog width, visible focus', async (view) => {
    const context = await browser.newContext({ viewport: view.viewport, colorScheme: view.colorScheme });
    const page = await context.newPage();
    const widths: Record<string, number> = {};
    const shoot = async (screen: string) => {
      await page.screenshot({ path: resolve(SHOTS, `${screen}-${view.name}.png`) });
      const m = await measure(page);
      expect(m.overflow, `${screen} overflows horizontally`).toBeLessThanOrEqual(0);
      widths[screen] = m.cardWidth;
    };

    await page.goto(await link({ allowed_integrations: ['keyed', 'open', 'demo', 'github'] }));
    await page.getByRole('searchbox').waitFor();
    await shoot('list');
    // Catalog providers show their mark (simple-icons); custom ones their initial.
    const github = page.getByRole('button', { name: /GitHub/ });
    expect(await github.locator('.logo svg path').getAttribute('fill')).toBe('#181717');
    expect(
      await page
        .getByRole('button', { name: /Keyed Service/ })
        .locator('.logo')
        .textContent(),
    ).toBe('K');

    // Focus is visible on what the keyboard reaches.
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(outline).not.toBe('none');

    await page.getByRole('button', { name: /Keyed Service/ }).click();
    await page.getByRole('button', { name: 'Connect' }).click();
    const subdomainError = page.locator('#f-connection_config-subdomain-error');
    await expect.poll(() => subdomainError.textContent()).toBe('Subdomain is required.');
    await shoot('form-errors');
    // The message goes once the field is right.
    await page.fill('#f-connection_config-subdomain', 'acme');
    await expect.poll(() => subdomainError.textContent()).toBe('');
    // A new problem shows on the next submit, and a flagged field follows what is typed.
    await page.fill('#f-connection_config-subdomain', 'Not Valid!');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => subdomainError.textContent()).toContain('doesn’t look right');
    await page.fill('#f-connection_config-subdomain', 'acme-2');
    await expect.poll(() => subdomainError.textContent()).toBe('');

    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('button', { name: /Open Service/ }).click();
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText('Open Service connected').waitFor();
    await shoot('connected');

    await page.goto(`${platform.url}/connect/?session_token=pier_connect_session_never-issued`);
    await page.getByText('Link not valid').waitFor();
    expect(await page.textContent('body')).toContain('has expired or is not valid');
    await shoot('invalid-link');

    // One dialog width on every screen of this viewport.
    expect(new Set(Object.values(widths)).size, JSON.stringify(widths)).toBe(1);
    await context.close();
  });

  it('takes the app’s theme from the session, or from the link the frontend SDK builds', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(
      await link({ allowed_integrations: ['keyed'], theme: { primary_color: '#0f766e', color_scheme: 'dark' } }),
    );
    await page.getByRole('button', { name: 'Connect' }).waitFor();
    const look = () =>
      page.evaluate(() => ({
        accent: getComputedStyle(document.documentElement).getPropertyValue('--accent').trim(),
        card: getComputedStyle(document.querySelector('.card') as Element).backgroundColor,
        button: getComputedStyle(document.querySelector('.primary') as Element).backgroundColor,
      }));
    expect(await look()).toEqual({ accent: '#0f766e', card: 'rgb(17, 24, 39)', button: 'rgb(15, 118, 110)' });
    await page.screenshot({ path: resolve(SHOTS, 'themed-dark.png') });
    await page.goto(`${await link({ allowed_integrations: ['keyed'] })}&primary=%23b45309&scheme=light`);
    await page.getByRole('button', { name: 'Connect' }).waitFor();
    expect(await look()).toMatchObject({ accent: '#b45309', card: 'rgb(255, 255, 255)' });
    const bad = await api('POST', '/connect/sessions', { theme: { primary_color: 'red; background:url(x)' } });
    expect(bad.error.code).toBe('invalid_body');
    expect((await fetch(`${platform.url}/favicon.ico`)).headers.get('content-type')).toBe('image/svg+xml');
    await context.close();
  });
});
