import { MAX_JSON_DEPTH, parseJsonText } from './json-text';

describe('parseJsonText', () => {
  it('parses ordinary JSON', () => {
    expect(parseJsonText('{"a":[1,{"b":"x"}],"c":null}')).toEqual({
      ok: true,
      value: { a: [1, { b: 'x' }], c: null },
    });
  });

  it('accepts nesting up to the limit and refuses one level more, before parsing', () => {
    const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    expect(parseJsonText(nested(MAX_JSON_DEPTH)).ok).toBe(true);
    expect(parseJsonText(nested(MAX_JSON_DEPTH + 1))).toMatchObject({
      ok: false,
      problem: 'too-deep',
      field: '(body)',
    });
    // Even when the deep text is not valid JSON: the depth check runs first.
    expect(parseJsonText('{"a":'.repeat(5000))).toMatchObject({ ok: false, problem: 'too-deep' });
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ s: '[[[[{{{{\\"[[[['.repeat(100) });
    expect(parseJsonText(text, 2)).toMatchObject({ ok: true });
  });

  it('refuses text that is not JSON', () => {
    expect(parseJsonText('{"a":')).toMatchObject({ ok: false, problem: 'not-json', field: '(body)' });
    expect(parseJsonText('')).toMatchObject({ ok: false, problem: 'not-json' });
  });

  it('names the path of a __proto__ key', () => {
    expect(parseJsonText('{"labels":{"__proto__":{"x":1}}}')).toMatchObject({
      ok: false,
      problem: 'forbidden-key',
      field: 'labels.__proto__',
    });
    expect(parseJsonText('{"a":[{},{"__proto__":1}]}')).toMatchObject({ field: 'a.1.__proto__' });
    expect(parseJsonText('{"__proto__":null}')).toMatchObject({ field: '__proto__' });
    expect(parseJsonText('{"s":"__proto__","constructor":1}')).toMatchObject({ ok: true });
  });

  it('parses a 2 MB body of 100,000 list items', () => {
    const text = JSON.stringify({ items: Array.from({ length: 100_000 }, (_, i) => ({ i })) });
    expect(parseJsonText(text)).toMatchObject({ ok: true });
  });
});
