import {
  type BalancerCandidate,
  type BalanceRequest,
  formatJobKey,
  type LoadBalancer,
  LoadBalancerName,
} from '@chaconne/contracts';

type Candidates = readonly BalancerCandidate[];

/** The list starting at `index`, wrapping around: the choice first, the failover order after it. */
function rotate(list: Candidates, index: number): BalancerCandidate[] {
  const start = ((index % list.length) + list.length) % list.length;
  return [...list.slice(start), ...list.slice(0, start)];
}

/** The candidate whose share of the total weight contains `point` (0 <= point < 1). */
function byWeight(list: Candidates, point: number): number {
  const total = list.reduce((sum, c) => sum + Math.max(c.weight, 0), 0);
  if (total <= 0) return Math.floor(point * list.length);
  let at = point * total;
  for (const [i, candidate] of list.entries()) {
    at -= Math.max(candidate.weight, 0);
    if (at < 0) return i;
  }
  return list.length - 1;
}

/** 32-bit FNV-1a: a fast, well-spread string hash (not for security). */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // Final avalanche (murmur3 fmix32) so near-equal inputs spread.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** What CONSISTENT_HASH hashes: the attachment field named by `hashKey`, else the job key. */
export function hashSubject(request: BalanceRequest): string {
  if (request.hashKey !== null && request.attachment !== null) {
    try {
      const parsed = JSON.parse(request.attachment) as unknown;
      if (parsed !== null && typeof parsed === 'object' && request.hashKey in parsed) {
        return JSON.stringify((parsed as Record<string, unknown>)[request.hashKey]);
      }
    } catch {
      // not JSON: fall back to the job key
    }
  }
  return formatJobKey(request.jobKey);
}

/** The golden ratio's fraction: successive multiples of it spread evenly over [0, 1). */
const PHI_FRACTION = 0.6180339887498949;

export const BUILT_IN_BALANCERS: Readonly<Record<LoadBalancerName, LoadBalancer>> = {
  [LoadBalancerName.ROUND_ROBIN]: { order: (list, request) => rotate(list, request.counter) },
  [LoadBalancerName.RANDOM]: { order: (list) => rotate(list, Math.floor(Math.random() * list.length)) },
  [LoadBalancerName.WEIGHTED_RANDOM]: { order: (list) => rotate(list, byWeight(list, Math.random())) },
  // Interleaved: the counter's golden-ratio point walks the weight line evenly, so each
  // instance gets its share in every window, not in long streaks.
  [LoadBalancerName.WEIGHTED_ROUND_ROBIN]: {
    order: (list, request) => rotate(list, byWeight(list, (request.counter * PHI_FRACTION) % 1)),
  },
  // Ties (e.g. all idle) rotate with the counter, so idle instances share the work.
  [LoadBalancerName.LEAST_ACTIVE]: {
    order: (list, request) => rotate(list, request.counter).sort((a, b) => a.activeRuns - b.activeRuns),
  },
  // Rendezvous hashing: each instance scores the subject; the highest wins. Losing an
  // instance moves only the subjects it held.
  [LoadBalancerName.CONSISTENT_HASH]: {
    order: (list, request) => {
      const subject = hashSubject(request);
      return list
        .map((candidate) => ({ candidate, score: fnv1a(`${subject}|${candidate.instanceId}`) }))
        .sort((a, b) => b.score - a.score)
        .map((scored) => scored.candidate);
    },
  },
  [LoadBalancerName.FIRST]: { order: (list) => [...list] },
};
