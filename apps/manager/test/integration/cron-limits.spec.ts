import { chaconneBody } from '@chaconne/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { bodyLimitOf } from '../../src/body-limits';
import { adminPost, closeAndCleanUp, startManagerApp, tablesChecksum, testConfig } from '../support/test-env';
import { CRON_BAD_EXPRESSIONS } from './cron-bad-expressions';

/*
 * The cron limits live in the cron module, so every endpoint that takes an expression
 * applies them: persistJob and previewTrigger here, xcron's createTask in xcron.spec.ts.
 */

const config = testConfig();
let app: NestFastifyApplication;
let baseUrl: string;

const FIELD = 'trigger.triggerDescription.cron.expression';
const cronTrigger = (expression: string) => ({
  triggerType: 1,
  triggerDescription: { cron: { expression } },
});

beforeAll(async () => {
  ({ app, baseUrl } = await startManagerApp(config));
});

afterAll(() => closeAndCleanUp(config, app));

describe('cron expressions every endpoint refuses', () => {
  it.each(CRON_BAD_EXPRESSIONS.map((c) => [c.name, c] as const))(
    'persistJob and previewTrigger refuse %s, naming the field, and store nothing',
    async (_name, { expression, messageContains }) => {
      const before = await tablesChecksum(app.get(DataSource));
      const bodies = {
        '/job/admin/persistJob': {
          ...chaconneBody('cron-limits'),
          trigger: { ...chaconneBody('cron-limits').trigger, ...cronTrigger(expression) },
        },
        '/job/admin/previewTrigger': { trigger: cronTrigger(expression) },
      };
      const oversized = (path: string, body: unknown) =>
        Buffer.byteLength(JSON.stringify(body)) > bodyLimitOf(path);
      const entries = Object.entries(bodies);
      // Over the route's body limit: refused before it is even read.
      for (const [path, body] of entries.filter(([p, b]) => oversized(p, b))) {
        const res = await adminPost(baseUrl, config, path, body);
        expect(res.status).toBe(413);
        expect(res.body).toMatchObject({
          code: 'PAYLOAD_TOO_LARGE',
          details: { limitBytes: bodyLimitOf(path) },
        });
      }
      for (const [path, body] of entries.filter(([p, b]) => !oversized(p, b))) {
        const res = await adminPost(baseUrl, config, path, body);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ success: false, code: 'VALIDATION_FAILED', data: null });
        expect(res.body.errors?.map((e) => e.field)).toEqual([FIELD]);
        expect(res.body.errors?.[0]?.reason).toContain(messageContains);
      }
      expect(await tablesChecksum(app.get(DataSource))).toEqual(before);
    },
  );

  it('accepts the longest lists the caps allow, and keeps the expression as sent', async () => {
    const list = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i).join(',');
    // Every value of every field listed once: 60 + 60 + 24 + 12 + 7 items, 444 characters.
    const expression = `${list(60, 0)} ${list(60, 0)} ${list(24, 0)} ? ${list(12, 1)} ${list(7, 1)}`;
    const res = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
      ...chaconneBody('cron-longest'),
      trigger: { ...chaconneBody('cron-longest').trigger, ...cronTrigger(expression) },
    });
    expect(res.status).toBe(200);
    const rows = await app
      .get(DataSource)
      .query<{ trigger_description: string }[]>(
        'SELECT trigger_description FROM chac_job_trigger_detail WHERE job_id = ?',
        [res.body.data],
      );
    expect(JSON.parse(rows[0]?.trigger_description ?? '{}')).toEqual({ cron: { expression } });
  });
});
