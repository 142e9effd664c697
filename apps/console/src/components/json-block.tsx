import { Code, Text } from '@mantine/core';

/** JSON text indented for reading; text that is not JSON as it is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A JSON value (or JSON text) as a scrollable block; a dash when there is none. */
export function JsonBlock({ value, maxHeight = 320 }: { value: unknown; maxHeight?: number }) {
  if (value === null || value === undefined || value === '') return <Text c="dimmed">—</Text>;
  const text = typeof value === 'string' ? prettyJson(value) : JSON.stringify(value, null, 2);
  return (
    <Code block style={{ maxHeight, overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
      {text}
    </Code>
  );
}
