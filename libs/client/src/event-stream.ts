/** One server-sent event: its `event` name (`message` when unnamed), `data` and `id`. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id: string | null;
}

/**
 * Reads a `text/event-stream` body as events (the WHATWG rules: `event:`, `data:` lines joined
 * by `\n`, `id:`, comments ignored, an event ends at a blank line). Linear in the input; a line
 * longer than `maxLineChars` ends the stream with an error rather than growing without bound.
 */
export async function* readEventStream(
  body: ReadableStream<Uint8Array>,
  maxLineChars = 1_048_576,
): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | null = null;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let start = 0;
      for (let end = buffer.indexOf('\n', start); end !== -1; end = buffer.indexOf('\n', start)) {
        const line = buffer.slice(start, end).replace(/\r$/, '');
        start = end + 1;
        if (line === '') {
          if (data.length > 0) yield { event: event || 'message', data: data.join('\n'), id };
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const text = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = text;
        else if (field === 'data') data.push(text);
        else if (field === 'id') id = text;
      }
      buffer = buffer.slice(start);
      if (buffer.length > maxLineChars)
        throw new Error(`event stream line longer than ${maxLineChars} chars`);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
