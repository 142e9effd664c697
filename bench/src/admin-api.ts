/** The manager's answer envelope, as far as the bench reads it. */
export interface Envelope<T> {
  success: boolean;
  msg: string;
  data: T;
  code?: string;
}

/** The admin API of one manager, with its bearer token. */
export class AdminApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  get authorization(): string {
    return `Bearer ${this.token}`;
  }

  async post<T = unknown>(path: string, body: unknown): Promise<{ status: number; body: Envelope<T> }> {
    const response = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: this.authorization },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Envelope<T> };
  }

  /** POSTs and fails on anything but 200, with the manager's message. */
  async call<T = unknown>(path: string, body: unknown): Promise<T> {
    const answer = await this.post<T>(path, body);
    if (answer.status !== 200)
      throw new Error(`${path} answered ${answer.status} ${answer.body.code ?? ''}: ${answer.body.msg}`);
    return answer.body.data;
  }
}

/**
 * Calls `task(i)` for i = 0 .. count-1 with at most `concurrency` in flight; the first
 * failure stops handing out new work and is rethrown once the in-flight calls settle.
 */
export async function forEachBounded(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < count) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  if (failure !== undefined) throw failure.error;
}
