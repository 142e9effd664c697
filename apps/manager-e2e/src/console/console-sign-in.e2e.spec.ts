import { waitFor } from '@chaconne/testing';
import type { Browser } from 'playwright-core';
import {
  type ConsolePage,
  launchChromium,
  openConsolePage,
  PHONE,
  screenshot,
  signIn,
  unexpectedConsoleErrors,
} from '../support/browser';
import { managerCli, newStack, type ProcessHandle, startManager, tearDown } from '../support/processes';

/**
 * Signing in to the console in Chromium against a real manager: the admin token is checked,
 * kept in the tab's sessionStorage only, forgotten on sign-out, and a token revoked meanwhile
 * sends the user back to sign-in with a message.
 */
const stack = newStack();
let manager: { handle: ProcessHandle; url: string };
let browser: Browser;
const opened: ConsolePage[] = [];

async function open(viewport?: { width: number; height: number }): Promise<ConsolePage> {
  const consolePage = await openConsolePage(browser, viewport);
  opened.push(consolePage);
  return consolePage;
}

/** Every value this page's origin keeps in sessionStorage, localStorage and document.cookie. */
async function stored(
  consolePage: ConsolePage,
): Promise<{ session: string[]; local: string[]; cookie: string }> {
  return consolePage.page.evaluate(`({
    session: Object.keys(sessionStorage).map((k) => sessionStorage.getItem(k)),
    local: Object.keys(localStorage).map((k) => localStorage.getItem(k)),
    cookie: document.cookie,
  })`);
}

function expectNoProblems(consolePage: ConsolePage): void {
  expect(consolePage.problems.cspViolations).toEqual([]);
  expect(unexpectedConsoleErrors(consolePage.problems)).toEqual([]);
}

beforeAll(async () => {
  [manager, browser] = await Promise.all([startManager(stack), launchChromium()]);
}, 90_000);

afterAll(async () => {
  await tearDown(
    stack,
    opened.map((consolePage) => consolePage.context),
    browser,
    manager,
  );
});

describe('signing in to the console', () => {
  it('sends a visitor without a session to sign-in and refuses a wrong token with a message', async () => {
    const consolePage = await open();
    const { page } = consolePage;
    await page.goto(`${manager.url}/console/jobs?state=PAUSED`);
    await page.getByLabel('Admin API token').waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/jobs?state=PAUSED');
    await screenshot(page, 'sign-in');

    await page.getByLabel('Admin API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(
      page.getByText('The manager does not accept this token.').waitFor(),
    ).resolves.toBeUndefined();
    expect((await stored(consolePage)).session).not.toContain('not-the-token');
    await screenshot(page, 'sign-in-refused');
    expectNoProblems(consolePage);
  }, 30_000);

  it('signs in with the right token, keeps it in sessionStorage only, and sign-out forgets it', async () => {
    const consolePage = await open();
    const { page, context, problems } = consolePage;
    await signIn(page, manager.url, stack.adminToken);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Jobs', exact: true })
      .click();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();

    const kept = await stored(consolePage);
    expect(kept.session).toContain(stack.adminToken);
    expect(kept.local.join('\n')).not.toContain(stack.adminToken);
    expect(kept.cookie).not.toContain(stack.adminToken);
    expect((await context.cookies()).map((c) => c.value).join('\n')).not.toContain(stack.adminToken);
    expect(problems.requestedUrls.length).toBeGreaterThan(0);
    expect(problems.requestedUrls.filter((url) => url.includes(stack.adminToken))).toEqual([]);
    expect(page.url()).not.toContain(stack.adminToken);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin API token').waitFor();
    await expect(page.getByTestId('sign-in-notice').textContent()).resolves.toContain('You signed out.');
    expect((await stored(consolePage)).session).not.toContain(stack.adminToken);
    // Back to a signed-in page: the session is gone, so it is sign-in again.
    await page.goto(`${manager.url}/console/workers`);
    await page.getByLabel('Admin API token').waitFor();
    expectNoProblems(consolePage);
  }, 30_000);

  it('is usable at phone width: the navigation opens from the burger', async () => {
    const consolePage = await open(PHONE);
    const { page } = consolePage;
    await signIn(page, manager.url, stack.adminToken);
    await screenshot(page, 'phone-overview');
    await page.getByRole('button', { name: 'Navigation' }).click();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Workers', exact: true })
      .click();
    await page.getByRole('heading', { name: 'Workers' }).waitFor();
    await screenshot(page, 'phone-workers');
    expectNoProblems(consolePage);
  }, 30_000);

  it('sends the user back to sign-in with the message once the token is revoked', async () => {
    const created = await managerCli(stack, ['token', 'create', 'console-e2e']);
    const token = created.trim().split('\n').at(-1) ?? '';
    expect(token.length).toBeGreaterThan(20);
    const consolePage = await open();
    const { page } = consolePage;
    await signIn(page, manager.url, token);

    await expect(managerCli(stack, ['token', 'revoke', 'console-e2e'])).resolves.toContain(
      "revoked 'console-e2e'",
    );
    // A manager trusts a verified token for up to 30 s (its cache): the next calls after
    // that are refused, and the console goes back to sign-in.
    await waitFor(
      'the console to send the revoked session back to sign-in',
      async () => {
        await page.goto(`${manager.url}/console/`);
        const shown = await page
          .getByTestId('sign-in-notice')
          .waitFor({ timeout: 3_000 })
          .then(
            () => true,
            () => undefined,
          );
        return shown;
      },
      45_000,
      2_000,
    );
    await expect(page.getByTestId('sign-in-notice').textContent()).resolves.toMatch(/session ended.*401/i);
    expect((await stored(consolePage)).session).not.toContain(token);
    await screenshot(page, 'sign-in-after-revoke');
    expectNoProblems(consolePage);
  }, 70_000);
});
