import { Inject, Injectable } from '@nestjs/common';
import type { LostWorkerInstance, WorkerInstanceInfo, WorkerOverview } from '@chaconne/contracts';
import { DataSource } from 'typeorm';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import type { WorkerQuery } from './dto/worker-requests.dto';
import { lossWindowMs, ManagerPresence } from './manager-presence.service';
import { type InstanceBeat, WorkerRegistryService } from './worker-registry.service';

/** How far back `lost` reaches. */
export const LOST_WINDOW_MS = 3_600_000;
/** The most lost instances listed (newest first). */
const MAX_LOST = 1_000;

interface InstanceRow {
  instance_id: string;
  cluster_name: string;
  group_name: string;
  base_url: string;
  weight: number;
  labels: string;
  jobs: string;
  sdk_version: string;
  protocol_version: number;
  started_at: Date;
  registered_at: Date;
}

type LeftRow = Pick<
  InstanceRow,
  'instance_id' | 'cluster_name' | 'group_name' | 'base_url' | 'sdk_version'
> & {
  deregistered_at: Date;
};

/** The filter as SQL conditions on chac_worker_instance (both columns lead ix_worker_group). */
function groupFilter(query: WorkerQuery): { sql: string[]; params: string[] } {
  const sql: string[] = [];
  const params: string[] = [];
  if (query.clusterName) {
    sql.push('cluster_name = ?');
    params.push(query.clusterName);
  }
  if (query.groupName) {
    sql.push('group_name = ?');
    params.push(query.groupName);
  }
  return { sql, params };
}

function parsed<T>(json: string, fallback: T): T {
  try {
    return JSON.parse(json) as T;
  } catch {
    return fallback;
  }
}

/**
 * The console's worker page: live instances (the heartbeat registry in Redis, their
 * registrations in MySQL) and the ones that left in the last hour, deregistered (MySQL) or
 * silent past the missed-heartbeat limit (Redis).
 */
@Injectable()
export class WorkerOverviewService {
  private readonly lossWindowMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: WorkerRegistryService,
    private readonly presence: ManagerPresence,
    @Inject(MANAGER_CONFIG) config: ManagerConfig,
  ) {
    this.lossWindowMs = lossWindowMs(config);
  }

  async overview(query: WorkerQuery, now = Date.now()): Promise<WorkerOverview> {
    const filter = groupFilter(query);
    const where = filter.sql.length > 0 ? `WHERE ${filter.sql.join(' AND ')}` : '';
    // Every group that ever had an instance: a loose scan of ix_worker_group.
    const groups = await this.dataSource.query<{ cluster_name: string; group_name: string }[]>(
      `SELECT DISTINCT cluster_name, group_name FROM chac_worker_instance ${where}`,
      filter.params,
    );
    const since = now - LOST_WINDOW_MS - this.lossWindowMs;
    const beats = (
      await Promise.all(groups.map((g) => this.registry.beatsSince(g.cluster_name, g.group_name, since)))
    ).flat();
    const cutoff = await this.presence.liveCutoff(now);
    const rows = await this.instances(beats.map((b) => b.instanceId));
    const live: WorkerInstanceInfo[] = [];
    const lost: LostWorkerInstance[] = [];
    for (const beat of beats) {
      const row = rows.get(beat.instanceId);
      if (!row) continue;
      if (beat.lastBeatAt >= cutoff) live.push(toLive(row, beat, now));
      else
        lost.push({
          ...lostFields(row),
          lostAt: new Date(beat.lastBeatAt + this.lossWindowMs).toISOString(),
          reason: 'heartbeat-lost',
        });
    }
    const left = await this.dataSource.query<LeftRow[]>(
      `SELECT instance_id, cluster_name, group_name, base_url, sdk_version, deregistered_at
         FROM chac_worker_instance
        WHERE ${['deregistered_at >= ?', ...filter.sql].join(' AND ')}
        ORDER BY deregistered_at DESC LIMIT ?`,
      [new Date(now - LOST_WINDOW_MS), ...filter.params, MAX_LOST],
    );
    for (const row of left)
      lost.push({ ...lostFields(row), lostAt: row.deregistered_at.toISOString(), reason: 'deregistered' });
    live.sort(
      (a, b) =>
        a.clusterName.localeCompare(b.clusterName) ||
        a.groupName.localeCompare(b.groupName) ||
        a.startedAt.localeCompare(b.startedAt) ||
        a.instanceId.localeCompare(b.instanceId),
    );
    lost.sort((a, b) => b.lostAt.localeCompare(a.lostAt));
    return { live, lost: lost.slice(0, MAX_LOST) };
  }

  /** The registrations of `ids`, by primary key. */
  private async instances(ids: string[]): Promise<Map<string, InstanceRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource.query<InstanceRow[]>(
      `SELECT instance_id, cluster_name, group_name, base_url, weight, labels, jobs, sdk_version,
              protocol_version, started_at, registered_at
         FROM chac_worker_instance WHERE instance_id IN (${ids.map(() => '?').join(',')})`,
      ids,
    );
    return new Map(rows.map((row) => [row.instance_id, row]));
  }
}

function lostFields(row: Omit<LeftRow, 'deregistered_at'>): Omit<LostWorkerInstance, 'lostAt' | 'reason'> {
  return {
    instanceId: row.instance_id,
    clusterName: row.cluster_name,
    groupName: row.group_name,
    address: row.base_url,
    sdkVersion: row.sdk_version,
  };
}

function toLive(row: InstanceRow, beat: InstanceBeat, now: number): WorkerInstanceInfo {
  return {
    instanceId: row.instance_id,
    clusterName: row.cluster_name,
    groupName: row.group_name,
    address: row.base_url,
    weight: row.weight,
    labels: parsed<Record<string, string>>(row.labels, {}),
    sdkVersion: row.sdk_version,
    protocolVersion: row.protocol_version,
    jobs: parsed<string[]>(row.jobs, []),
    startedAt: row.started_at.toISOString(),
    registeredAt: row.registered_at.toISOString(),
    lastHeartbeatAt: new Date(beat.lastBeatAt).toISOString(),
    heartbeatAgeMs: Math.max(0, now - beat.lastBeatAt),
    activeRuns: beat.activeRuns,
    capacity: beat.capacity,
    draining: beat.draining,
  };
}
