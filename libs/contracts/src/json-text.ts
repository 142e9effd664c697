/**
 * The one JSON reader for request bodies on every side (manager routes, xcron, the worker
 * SDK's endpoints): linear in the text's length, with a nesting limit checked before
 * `JSON.parse` runs, and `__proto__` keys (which reach a prototype when copied into an
 * object) refused with their path.
 */

/** Deepest nesting of objects and arrays a request body may have. */
export const MAX_JSON_DEPTH = 32;

/** Refused anywhere in a body: `Object.assign` or a spread copying it sets a prototype. */
const FORBIDDEN_KEY = '__proto__';

export type JsonTextResult =
  | { ok: true; value: unknown }
  /** `field` is the dotted path of the offending key when the problem has one, else `(body)`. */
  | { ok: false; problem: 'not-json' | 'too-deep' | 'forbidden-key'; field: string; reason: string };

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The deepest nesting in `text`, scanning once and skipping string contents; stops as soon
 * as it passes `limit`. Malformed text is left for `JSON.parse` to refuse.
 */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return deepest;
}

/** The path of the first forbidden key in `value` (already depth-limited), or null. */
function forbiddenKeyPath(value: unknown): string | null {
  const stack: { node: unknown; path: string }[] = [{ node: value, path: '' }];
  while (stack.length > 0) {
    const { node, path } = stack.pop() as { node: unknown; path: string };
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      node.forEach((item, index) => stack.push({ node: item, path: path ? `${path}.${index}` : `${index}` }));
      continue;
    }
    for (const key of Object.keys(node)) {
      const keyPath = path ? `${path}.${key}` : key;
      if (key === FORBIDDEN_KEY) return keyPath;
      stack.push({ node: (node as Record<string, unknown>)[key], path: keyPath });
    }
  }
  return null;
}

/**
 * Parses a request body's JSON text. Refuses text nested deeper than `maxDepth` (before
 * parsing it), text that is not JSON, and objects with a `__proto__` key (naming its path).
 */
export function parseJsonText(text: string, maxDepth: number = MAX_JSON_DEPTH): JsonTextResult {
  if (nestingDepth(text, maxDepth) > maxDepth) {
    return {
      ok: false,
      problem: 'too-deep',
      field: '(body)',
      reason: `is nested deeper than ${maxDepth} levels`,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      problem: 'not-json',
      field: '(body)',
      reason: `is not JSON: ${(error as Error).message}`,
    };
  }
  const forbidden = forbiddenKeyPath(value);
  if (forbidden !== null) {
    return {
      ok: false,
      problem: 'forbidden-key',
      field: forbidden,
      reason: `the key '${FORBIDDEN_KEY}' is not allowed`,
    };
  }
  return { ok: true, value };
}
