/** What a process writes to stdout and stderr while it is captured. */
export interface CapturedOutput {
  text(): string;
  /** The non-empty lines written so far. */
  lines(): string[];
  /** Gives stdout and stderr back. */
  stop(): void;
}

/** Captures everything written to stdout and stderr from now on, until `stop()` (nothing reaches the terminal meanwhile). */
export function captureOutput(): CapturedOutput {
  const chunks: string[] = [];
  const writers = {
    out: process.stdout.write.bind(process.stdout),
    err: process.stderr.write.bind(process.stderr),
  };
  const capture = ((chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  return {
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== ''),
    stop: () => {
      process.stdout.write = writers.out;
      process.stderr.write = writers.err;
    },
  };
}

/** What is written to stdout and stderr while `run` runs (awaited). */
export async function outputOf(run: () => unknown): Promise<CapturedOutput> {
  const output = captureOutput();
  try {
    await run();
  } finally {
    output.stop();
  }
  return output;
}
