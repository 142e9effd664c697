import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from './processes';

/** Debian's Chromium (`.ci/run` installs it); playwright-core downloads no browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where the console's browser tests save their screenshots (git-ignored). */
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-output', 'console');

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/**
 * One headless Chromium per spec file. `launch` gives it a fresh temporary profile (user-data
 * dir) of its own, removed on close; each {@link ConsolePage} is a new context in it, so no
 * storage is shared between them.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Answers the browser refused or complained about while a page was open. */
export interface PageProblems {
  /** `securitypolicyviolation` events of every document the page loaded. */
  cspViolations: string[];
  /** console.error messages and uncaught errors. */
  consoleErrors: string[];
  /** Every URL the page requested (to check no secret travels in one). */
  requestedUrls: string[];
}

/** A browser context with one page whose problems are recorded. */
export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
}

/** Opens a page in a new context, recording CSP violations, console errors and requests. */
export async function openConsolePage(
  browser: Browser,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport });
  const problems: PageProblems = { cspViolations: [], consoleErrors: [], requestedUrls: [] };
  await context.exposeBinding('__chaconneCspViolation', (_source, report: string) => {
    problems.cspViolations.push(report);
  });
  // A string, not a function: this project compiles without the DOM types. It runs in every
  // document before the page's own scripts.
  await context.addInitScript(`document.addEventListener('securitypolicyviolation', (e) => {
    window.__chaconneCspViolation(
      e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' in ' + e.documentURI + ': ' + e.sample,
    );
  });`);
  const page = await context.newPage();
  // Fail within a test's time with Playwright's own message (what it waited for), not Jest's.
  page.setDefaultTimeout(10_000);
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => {
    problems.consoleErrors.push(`uncaught: ${error.message}`);
  });
  page.on('request', (request) => {
    problems.requestedUrls.push(request.url());
  });
  return { context, page, problems };
}

/**
 * Console errors other than the browser's own note on an API refusal the test provoked
 * ("Failed to load resource: ... status of 400/401/409"): a wrong token, a bad cron
 * expression. A missing file (404) or a script error still counts.
 */
export function unexpectedConsoleErrors(problems: PageProblems): string[] {
  return problems.consoleErrors.filter(
    (text) => !/^Failed to load resource: the server responded with a status of (400|401|409)\b/.test(text),
  );
}

/** Saves a screenshot of what the page shows as test-output/console/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Signs in on the console's sign-in page (where any console URL leads without a session). */
export async function signIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.getByLabel('Admin API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}
