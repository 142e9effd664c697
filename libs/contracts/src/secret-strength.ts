import { MIN_SECRET_LENGTH } from './signing-constants';

/** The command every refusal suggests: 32 random bytes, as 64 hex characters. */
export const SECRET_GENERATE_COMMAND = 'openssl rand -hex 32';

/**
 * Least estimated entropy of a secret, in bits: its length times the Shannon entropy of its
 * own characters. A random hex string of 32 characters (128 real bits) estimates at about
 * 112 and, in 200,000 samples, never below 93 (its characters are never perfectly even);
 * 32 identical characters estimate at 0, `aaaaaaaabbbbbbbbccccccccdddddddd` at 64.
 */
export const MIN_SECRET_ENTROPY_BITS = 80;

/** Shannon entropy of the string's character distribution, in bits per character. */
function bitsPerCharacter(value: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * The shortest block the string repeats (`abcabcab` -> 3), from the Knuth-Morris-Pratt
 * failure function: linear in the length.
 */
function shortestPeriod(value: readonly string[]): number {
  const failure = new Array<number>(value.length).fill(0);
  for (let i = 1, k = 0; i < value.length; i++) {
    while (k > 0 && value[i] !== value[k]) k = failure[k - 1] ?? 0;
    if (value[i] === value[k]) k++;
    failure[i] = k;
  }
  return value.length - (failure[value.length - 1] ?? 0);
}

/**
 * Why `secret` is too weak to sign requests or to be an admin token, or undefined when it is
 * strong enough. The rule: at least {@link MIN_SECRET_LENGTH} characters; not a shorter block
 * repeated (`changeme` × 4, `abcd` × 8); and at least {@link MIN_SECRET_ENTROPY_BITS} bits of
 * estimated entropy. It refuses the values people type, not every weak secret: generate one
 * with `openssl rand -hex 32`. The message never contains the secret.
 */
export function secretProblem(secret: string): string | undefined {
  const hint = `generate one with \`${SECRET_GENERATE_COMMAND}\``;
  const chars = Array.from(secret);
  if (chars.length < MIN_SECRET_LENGTH) {
    return `must be at least ${MIN_SECRET_LENGTH} characters (got ${chars.length}); ${hint}`;
  }
  const period = shortestPeriod(chars);
  if (period <= chars.length / 2) {
    return `repeats a block of ${period} character${period === 1 ? '' : 's'}: it has no real entropy; ${hint}`;
  }
  const bits = Math.floor(bitsPerCharacter(chars) * chars.length);
  if (bits < MIN_SECRET_ENTROPY_BITS) {
    return `has too little entropy (about ${bits} bits, at least ${MIN_SECRET_ENTROPY_BITS} needed: too few different characters); ${hint}`;
  }
  return undefined;
}
