import type { JobDetailPageQuery, JobState, TriggerType } from '@chaconne/client';
import dayjs from 'dayjs';

export type SortColumn = NonNullable<JobDetailPageQuery['sort']>;
export const SORT_COLUMNS: readonly SortColumn[] = ['jobId', 'jobName', 'createDate', 'nextFireTime'];

/**
 * What the job list shows, as the URL query holds it (so a view can be shared): the filters,
 * the sort and the page. Dates are `datetime-local` values in the browser's time zone.
 */
export interface JobListView {
  cluster: string;
  group: string;
  name: string;
  state: string;
  trigger: string;
  fireFrom: string;
  fireTo: string;
  sort: SortColumn;
  order: 'asc' | 'desc';
  page: number;
  size: number;
}

export const DEFAULT_VIEW: JobListView = {
  cluster: '',
  group: '',
  name: '',
  state: '',
  trigger: '',
  fireFrom: '',
  fireTo: '',
  sort: 'createDate',
  order: 'desc',
  page: 1,
  size: 20,
};

const positive = (text: string | null, fallback: number, max: number): number => {
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
};

/** The view a URL query describes; what it does not say (or says wrongly) is the default. */
export function readView(params: URLSearchParams): JobListView {
  const text = (key: keyof JobListView) => params.get(key) ?? '';
  const sort = params.get('sort');
  return {
    cluster: text('cluster'),
    group: text('group'),
    name: text('name'),
    state: text('state'),
    trigger: text('trigger'),
    fireFrom: text('fireFrom'),
    fireTo: text('fireTo'),
    sort: SORT_COLUMNS.find((c) => c === sort) ?? DEFAULT_VIEW.sort,
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
    page: positive(params.get('page'), DEFAULT_VIEW.page, 1_000_000),
    size: positive(params.get('size'), DEFAULT_VIEW.size, 1000),
  };
}

/** The URL query of a view, without the defaults (short links). */
export function writeView(view: JobListView): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of Object.keys(view) as (keyof JobListView)[]) {
    const value = String(view[key]);
    if (value !== '' && value !== String(DEFAULT_VIEW[key])) params.set(key, value);
  }
  return params;
}

const localDate = (text: string): Date | undefined => {
  const parsed = dayjs(text);
  return parsed.isValid() ? parsed.toDate() : undefined;
};

/** The selectJobDetail query of a view; filters left blank are left out. */
export function toPageQuery(view: JobListView): JobDetailPageQuery {
  return {
    ...(view.cluster && { clusterName: view.cluster }),
    ...(view.group && { groupName: view.group }),
    ...(view.name && { jobName: view.name }),
    ...(view.state && { jobState: Number(view.state) as JobState }),
    ...(view.trigger && { triggerType: Number(view.trigger) as TriggerType }),
    ...(view.fireFrom && { nextFireFrom: localDate(view.fireFrom) }),
    ...(view.fireTo && { nextFireTo: localDate(view.fireTo) }),
    sort: view.sort,
    order: view.order,
    page: view.page,
    size: view.size,
  };
}
