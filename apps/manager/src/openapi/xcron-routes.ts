import { z } from 'zod';
import { MAX_CRON_LENGTH } from '../modules/trigger/cron/cron-fields';
import { XcronType } from '../modules/xcron/xcron-codes';
import { MAX_PAGE, MAX_PAGE_SIZE } from '../common/field-schemas';
import {
  DEFAULT_TASK_PAGE_SIZE,
  MAX_CALLBACK_URL_LENGTH,
  TASK_ID_PATTERN,
} from '../modules/xcron/xcron-task.dto';
import { XCRON_BENCHMARK_BODY } from './examples';
import type { RouteDoc } from './route-doc';

/*
 * xcron's HTTP API (alwaysthanks/xcron README §5): XcronController. The controller validates
 * bodies by hand, xcron's way, answering xcron's codes (xcron-task.dto.ts), so it has no
 * zod schema to import: these schemas describe what `validateCreateTask` and `readTaskId`
 * accept, for the document only, with the limits those functions use.
 */

const XCRON = 'xcron';

const taskId = z
  .string()
  .regex(TASK_ID_PATTERN)
  .describe('The task_id createTask answered (a UUID; a number is accepted too)');

export const xcronCreateTaskSchema = z.strictObject({
  type: z
    .literal([XcronType.PERIODIC, XcronType.ONE_SHOT])
    .describe('1: periodic, `format` is a crontab; 2: one-shot, `format` is a unix timestamp in seconds'),
  format: z
    .string()
    .max(MAX_CRON_LENGTH)
    .describe(
      `type 1: a crontab expression (5-field Unix, or 6/7-field Quartz with seconds; at most ${MAX_CRON_LENGTH} characters, and a list in a field at most as many items as the field has values); type 2: a 10-digit unix timestamp in seconds, not in the past. A 10-digit format is a one-shot whatever the type, as in xcron.`,
    ),
  callback: z
    .strictObject({
      url: z
        .string()
        .max(MAX_CALLBACK_URL_LENGTH)
        .describe(
          'http(s) URL POSTed with `body` as JSON when the task fires. Loopback, private, link-local and reserved addresses (also inside IPv6 forms such as ::ffff:0:a.b.c.d, NAT64, 6to4, Teredo) are refused unless CHACONNE_CALLBACK_ALLOWLIST allows them. A host name that resolves to one now is refused; one that does not resolve yet is accepted with a warning, and checked again when each delivery connects.',
        ),
      body: z
        .record(z.string(), z.unknown())
        .nullish()
        .describe(
          'The JSON object to POST; `{}` when absent. `{ url, body }` may take at most CHACONNE_ATTACHMENT_LIMIT_BYTES as JSON, nested at most 32 levels in the whole request',
        ),
    })
    .describe('Where and what to POST when the task fires'),
});

export const xcronDeleteTaskSchema = z.strictObject({ task_id: taskId });

export const xcronQueryTaskSchema = z.strictObject({ task_id: taskId });

/** listTasks' query string as documented (read by readTaskListQuery, which names xcron's codes). */
export const xcronListTasksSchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(MAX_PAGE).optional().describe('From 1; default 1'),
  size: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .optional()
    .describe(`Tasks per page; default ${DEFAULT_TASK_PAGE_SIZE}`),
  include_deleted: z.enum(['true', 'false']).optional().describe('true: deleted tasks too; default false'),
});

const FUTURE_ONE_SHOT = String(Math.floor(Date.UTC(2030, 0, 1, 8, 0, 0) / 1000));

