import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type BalancerCandidate,
  ErrorCode,
  type FieldError,
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
import { REDIS, RedisEpoch, RedisKeys } from '../redis/redis.module';
import { type RegisterBody, REPORT_BATCH_LIMIT } from './dto/worker-requests.dto';
import { lossWindowMs, ManagerPresence } from './manager-presence.service';
import { WorkerInstanceEntity, WorkerInstanceState } from './worker-instance.entity';

/** What a heartbeat says about its instance. */
export interface HeartbeatBeat {
  draining: boolean;
  activeRuns: number;
  /** null: no limit; undefined: not said. */
  capacity?: number | null;
}

/** An instance's last heartbeat (epoch ms) and what it said. */
export interface InstanceBeat {
  instanceId: string;
  lastBeatAt: number;
  draining: boolean;
  activeRuns: number;
  capacity: number | null;
}

/** A live instance that may receive a run. */
export type WorkerCandidate = BalancerCandidate;

/** The live instances that may run a job, in a stable order, and the job's balancing counter. */
export interface CandidateSet {
  candidates: WorkerCandidate[];
  counter: number;
}

export { lossWindowMs, MISSED_BEATS } from './manager-presence.service';

// One round trip per fire: live, non-draining members of a group with what balancers
// need (weight, labels, runs in flight, start time), plus the job's cluster-wide counter.
const CANDIDATES_SCRIPT = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
local out = {}
for _, id in ipairs(ids) do
  local h = redis.call('HMGET', ARGV[2] .. id, 'baseUrl', 'jobs', 'draining', 'weight', 'labels', 'startedAt')
  if h[1] and h[3] ~= '1' then
    local active = redis.call('HGET', KEYS[3], id) or '0'
    table.insert(out, id); table.insert(out, h[1]); table.insert(out, h[2] or '[]')
    table.insert(out, h[4] or '1'); table.insert(out, h[5] or '{}'); table.insert(out, h[6] or '0')
    table.insert(out, active)
  end
end
return {redis.call('INCR', KEYS[2]), out}`;
const CANDIDATE_FIELDS = 7;

// Refreshes liveness only for instances whose details are still in Redis. The beat's own
// numbers are kept for the console; the active hash is also counted up by dispatches.
const HEARTBEAT_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('HSET', KEYS[2], 'draining', ARGV[3], 'beatActiveRuns', ARGV[4], 'capacity', ARGV[5])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[4])
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
return 1`;

