import { Coalescer, type Settled } from './coalescer';

/** A send that stays open until the test ends it. */
interface Held {
  items: string[];
  end: (results: Settled<string>[] | Error) => void;
}

function coalescer(options: { maxInFlight?: number; maxItems?: number; maxWeight?: number } = {}) {
  const sends: Held[] = [];
  let idle = 0;
  const subject = new Coalescer<string, string>({
    maxInFlight: options.maxInFlight ?? 1,
    maxItems: options.maxItems ?? 100,
    maxWeight: options.maxWeight ?? 1_000,
    weigh: (item) => item.length,
    send: (items) =>
      new Promise((resolve, reject) => {
        sends.push({
          items,
          end: (results) => {
            if (results instanceof Error) reject(results);
            else resolve(results);
          },
        });
      }),
    onIdle: () => {
      idle++;
    },
  });
  return { subject, sends, idleCount: () => idle };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const echo = (held: Held | undefined): void =>
  held?.end(held.items.map((item) => ({ value: item.toUpperCase() })));

describe('Coalescer', () => {
  it('sends the first item at once and the ones that came meanwhile together, then reports idle', async () => {
    const { subject, sends, idleCount } = coalescer();
    const results = ['a', 'b', 'c'].map((item) => subject.submit(item));
    expect(sends.map((s) => s.items)).toEqual([['a']]);
    echo(sends[0]);
    await flush();
    expect(sends.map((s) => s.items)).toEqual([['a'], ['b', 'c']]);
    expect(idleCount()).toBe(0);
    echo(sends[1]);
    expect(await Promise.all(results)).toEqual(['A', 'B', 'C']);
    await flush();
    expect(idleCount()).toBe(1);
  });

  it('keeps to the item and weight limits; an item heavier than the limit goes alone', async () => {
    const { subject, sends } = coalescer({ maxItems: 2, maxWeight: 5 });
    const all = ['x', 'aaa', 'bbb', 'cc', 'd', 'e', 'toolongitem', 'f'].map((item) => subject.submit(item));
    for (let i = 0; i < 6; i++) {
      echo(sends[i]);
      await flush();
    }
    expect(sends.map((s) => s.items)).toEqual([
      ['x'],
      ['aaa'],
      ['bbb', 'cc'],
      ['d', 'e'],
      ['toolongitem'],
      ['f'],
    ]);
    await Promise.all(all);
  });

  it('settles each item on its own, and fails every item of a failed send', async () => {
    const { subject, sends } = coalescer({ maxInFlight: 2 });
    const first = subject.submit('a');
    const second = subject.submit('b');
    sends[0]?.end([{ error: new Error('refused a') }]);
    sends[1]?.end(new Error('no answer'));
    await expect(first).rejects.toThrow('refused a');
    await expect(second).rejects.toThrow('no answer');
    const third = subject.submit('c');
    await flush();
    sends[2]?.end([]);
    await expect(third).rejects.toThrow('answered 0 result(s) for 1 item(s)');
  });
});