export const XCRON_ROUTES: readonly RouteDoc[] = [
  {
    method: 'POST',
    path: '/xcron/createTask',
    operationId: 'xcronCreateTask',
    tag: XCRON,
    summary: 'Create an HTTP callback task',
    description:
      "xcron's createTask: a task POSTs `callback.body` to `callback.url` at a unix time (one-shot) or on a crontab (periodic). The body is read as JSON whatever the content type, as xcron did; a body that is not JSON, nested deeper than 32 levels, with a `__proto__` key or with fields xcron's API does not have is answered with code 1000, naming them; every problem of the body is listed in `errors`. Answers xcron's `{ uuid, code: 0, data: { task_id } }`, plus `warnings` when there is something to know: a callback host that did not resolve is accepted and checked again at each delivery (a delivery to a host that still does not resolve ends FAILED).",
    auth: 'bearer',
    body: {
      component: 'XcronCreateTaskRequest',
      schema: xcronCreateTaskSchema,
      examples: {
        benchmark: {
          summary: "xcron's benchmark body, verbatim",
          description:
            "The json.txt of xcron's `ab` benchmark. Its format 1581823751 is 2020-02-16, so sent today it is refused with code 1002 (in the past), as xcron refuses it: use a future timestamp or a crontab. Its callback host test.demo.com need not resolve: such a host is accepted with a warning.",
          value: XCRON_BENCHMARK_BODY,
        },
        oneShot: {
          summary: 'A one-shot task at a future unix time',
          value: { ...XCRON_BENCHMARK_BODY, type: XcronType.ONE_SHOT, format: FUTURE_ONE_SHOT },
        },
        periodic: {
          summary: 'A periodic task every 5 minutes',
          value: { ...XCRON_BENCHMARK_BODY, format: '*/5 * * * *' },
        },
      },
    },
    response: {
      description:
        'The task was created. `warnings` (absent when empty) says, e.g., that the callback host did not resolve: `callback.url: host test.demo.com did not resolve (ENOTFOUND); it will be checked again at each delivery`.',
      envelope: 'xcron',
      schema: 'XcronTaskId',
    },
    errors: [
      'XCRON_BAD_JSON',
      'XCRON_BAD_FORMAT',
      'XCRON_BAD_TIMESTAMP',
      'XCRON_BAD_CALLBACK_URL',
      'XCRON_CALLBACK_NOT_ALLOWED',
      'XCRON_UNKNOWN_TYPE',
      'XCRON_CALLBACK_TOO_LARGE',
      'XCRON_ENQUEUE_FAILED',
    ],
  },
  {
    method: 'POST',
    path: '/xcron/deleteTask',
    operationId: 'xcronDeleteTask',
    tag: XCRON,
    summary: 'Delete a task',
    description:
      "xcron's deleteTask: stops the task for good (its job ends FINISHED; its runs stay). Deleting a deleted task is a no-op. Answers `{ uuid, code: 0 }`.",
    auth: 'bearer',
    body: {
      component: 'XcronDeleteTaskRequest',
      schema: xcronDeleteTaskSchema,
      examples: {
        readme: { summary: "xcron's README", value: { task_id: '289057701458138645' } },
        ours: {
          summary: 'A task id this manager answers',
          value: { task_id: '5b0c3c8e-4f6e-4e8a-9d59-1c2b3a4d5e6f' },
        },
      },
    },
    response: { description: 'The task is stopped', envelope: 'xcron', schema: 'Nothing' },
    errors: ['XCRON_BAD_JSON', 'XCRON_BAD_TASK_ID', 'XCRON_TASK_NOT_FOUND'],
  },
  {
    method: 'GET',
    path: '/xcron/queryTask',
    operationId: 'xcronQueryTask',
    tag: XCRON,
    summary: 'Read a task',
    description: "xcron's queryTask: the task's type, format, callback and how often it ran.",
    auth: 'bearer',
    query: xcronQueryTaskSchema,
    response: { description: 'The task', envelope: 'xcron', schema: 'XcronTask' },
    errors: ['XCRON_BAD_TASK_ID', 'XCRON_TASK_NOT_FOUND'],
  },
  {
    method: 'GET',
    path: '/xcron/listTasks',
    operationId: 'xcronListTasks',
    tag: XCRON,
    summary: 'List tasks',
    description:
      "Not in xcron's README (the console's task list): a page of tasks, newest first, each as queryTask answers it; deleted tasks only with `include_deleted=true`. A bad or unknown parameter is answered 1000 naming it.",
    auth: 'bearer',
    query: xcronListTasksSchema,
    response: { description: 'A page of tasks', envelope: 'xcron', schema: 'XcronTaskPage' },
    errors: ['XCRON_BAD_JSON'],
  },
];