function labelsMatch(
  required: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const [name, value] of Object.entries(required)) if (labels[name] !== value) return false;
  return true;
}

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
    private readonly presence: ManagerPresence,
    private readonly epoch: RedisEpoch,
  ) {}

  async register(body: RegisterBody): Promise<RegisterResponse> {
    if (body.protocolVersion !== PROTOCOL_VERSION) {
      throw new AppError(
        ErrorCode.INCOMPATIBLE_PROTOCOL,
        `worker ${body.instanceId} speaks protocol ${body.protocolVersion} (SDK ${body.sdkVersion}); this manager speaks protocol ${PROTOCOL_VERSION}. Use a @chaconne/worker release made for this manager.`,
        400,
      );
    }
    // Validate every code-defined job before storing anything, and list every problem of all of them.
    const problems: FieldError[] = [];
    const commands = body.jobs.map((job, i): PersistJobCommand | null => {
      if (job.definition === undefined) return null;
      let command: PersistJobCommand;
      try {
        command = this.jobs.validate(job.definition, `jobs.${i}.definition.`);
      } catch (error) {
        if (!(error instanceof ValidationFailed) || !error.fieldErrors) throw error;
        problems.push(...error.fieldErrors);
        return null;
      }
      const key = command.jobKey;
      if (key.clusterName !== body.clusterName || key.groupName !== body.groupName) {
        problems.push({
          field: `jobs.${i}.definition.jobKey`,
          reason: `${formatJobKey(key)} is not in this instance's cluster/group ${body.clusterName}/${body.groupName}`,
        });
      }
      if (key.jobClassName !== job.jobClassName) {
        problems.push({
          field: `jobs.${i}.definition.jobKey.jobClassName`,
          reason: `must equal jobs.${i}.jobClassName (${job.jobClassName})`,
        });
      }
      return command;
    });
    if (problems.length > 0) throw new ValidationFailed(problems);
    // The instance is live before its code-defined jobs are armed: otherwise a job due at once
    // (every second, say) fires into a registry without it and fails "no worker available".
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
      startedAt: new Date(body.startedAt),
      registeredAt: now,
      deregisteredAt: null,
    });
    await this.dataSource.getRepository(WorkerInstanceEntity).save(instance);
    await this.publish(instance, { draining: false, activeRuns: 0 });
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

    this.logger.log(
      `registered ${instance.instanceId} (${instance.clusterName}/${instance.groupName}) at ${instance.baseUrl} [${instance.baseUrlSource}], ${body.jobs.length} job(s)`,
    );
    return {
      instanceId: instance.instanceId,
      heartbeatIntervalMs: this.config.heartbeatIntervalMs,
      jobs: jobIds,
      reportBatchLimit: REPORT_BATCH_LIMIT,
    };
  }

  async heartbeat(instanceId: string, beat: HeartbeatBeat): Promise<HeartbeatResponse> {
    const { draining, activeRuns } = beat;
    const live = await this.redis.eval(
      HEARTBEAT_SCRIPT,
      3,
      await this.liveKeyOf(instanceId),
      this.instanceKey(instanceId),
      this.activeKey(),
      Date.now(),
      instanceId,
      draining ? '1' : '0',
      Math.max(0, Math.floor(activeRuns)),
      beat.capacity === null || beat.capacity === undefined ? '' : String(beat.capacity),
    );
    if (live === 1) return { known: true };
    // Redis lost the instance (flush or restart): rebuild it from MySQL.
    const instance = await this.dataSource.getRepository(WorkerInstanceEntity).findOneBy({ instanceId });
    if (!instance || instance.state === WorkerInstanceState.DEREGISTERED) return { known: false };
    await this.publish(instance, beat);
    return { known: true };
  }

  async deregister(instanceId: string): Promise<void> {
    const instance = await this.dataSource.getRepository(WorkerInstanceEntity).findOneBy({ instanceId });
    if (!instance) return;
    await this.redis
      .multi()
      .zrem(this.liveKey(instance.clusterName, instance.groupName), instanceId)
      .del(this.instanceKey(instanceId))
      .hdel(this.activeKey(), instanceId)
      .exec();
    await this.dataSource
      .getRepository(WorkerInstanceEntity)
      .update({ instanceId }, { state: WorkerInstanceState.DEREGISTERED, deregisteredAt: new Date() });
    this.logger.log(`deregistered ${instanceId}`);
  }

  /**
   * Live instances of the group that can run `jobClassName` and carry every required
   * label, earliest started first (the stable order master-standby and FIRST rely on),
   * with the job's cluster-wide counter for the balancers that rotate.
   */
  async candidates(
    jobId: number,
    clusterName: string,
    groupName: string,
    jobClassName: string,
    requiredLabels: Readonly<Record<string, string>>,
  ): Promise<CandidateSet> {
    const cutoff = await this.presence.liveCutoff();
    const [counter, flat] = (await this.redis.eval(
      CANDIDATES_SCRIPT,
      3,
      this.liveKey(clusterName, groupName),
      this.keys.key('rr', String(jobId)),
      this.activeKey(),
      cutoff,
      this.instanceKey(''),
    )) as [number, string[]];
    const wanted = simpleName(jobClassName);
    const candidates: WorkerCandidate[] = [];
    for (let i = 0; i + CANDIDATE_FIELDS - 1 < flat.length; i += CANDIDATE_FIELDS) {
      const [
        instanceId = '',
        baseUrl = '',
        jobs = '[]',
        weight = '1',
        labels = '{}',
        startedAt = '0',
        active = '0',
      ] = flat.slice(i, i + CANDIDATE_FIELDS);
      const runnable = this.jobsOf(jobs);
      if (!runnable.has(jobClassName) && !runnable.has(wanted)) continue;
      const parsedLabels = this.labelsOf(labels);
      if (!labelsMatch(requiredLabels, parsedLabels)) continue;
      candidates.push({
        instanceId,
        baseUrl,
        weight: Number(weight) || 0,
        labels: parsedLabels,
        startedAt: Number(startedAt) || 0,
        activeRuns: Math.max(0, Number(active) || 0),
      });
    }
    candidates.sort((a, b) =>
      a.startedAt !== b.startedAt ? a.startedAt - b.startedAt : a.instanceId < b.instanceId ? -1 : 1,
    );
    return { candidates, counter };
  }

  /** Counts a run sent to an instance until its heartbeat reports the true number (LEAST_ACTIVE). */
  async noteDispatched(instanceId: string): Promise<void> {
    await this.redis.hincrby(this.activeKey(), instanceId, 1);
  }

  /** Counts a run of an instance as ended. */
  async noteEnded(instanceId: string): Promise<void> {
    const left = await this.redis.hincrby(this.activeKey(), instanceId, -1);
    if (left < 0) await this.redis.hset(this.activeKey(), instanceId, 0);
  }

  /**
   * The instances among `instanceIds` that have missed three heartbeats. One unknown to Redis
   * is lost too, unless Redis began its epoch (a flush, a restart) less than three heartbeats
   * ago: it has not had the time to beat again, and calling it lost would fail (and retry)
   * runs that are still running.
   */
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
    const cutoff = await this.presence.liveCutoff(now);
    const unknownIsLost =
      !beats.includes(null) || now - (await this.epoch.since()) > lossWindowMs(this.config);
    instanceIds.forEach((id, i) => {
      const beat = beats[i];
      if (beat === null || beat === undefined ? unknownIsLost : Number(beat) < cutoff) lost.add(id);
    });
    return lost;
  }

  /**
   * The instances of a group whose last heartbeat is at or after `since`, with that time,
   * and what their last beat said (draining, runs in flight, capacity).
   */
  async beatsSince(clusterName: string, groupName: string, since: number): Promise<InstanceBeat[]> {
    const flat = await this.redis.zrangebyscore(
      this.liveKey(clusterName, groupName),
      since,
      '+inf',
      'WITHSCORES',
    );
    const beats: InstanceBeat[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      beats.push({
        instanceId: flat[i] ?? '',
        lastBeatAt: Number(flat[i + 1]),
        draining: false,
        activeRuns: 0,
        capacity: null,
      });
    }
    const details = await Promise.all(
      beats.map((b) =>
        this.redis.hmget(this.instanceKey(b.instanceId), 'draining', 'beatActiveRuns', 'capacity'),
      ),
    );
    beats.forEach((beat, i) => {
      const [draining, activeRuns, capacity] = details[i] ?? [];
      beat.draining = draining === '1';
      beat.activeRuns = Math.max(0, Number(activeRuns) || 0);
      beat.capacity = capacity ? Number(capacity) : null;
    });
    return beats;
  }

  private labelsOf(json: string): Record<string, string> {
    try {
      const parsed = JSON.parse(json) as unknown;
      return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
    } catch {
      return {};
    }
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

  private async publish(instance: WorkerInstanceEntity, beat: HeartbeatBeat): Promise<void> {
    await this.redis
      .multi()
      .hset(this.instanceKey(instance.instanceId), {
        baseUrl: instance.baseUrl,
        jobs: instance.jobs,
        draining: beat.draining ? '1' : '0',
        beatActiveRuns: String(beat.activeRuns),
        capacity: beat.capacity === null || beat.capacity === undefined ? '' : String(beat.capacity),
        clusterName: instance.clusterName,
        groupName: instance.groupName,
        weight: String(instance.weight),
        labels: instance.labels,
        startedAt: String(instance.startedAt.getTime()),
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

  private activeKey(): string {
    return this.keys.key('active');
  }

  private instanceKey(instanceId: string): string {
    return this.keys.key('instance', instanceId);
  }
}
