import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ErrorCode,
  formatJobKey,
  type HeartbeatResponse,
  PROTOCOL_VERSION,
  type RegisterResponse,
} from '@chaconne/contracts';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppError, ValidationFailed } from '../../common/app-error';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import type { PersistJobCommand } from '../job-definition/dto/persist-job.dto';
import { JobDefinitionService } from '../job-definition/job-definition.service';
import { REDIS, RedisKeys } from '../redis/redis.module';
import type { RegisterBody } from './dto/worker-requests.dto';
import { WorkerInstanceEntity, WorkerInstanceState } from './worker-instance.entity';

/** A live instance that may receive a run. */
export interface WorkerCandidate {
  instanceId: string;
  baseUrl: string;
}

/** Heartbeats missed before an instance is no longer chosen (and its runs count as lost). */
export const MISSED_BEATS = 3;

// One round trip per fire: live, non-draining members of a group plus the group's
// cluster-wide round-robin counter (shared by every manager).
const CANDIDATES_SCRIPT = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
local out = {}
for _, id in ipairs(ids) do
  local h = redis.call('HMGET', ARGV[2] .. id, 'baseUrl', 'jobs', 'draining')
  if h[1] and h[3] ~= '1' then
    table.insert(out, id); table.insert(out, h[1]); table.insert(out, h[2] or '[]')
  end
end
return {redis.call('INCR', KEYS[2]), out}`;

// Refreshes liveness only for instances whose details are still in Redis.
const HEARTBEAT_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('HSET', KEYS[2], 'draining', ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
return 1`;

function simpleName(className: string): string {
  return className.slice(className.lastIndexOf('.') + 1);
}

/**
 * Worker instances: durable records in MySQL, liveness in Redis (a sorted set of last
 * heartbeats per group). Redis is rebuilt from MySQL when a known instance beats again.
 */
@Injectable()
export class WorkerRegistryService {
  private readonly logger = new Logger(WorkerRegistryService.name);
  private readonly parsedJobs = new Map<string, Set<string>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobDefinitionService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  async register(body: RegisterBody): Promise<RegisterResponse> {
    if (body.protocolVersion !== PROTOCOL_VERSION) {
      throw new AppError(
        ErrorCode.INCOMPATIBLE_PROTOCOL,
        `worker ${body.instanceId} speaks protocol ${body.protocolVersion} (SDK ${body.sdkVersion}); this manager speaks protocol ${PROTOCOL_VERSION}. Use a @chaconne/worker release made for this manager.`,
        400,
      );
    }
    // Validate every code-defined job before storing anything.
    const commands = body.jobs.map((job, i): PersistJobCommand | null => {
      if (job.definition === undefined) return null;
      const command = this.jobs.validate(job.definition, `jobs.${i}.definition.`);
      const key = command.jobKey;
      if (key.clusterName !== body.clusterName || key.groupName !== body.groupName) {
        throw ValidationFailed.of(
          `jobs.${i}.definition.jobKey`,
          `${formatJobKey(key)} is not in this instance's cluster/group ${body.clusterName}/${body.groupName}`,
        );
      }
      if (key.jobClassName !== job.jobClassName) {
        throw ValidationFailed.of(
          `jobs.${i}.definition.jobKey.jobClassName`,
          `must equal jobs.${i}.jobClassName (${job.jobClassName})`,
        );
      }
      return command;
    });
    const jobIds: RegisterResponse['jobs'] = [];
    for (const [i, command] of commands.entries()) {
      const jobClassName = body.jobs[i]?.jobClassName ?? '';
      jobIds.push({
        jobClassName,
        jobId: command
          ? (await this.jobs.persist(command, { source: 'worker', actor: body.instanceId })).jobId
          : null,
      });
    }

    const now = new Date();
    const instance = this.dataSource.getRepository(WorkerInstanceEntity).create({
      instanceId: body.instanceId,
      clusterName: body.clusterName,
      groupName: body.groupName,
      baseUrl: body.baseUrl.replace(/\/+$/, ''),
      baseUrlSource: body.baseUrlSource,
      weight: body.weight,
      labels: JSON.stringify(body.labels),
      jobs: JSON.stringify(body.jobs.map((j) => j.jobClassName)),
      sdkVersion: body.sdkVersion,
      protocolVersion: body.protocolVersion,
      state: WorkerInstanceState.ACTIVE,
      startedAt: Number.isNaN(Date.parse(body.startedAt)) ? now : new Date(body.startedAt),
      registeredAt: now,
      deregisteredAt: null,
    });
    await this.dataSource.getRepository(WorkerInstanceEntity).save(instance);
    await this.publish(instance, false);
    this.logger.log(
      `registered ${instance.instanceId} (${instance.clusterName}/${instance.groupName}) at ${instance.baseUrl} [${instance.baseUrlSource}], ${body.jobs.length} job(s)`,
    );
    return {
      instanceId: instance.instanceId,
      heartbeatIntervalMs: this.config.heartbeatIntervalMs,
      jobs: jobIds,
    };
  }

