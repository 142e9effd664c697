import { refusedFields } from '../../../../test/support/refused-fields';
import { parseBody } from '../../../common/validation';
import {
  jobHistoryQuerySchema,
  jobKeysQuerySchema,
  jobStateQuerySchema,
  selectJobDetailSchema,
} from './job-queries.dto';
import { jobKeySchema } from '@chaconne/contracts/definition';

const jobKey = { clusterName: 'c', groupName: 'g', jobName: 'j', jobClassName: 'J' };

describe('job queries', () => {
  it('take a JobKey of exactly four parts, trimmed', () => {
    expect(parseBody(jobKeySchema, { ...jobKey, jobName: ' j ' })).toEqual(jobKey);
    expect(refusedFields(jobKeySchema, { ...jobKey, identifier: 'Yy5nLmpASg==' })).toEqual(['identifier']);
    expect(refusedFields(jobKeySchema, { ...jobKey, jobName: 'j\n' })).toEqual(['jobName']);
  });

  it("bound selectJobDetail's paging, accept Chaconne's PageQuery and refuse unknown fields", () => {
    expect(
      parseBody(selectJobDetailSchema, { clusterName: '', page: 1, size: 10, rows: 0, content: [] }),
    ).toMatchObject({
      clusterName: undefined,
      page: 1,
      size: 10,
    });
    expect(refusedFields(selectJobDetailSchema, { page: 0, size: 0, foo: 1, jobName: 'a\u202Eb' })).toEqual([
      'foo',
      'jobName',
      'page',
      'size',
    ]);
    expect(refusedFields(jobHistoryQuerySchema, { jobKey, page: 1_000_000 })).toEqual(['page']);
  });

  it('bound the name lists of getJobKeys and require the trigger type', () => {
    const many = Array.from({ length: 1_001 }, (_, i) => `c${i}`);
    expect(refusedFields(jobKeysQuerySchema, { clusterNames: many, groupNames: ['g\u0000'] })).toEqual([
      'clusterNames',
      'groupNames.0',
      'triggerType',
    ]);
    expect(parseBody(jobKeysQuerySchema, { triggerType: 1, clusterNames: ['a', ''] }).clusterNames).toEqual([
      'a',
    ]);
  });

  it('name both a bad state and an unknown field of the key', () => {
    expect(refusedFields(jobStateQuerySchema, { jobKey: { ...jobKey, x: 1 }, jobState: 99 })).toEqual([
      'jobKey.x',
      'jobState',
    ]);
  });
});
