import { randomBytes } from 'node:crypto';
import { MIN_SECRET_ENTROPY_BITS, secretProblem } from './secret-strength';

describe('secretProblem', () => {
  it('accepts generated secrets: openssl rand -hex 32 / -hex 16, base64', () => {
    for (let i = 0; i < 200; i++) {
      for (const secret of [
        randomBytes(32).toString('hex'),
        randomBytes(16).toString('hex'),
        randomBytes(32).toString('base64url'),
        randomBytes(24).toString('base64'),
      ]) {
        expect(secretProblem(secret)).toBeUndefined();
      }
    }
  });

  it('accepts a long passphrase and the fixtures of this repository', () => {
    expect(secretProblem('correct horse battery staple, twice over')).toBeUndefined();
    expect(secretProblem('test-secret-0123456789-abcdefghijklmnop')).toBeUndefined();
  });

  it('refuses a short secret, with its length and the command that makes a good one', () => {
    expect(secretProblem('short')).toBe(
      'must be at least 32 characters (got 5); generate one with `openssl rand -hex 32`',
    );
  });

  it('refuses 32 identical characters and any shorter block repeated', () => {
    expect(secretProblem('x'.repeat(32))).toBe(
      'repeats a block of 1 character: it has no real entropy; generate one with `openssl rand -hex 32`',
    );
    expect(secretProblem('changeme'.repeat(4))).toMatch(/^repeats a block of 8 characters/);
    expect(secretProblem('0123456789abcdef'.repeat(2))).toMatch(/^repeats a block of 16 characters/);
    // Not a whole number of blocks: still a repetition.
    expect(secretProblem('password1234password1234password')).toMatch(/^repeats a block of 12 characters/);
  });

  it(`refuses fewer than ${MIN_SECRET_ENTROPY_BITS} bits of estimated entropy`, () => {
    expect(secretProblem('aaaaaaaabbbbbbbbccccccccdddddddd')).toBe(
      'has too little entropy (about 64 bits, at least 80 needed: too few different characters); generate one with `openssl rand -hex 32`',
    );
    expect(secretProblem(`${'a'.repeat(31)}b`)).toMatch(/^has too little entropy \(about 6 bits/);
  });

  it('never echoes the secret', () => {
    const weak = 'hunter2!'.repeat(4);
    expect(secretProblem(weak)).not.toContain('hunter2');
  });
});
