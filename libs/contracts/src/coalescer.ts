/** One item's fate in a combined send: its value, or its own error. */
export type Settled<R> = { value: R } | { error: unknown };

export interface CoalescerOptions<T, R> {
  /** Sends under way at once; items submitted meanwhile wait and go together. */
  maxInFlight: number;
  /** The most items one send carries. */
  maxItems: number;
  /** The most weight (e.g. bytes) one send carries; a heavier item still goes, alone. */
  maxWeight: number;
  weigh(item: T): number;
  /**
   * Sends items together; answers one result per item, in order. A rejection (or a result
   * count that does not match) fails every item of the send with that error.
   */
  send(items: T[]): Promise<Settled<R>[]>;
  /** Called when nothing is waiting or under way any more. */
  onIdle?(): void;
}

/**
 * Combines concurrent requests without waiting for a timer: the first items go at once,
 * and those that come while `maxInFlight` sends are under way go together in the next one.
 * A light load sends one item at a time with no added latency; a burst sends few, large
 * requests. Used for run requests (manager -> worker) and reports (worker -> manager).
 */
export class Coalescer<T, R> {
  private readonly queue: {
    item: T;
    weight: number;
    resolve: (value: R) => void;
    reject: (error: unknown) => void;
  }[] = [];
  private inFlight = 0;

  constructor(private readonly options: CoalescerOptions<T, R>) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, weight: this.options.weigh(item), resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.deliver(batch).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.inFlight === 0) this.options.onIdle?.();
      });
    }
  }

  private take(): typeof this.queue {
    let count = 0;
    let weight = 0;
    for (const pending of this.queue) {
      if (count === this.options.maxItems) break;
      if (count > 0 && weight + pending.weight > this.options.maxWeight) break;
      count++;
      weight += pending.weight;
    }
    return this.queue.splice(0, Math.max(1, count));
  }

  private async deliver(batch: typeof this.queue): Promise<void> {
    let results: Settled<R>[];
    try {
      results = await this.options.send(batch.map((pending) => pending.item));
      if (results.length !== batch.length) {
        throw new Error(`answered ${results.length} result(s) for ${batch.length} item(s)`);
      }
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, index) => {
      const result = results[index];
      if (result === undefined) pending.reject(new Error('no result'));
      else if ('error' in result) pending.reject(result.error);
      else pending.resolve(result.value);
    });
  }
}
