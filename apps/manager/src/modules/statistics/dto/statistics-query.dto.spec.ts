import { refusedFields } from '../../../../test/support/refused-fields';
import { parseBody } from '../../../common/validation';
import { jobStatPageQuerySchema, jobStatQuerySchema, jobStateCountQuerySchema } from './statistics-query.dto';

describe('statistics queries', () => {
  it('refuses unknown fields: {"days": 3} is not lastDays', () => {
    expect(refusedFields(jobStatQuerySchema, { days: 3 })).toEqual(['days']);
    expect(refusedFields(jobStateCountQuerySchema, { clusterName: 'c', groupName: 'g' })).toEqual([
      'groupName',
    ]);
  });

  it("accepts Chaconne's JobStatQuery with blank filters meaning any", () => {
    expect(
      parseBody(jobStatQuerySchema, {
        clusterName: '',
        applicationName: null,
        jobId: null,
        address: '',
        lastDays: 7,
      }),
    ).toEqual({ clusterName: undefined, groupName: undefined, jobId: undefined, lastDays: 7 });
  });

  it('bounds lastDays, job ids and names', () => {
    expect(refusedFields(jobStatQuerySchema, { lastDays: 367, jobId: 2 ** 31, clusterName: 'c\nx' })).toEqual(
      ['clusterName', 'jobId', 'lastDays'],
    );
  });

  it('reports a groupName/applicationName mismatch together with the other problems', () => {
    expect(refusedFields(jobStatQuerySchema, { groupName: 'a', applicationName: 'b', lastDays: 0 })).toEqual([
      'applicationName',
      'lastDays',
    ]);
  });

  it('bounds the dates and the paging of selectJobStatById', () => {
    expect(
      refusedFields(jobStatPageQuerySchema, {
        startDate: 8_640_000_000_000_001,
        endDate: '+275760-09-13T00:00:00Z',
        page: 100_001,
        size: 1_001,
      }),
    ).toEqual(['endDate', 'page', 'size', 'startDate']);
    expect(refusedFields(jobStatPageQuerySchema, { startDate: '10000-01-01' })).toEqual(['startDate']);
    expect(
      parseBody(jobStatPageQuerySchema, { startDate: '9999-12-31', endDate: 0, rows: 0, content: [] }),
    ).toMatchObject({
      startDate: '9999-12-31',
      endDate: new Date(0),
    });
  });
});