  async heartbeat(instanceId: string, draining: boolean): Promise<HeartbeatResponse> {
    const live = await this.redis.eval(
      HEARTBEAT_SCRIPT,
      2,
      await this.liveKeyOf(instanceId),
      this.instanceKey(instanceId),
      Date.now(),
      instanceId,
      draining ? '1' : '0',
    );
    if (live === 1) return { known: true };
    // Redis lost the instance (flush or restart): rebuild it from MySQL.
    const instance = await this.dataSource.getRepository(WorkerInstanceEntity).findOneBy({ instanceId });
    if (!instance || instance.state === WorkerInstanceState.DEREGISTERED) return { known: false };
    await this.publish(instance, draining);
    return { known: true };
  }

  async deregister(instanceId: string): Promise<void> {
    const instance = await this.dataSource.getRepository(WorkerInstanceEntity).findOneBy({ instanceId });
    if (!instance) return;
    await this.redis
      .multi()
      .zrem(this.liveKey(instance.clusterName, instance.groupName), instanceId)
      .del(this.instanceKey(instanceId))
      .exec();
    await this.dataSource
      .getRepository(WorkerInstanceEntity)
      .update({ instanceId }, { state: WorkerInstanceState.DEREGISTERED, deregisteredAt: new Date() });
    this.logger.log(`deregistered ${instanceId}`);
  }

  /**
   * Live instances of the group that can run `jobClassName`, in a stable order rotated
   * by the cluster-wide round-robin counter: the first is the choice, the rest failover.
   */
  async candidates(clusterName: string, groupName: string, jobClassName: string): Promise<WorkerCandidate[]> {
    const cutoff = Date.now() - MISSED_BEATS * this.config.heartbeatIntervalMs;
    const [counter, flat] = (await this.redis.eval(
      CANDIDATES_SCRIPT,
      2,
      this.liveKey(clusterName, groupName),
      this.keys.key('rr', clusterName, groupName),
      cutoff,
      this.instanceKey(''),
    )) as [number, string[]];
    const wanted = simpleName(jobClassName);
    const list: WorkerCandidate[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const [instanceId, baseUrl, jobs] = [flat[i] ?? '', flat[i + 1] ?? '', flat[i + 2] ?? '[]'];
      const runnable = this.jobsOf(jobs);
      if (runnable.has(jobClassName) || runnable.has(wanted)) list.push({ instanceId, baseUrl });
    }
    list.sort((a, b) => (a.instanceId < b.instanceId ? -1 : 1));
    if (list.length === 0) return list;
    const start = counter % list.length;
    return [...list.slice(start), ...list.slice(0, start)];
  }

  /** The instances among `instanceIds` that have missed three heartbeats (or are unknown to Redis). */
  async lostInstances(instanceIds: string[], now = Date.now()): Promise<Set<string>> {
    const lost = new Set<string>();
    if (instanceIds.length === 0) return lost;
    const groups = await Promise.all(
      instanceIds.map((id) => this.redis.hmget(this.instanceKey(id), 'clusterName', 'groupName')),
    );
    const beats = await Promise.all(
      instanceIds.map((id, i) => {
        const [clusterName, groupName] = groups[i] ?? [];
        return clusterName && groupName
          ? this.redis.zscore(this.liveKey(clusterName, groupName), id)
          : Promise.resolve(null);
      }),
    );
    const cutoff = now - MISSED_BEATS * this.config.heartbeatIntervalMs;
    instanceIds.forEach((id, i) => {
      const beat = beats[i];
      if (beat === null || beat === undefined || Number(beat) < cutoff) lost.add(id);
    });
    return lost;
  }

  private jobsOf(json: string): Set<string> {
    let set = this.parsedJobs.get(json);
    if (!set) {
      const names = JSON.parse(json) as string[];
      set = new Set(names.flatMap((n) => [n, simpleName(n)]));
      if (this.parsedJobs.size > 1000) this.parsedJobs.clear();
      this.parsedJobs.set(json, set);
    }
    return set;
  }

  private async publish(instance: WorkerInstanceEntity, draining: boolean): Promise<void> {
    await this.redis
      .multi()
      .hset(this.instanceKey(instance.instanceId), {
        baseUrl: instance.baseUrl,
        jobs: instance.jobs,
        draining: draining ? '1' : '0',
        clusterName: instance.clusterName,
        groupName: instance.groupName,
        weight: String(instance.weight),
      })
      .zadd(this.liveKey(instance.clusterName, instance.groupName), Date.now(), instance.instanceId)
      .exec();
  }

  private async liveKeyOf(instanceId: string): Promise<string> {
    const [clusterName, groupName] = await this.redis.hmget(
      this.instanceKey(instanceId),
      'clusterName',
      'groupName',
    );
    return this.liveKey(clusterName ?? '', groupName ?? '');
  }

  private liveKey(clusterName: string, groupName: string): string {
    return this.keys.key('live', clusterName, groupName);
  }

  private instanceKey(instanceId: string): string {
    return this.keys.key('instance', instanceId);
  }
}
