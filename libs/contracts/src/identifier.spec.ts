import { freeTextCharacterProblem, identifierCharacterProblem } from './identifier';

describe('identifierCharacterProblem', () => {
  it('never echoes the refused character itself', () => {
    expect(identifierCharacterProblem('a\u202Eb')).toBe(
      'contains a bidirectional control character (U+202E) at position 2',
    );
    expect(identifierCharacterProblem('a\u202Eb')).not.toMatch(/\u202E/);
  });
});

describe('freeTextCharacterProblem', () => {
  it('allows tabs and line breaks, emoji sequences with joiners', () => {
    expect(freeTextCharacterProblem('line one\nline two\r\n\tindented 👩\u200D💻')).toBeUndefined();
  });

  it('refuses NUL, other controls, bidi controls, separators and lone surrogates', () => {
    expect(freeTextCharacterProblem('a\u0000')).toBe('contains a NUL character (U+0000) at position 2');
    expect(freeTextCharacterProblem('\u001b[2J')).toBe('contains a control character (U+001B) at position 1');
    expect(freeTextCharacterProblem('ok \u202Eevil')).toBe(
      'contains a bidirectional control character (U+202E) at position 4',
    );
    expect(freeTextCharacterProblem('a\u2029')).toBe(
      'contains a line or paragraph separator (U+2029) at position 2',
    );
    expect(freeTextCharacterProblem('\uDC00')).toBe('contains a lone surrogate (U+DC00) at position 1');
  });
});
