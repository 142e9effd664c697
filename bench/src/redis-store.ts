import type { Redis } from 'ioredis';

/** A field of `INFO <section>` as a string ('' when absent). */
async function info(redis: Redis, section: string, field: string): Promise<string> {
  const text = await redis.info(section);
  const line = text.split('\r\n').find((l) => l.startsWith(`${field}:`));
  return line ? line.slice(field.length + 1).trim() : '';
}

export function redisVersion(redis: Redis): Promise<string> {
  return info(redis, 'server', 'redis_version');
}

/** `used_memory` of the whole server, in bytes (shared with everything else on it). */
export async function usedMemory(redis: Redis): Promise<number> {
  return Number(await info(redis, 'memory', 'used_memory'));
}

/** Every key under `prefix:`, in SCAN batches. */
async function forEachKeyBatch(
  redis: Redis,
  prefix: string,
  onBatch: (keys: string[]) => Promise<void>,
): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await onBatch(keys);
  } while (cursor !== '0');
}

/**
 * How many keys live under `prefix:` and what `MEMORY USAGE` (every element sampled) says
 * they take: this run's own data, unlike `used_memory`, which the shared server's other
 * users move too. It leaves out allocator overhead and fragmentation.
 */
export async function prefixFootprint(
  redis: Redis,
  prefix: string,
): Promise<{ keys: number; bytes: number }> {
  let keys = 0;
  let bytes = 0;
  await forEachKeyBatch(redis, prefix, async (batch) => {
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
    for (const [error, usage] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      // A key that expired between SCAN and MEMORY USAGE answers nil.
      if (usage !== null) {
        keys++;
        bytes += Number(usage);
      }
    }
  });
  return { keys, bytes };
}

/** Deletes every key under `prefix:` (this run's keys in a shared Redis; never FLUSHALL). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  await forEachKeyBatch(redis, prefix, async (batch) => {
    await redis.unlink(...batch);
  });
}
