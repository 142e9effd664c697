import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { TriggerType } from '../enums';
import { schemaProblems } from './field-errors';
import { attachmentSizeProblem, jobDefinitionProblems } from './job-definition-schema';
import { triggerSchema } from './trigger-schema';

const key = { clusterName: 'c', groupName: 'g', jobName: 'j', jobClassName: 'J' };
const onDemand = { triggerType: TriggerType.SIMPLE };
const definition = (patch: Record<string, unknown>) => ({ jobKey: key, trigger: onDemand, ...patch });

describe('the job-definition schema', () => {
  it('refuses a repeat count of 0 (a job that could never run), as every side does', () => {
    expect(schemaProblems(triggerSchema, { ...onDemand, repeatCount: 1.5 })).toEqual([
      { field: 'repeatCount', reason: 'must be an integer' },
    ]);
    for (const repeatCount of [0, -2, 1_000_000_001]) {
      expect(schemaProblems(triggerSchema, { ...onDemand, repeatCount })).toEqual([
        { field: 'repeatCount', reason: 'must be -1 (unlimited) or between 1 and 1000000000' },
      ]);
    }
    for (const repeatCount of [-1, 1, 1_000_000_000, null]) {
      expect(schemaProblems(triggerSchema, { ...onDemand, repeatCount })).toEqual([]);
    }
  });

  it('asks each trigger type for its description, and numeric dates in order', () => {
    expect(schemaProblems(triggerSchema, { triggerType: TriggerType.CRON }, 'trigger.')).toEqual([
      { field: 'trigger.triggerDescription.cron.expression', reason: 'is required for a CRON trigger' },
    ]);
    expect(
      schemaProblems(triggerSchema, { triggerType: TriggerType.PERIODIC, triggerDescription: {} }),
    ).toEqual([{ field: 'triggerDescription.periodic', reason: 'is required for a PERIODIC trigger' }]);
    expect(schemaProblems(triggerSchema, { triggerType: 7 })).toEqual([
      { field: 'triggerType', reason: 'must be 0 (SIMPLE), 1 (CRON), 2 (PERIODIC) or 3 (DEPENDENT)' },
    ]);
    expect(schemaProblems(triggerSchema, { ...onDemand, startDate: 2_000, endDate: 1_000 })).toEqual([
      { field: 'endDate', reason: 'must be after startDate' },
    ]);
    // Strings are read in the trigger's zone: the manager compares them.
    expect(schemaProblems(triggerSchema, { ...onDemand, startDate: '2031-01-02', endDate: 1_000 })).toEqual(
      [],
    );
    expect(
      schemaProblems(triggerSchema, {
        triggerType: TriggerType.CRON,
        triggerDescription: { cron: { expression: 'x'.repeat(1025) } },
      }),
    ).toEqual([
      {
        field: 'triggerDescription.cron.expression',
        reason: 'cron expression is 1025 characters long; at most 1024 are accepted',
      },
    ]);
  });

  it('says what is wrong in plain words without any global zod setting', () => {
    expect(jobDefinitionProblems({ trigger: onDemand, retries: 'three', misfire: true })).toEqual([
      { field: 'jobKey', reason: 'is required' },
      { field: 'retries', reason: 'must be a number' },
      { field: 'misfire', reason: 'unknown field' },
    ]);
  });

  it('checks across fields even when another field is malformed', () => {
    expect(
      jobDefinitionProblems(
        definition({
          retries: -1,
          dependentKeys: [{ ...key }, { ...key, jobName: 'up' }, { ...key, jobName: 'up' }],
          retryBackoff: { policy: 'FIXED', delayMs: 5_000, maxDelayMs: 1_000 },
        }),
      ),
    ).toEqual([
      { field: 'retries', reason: 'must be 0 or more' },
      { field: 'retryBackoff.maxDelayMs', reason: 'must be at least delayMs' },
      { field: 'dependentKeys.0', reason: 'a job cannot depend on itself' },
      { field: 'dependentKeys.2', reason: 'repeats dependentKeys.1' },
    ]);
    expect(jobDefinitionProblems(definition({ trigger: { triggerType: TriggerType.DEPENDENT } }))).toEqual([
      { field: 'trigger.triggerType', reason: 'a DEPENDENT trigger needs dependentKeys or forkKeys' },
    ]);
    expect(
      jobDefinitionProblems(
        definition({ trigger: { triggerType: TriggerType.DEPENDENT }, forkKeys: [{ ...key, jobName: 'k' }] }),
      ),
    ).toEqual([]);
  });

  it('refuses an attachment larger than any manager takes, counted in UTF-8 bytes', () => {
    expect(jobDefinitionProblems(definition({ attachment: 'x'.repeat(1_048_576) }))).toEqual([]);
    expect(jobDefinitionProblems(definition({ attachment: 'é'.repeat(524_289) }))).toEqual([
      {
        field: 'attachment',
        reason: 'is 1048578 bytes; the limit is 1048576 (the largest CHACONNE_ATTACHMENT_LIMIT_BYTES)',
      },
    ]);
    expect(attachmentSizeProblem('ab', 1, 'LIMIT')).toBe('is 2 bytes; the limit is 1 (LIMIT)');
    expect(attachmentSizeProblem(null, 1, 'LIMIT')).toBeUndefined();
  });
});

describe("the package's main entry point", () => {
  it('loads no zod: only @chaconne/contracts/definition does', () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      expect([file, source.includes("from 'zod'")]).toEqual([file, false]);
      for (const [, path] of source.matchAll(/^(?:import|export)\s[^;]*?from '(\.[^']+)';/gms)) {
        visit(resolve(dirname(file), `${path ?? ''}.ts`));
      }
    };
    visit(join(__dirname, '..', 'index.ts'));
    expect(seen.size).toBeGreaterThan(10); // the walk followed the imports
  });
});
