/** Largest run request accepted (attachments are small JSON documents). */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/**
 * Reads a request stream to the end into one Buffer, refusing more than `limitBytes`.
 * For adapters whose host framework has not consumed the body.
 */
export async function readRawBody(
  stream: AsyncIterable<unknown>,
  limitBytes = MAX_REQUEST_BYTES,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limitBytes) throw new BodyTooLargeError(`request body exceeds ${limitBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, size);
}
