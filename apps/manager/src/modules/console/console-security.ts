import { randomBytes } from 'node:crypto';

/** A fresh CSP nonce: 128 random bits, base64 (one per index.html answer). */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The console page's Content-Security-Policy. Scripts come only from the manager's own
 * files (the Vite bundle; no inline script, no eval). Styles come from the bundled
 * stylesheet and the <style> elements Mantine injects, which carry the page's nonce
 * (MantineProvider `getStyleNonce`). React sets `style` props through the CSSOM, which
 * CSP does not govern, so no 'unsafe-inline' is needed for them. Mantine's CSS draws
 * checkboxes and chevrons as data: images.
 */
export function consolePagePolicy(nonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * For the console's other files (scripts, styles): opened directly, e.g. an SVG, they may
 * run nothing and load nothing. (The page's policy governs them when the page loads them.)
 */
export const CONSOLE_FILE_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** Headers of every console answer besides the policy. */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Hashed file names (assets/) never change content: cached for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current hashed files, so it is revalidated on every load. */
export const NO_CACHE = 'no-cache';
