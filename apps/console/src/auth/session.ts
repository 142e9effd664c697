/**
 * The admin token of this browser tab: kept in sessionStorage only (never a cookie, never a URL),
 * so it is gone when the tab closes or the user signs out.
 */
const TOKEN_KEY = 'chaconne.adminToken';
const NOTICE_KEY = 'chaconne.signInNotice';

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.removeItem(NOTICE_KEY);
}

/** Forgets the token; `notice` is shown once on the sign-in page (e.g. why the user was sent back). */
export function clearToken(notice?: string): void {
  sessionStorage.removeItem(TOKEN_KEY);
  if (notice) sessionStorage.setItem(NOTICE_KEY, notice);
}

/** The message left by the last sign-out, read once. */
export function takeSignInNotice(): string | null {
  const notice = sessionStorage.getItem(NOTICE_KEY);
  sessionStorage.removeItem(NOTICE_KEY);
  return notice;
}
