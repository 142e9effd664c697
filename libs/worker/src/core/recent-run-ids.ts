/**
 * A bounded set of run ids this process has received, oldest evicted first. It makes a
 * re-sent run request (at-least-once dispatch) a no-op instead of a second execution.
 */
export class RecentRunIds {
  private readonly ids = new Set<number>();

  constructor(private readonly capacity = 10_000) {}

  has(runId: number): boolean {
    return this.ids.has(runId);
  }

  add(runId: number): void {
    this.ids.delete(runId);
    this.ids.add(runId);
    // A Set iterates in insertion order, so the first entry is the oldest.
    for (const oldest of this.ids) {
      if (this.ids.size <= this.capacity) break;
      this.ids.delete(oldest);
    }
  }

  get size(): number {
    return this.ids.size;
  }
}
