/** A job's attachment parsed when it is JSON, else the raw string (or null). */
export function parseAttachment(attachment: string | null): unknown {
  if (attachment === null) return null;
  try {
    return JSON.parse(attachment) as unknown;
  } catch {
    return attachment;
  }
}

/** The value of `key` in a JSON-object attachment, else undefined. */
export function attachmentField(attachment: string | null, key: string): unknown {
  const parsed = parseAttachment(attachment);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)[key]
    : undefined;
}
