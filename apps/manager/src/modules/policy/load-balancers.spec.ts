import { type BalancerCandidate, type BalanceRequest, LoadBalancerName } from '@chaconne/contracts';
import { BUILT_IN_BALANCERS, fnv1a, hashSubject } from './load-balancers';

const candidate = (instanceId: string, weight = 1, activeRuns = 0): BalancerCandidate => ({
  instanceId,
  baseUrl: `http://${instanceId}`,
  weight,
  labels: {},
  activeRuns,
  startedAt: 0,
});

const request = (patch: Partial<BalanceRequest> = {}): BalanceRequest => ({
  jobId: 1,
  jobKey: { clusterName: 'c', groupName: 'g', jobName: 'j', jobClassName: 'J' },
  attachment: null,
  attempt: 0,
  previousInstanceId: null,
  counter: 0,
  hashKey: null,
  ...patch,
});

const three = [candidate('a', 1), candidate('b', 2), candidate('c', 3)];

function firsts(name: LoadBalancerName, runs: number, list = three, patch: Partial<BalanceRequest> = {}) {
  const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
  for (let counter = 1; counter <= runs; counter++) {
    const first = BUILT_IN_BALANCERS[name].order(list, request({ counter, ...patch }))[0];
    if (first) counts[first.instanceId] = (counts[first.instanceId] ?? 0) + 1;
  }
  return counts;
}

describe('built-in load balancers', () => {
  it('every balancer answers each candidate exactly once (the failover order)', () => {
    for (const balancer of Object.values(BUILT_IN_BALANCERS)) {
      const ordered = balancer.order(three, request({ counter: 7 }));
      expect(ordered.map((c) => c.instanceId).sort()).toEqual(['a', 'b', 'c']);
    }
  });

  it('ROUND_ROBIN rotates with the counter: an exactly even share', () => {
    expect(firsts(LoadBalancerName.ROUND_ROBIN, 300)).toEqual({ a: 100, b: 100, c: 100 });
  });

  it('WEIGHTED_ROUND_ROBIN gives shares in proportion to the weights, interleaved', () => {
    const counts = firsts(LoadBalancerName.WEIGHTED_ROUND_ROBIN, 600);
    expect(counts.a).toBeGreaterThanOrEqual(98);
    expect(counts.a).toBeLessThanOrEqual(102);
    expect(counts.b).toBeGreaterThanOrEqual(198);
    expect(counts.b).toBeLessThanOrEqual(202);
    expect(counts.c).toBeGreaterThanOrEqual(298);
    expect(counts.c).toBeLessThanOrEqual(302);
    // Interleaved: no instance gets more than 3 choices in a row out of 6 counters.
    const sequence = Array.from(
      { length: 60 },
      (_, i) => BUILT_IN_BALANCERS.WEIGHTED_ROUND_ROBIN.order(three, request({ counter: i }))[0]?.instanceId,
    );
    let longest = 1;
    let run = 1;
    for (let i = 1; i < sequence.length; i++) {
      run = sequence[i] === sequence[i - 1] ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
    expect(longest).toBeLessThanOrEqual(3);
  });

  it('WEIGHTED_RANDOM favours heavier instances; RANDOM reaches all', () => {
    const { a = 0, b = 0, c = 0 } = firsts(LoadBalancerName.WEIGHTED_RANDOM, 6000);
    expect(c).toBeGreaterThan(b);
    expect(b).toBeGreaterThan(a);
    const uniform = firsts(LoadBalancerName.RANDOM, 3000);
    for (const share of Object.values(uniform)) expect(share).toBeGreaterThan(800);
  });

  it('LEAST_ACTIVE picks the instance with the fewest runs in flight, rotating ties', () => {
    const busy = [candidate('a', 1, 5), candidate('b', 1, 0), candidate('c', 1, 2)];
    expect(
      BUILT_IN_BALANCERS.LEAST_ACTIVE.order(busy, request({ counter: 4 })).map((c) => c.instanceId),
    ).toEqual(['b', 'c', 'a']);
    const idle = [candidate('a'), candidate('b'), candidate('c')];
    expect(firsts(LoadBalancerName.LEAST_ACTIVE, 30, idle)).toEqual({ a: 10, b: 10, c: 10 });
  });

  it('CONSISTENT_HASH is sticky per subject and moves only the lost instance’s subjects', () => {
    const subjects = Array.from({ length: 300 }, (_, i) => JSON.stringify({ tenant: `t${i}` }));
    const choice = (list: BalancerCandidate[], attachment: string) =>
      BUILT_IN_BALANCERS.CONSISTENT_HASH.order(list, request({ attachment, hashKey: 'tenant' }))[0]
        ?.instanceId;
    const before = subjects.map((s) => choice(three, s));
    expect(subjects.map((s) => choice(three, s))).toEqual(before);
    expect(new Set(before).size).toBe(3);
    const withoutB = three.filter((c) => c.instanceId !== 'b');
    const after = subjects.map((s) => choice(withoutB, s));
    const moved = subjects.filter((_, i) => before[i] !== 'b' && after[i] !== before[i]);
    expect(moved).toEqual([]);
    expect(after.filter((id) => id === 'b')).toEqual([]);
  });

  it('CONSISTENT_HASH hashes the named attachment field, else the job key', () => {
    expect(hashSubject(request({ attachment: '{"tenant":"acme","x":1}', hashKey: 'tenant' }))).toBe('"acme"');
    expect(hashSubject(request({ attachment: 'not json', hashKey: 'tenant' }))).toBe('c.g.j@J');
    expect(hashSubject(request({ attachment: '{"other":1}', hashKey: 'tenant' }))).toBe('c.g.j@J');
    expect(fnv1a('a')).not.toBe(fnv1a('b'));
  });

  it('FIRST keeps the stable order', () => {
    expect(firsts(LoadBalancerName.FIRST, 10)).toEqual({ a: 10, b: 0, c: 0 });
  });
});
