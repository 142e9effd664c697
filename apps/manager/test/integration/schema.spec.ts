import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { pendingSchemaChanges } from '../../src/database/schema-drift';
import { prepareDatabase } from '../../src/preflight';
import { dropDatabase } from '@chaconne/testing';
import { testConfig } from '../support/test-env';

const config = testConfig();

afterAll(async () => {
  await dropDatabase(config.mysqlUrl);
});

describe('schema migrations', () => {
  it('create the database, apply once when several managers start together, and match the entities exactly', async () => {
    const prepared = await Promise.all([
      prepareDatabase(config),
      prepareDatabase(config),
      prepareDatabase(config),
    ]);
    const flavor = prepared[0].flavor;
    const results = prepared.map((p) => p.applied);
    // Exactly one starter applied the migrations; the others found the schema ready.
    expect(results.filter((applied) => applied.length > 0)).toHaveLength(1);
    expect(results.flat()).toEqual([
      'InitialSchema1795243498069',
      'AdminApi1795245070712',
      'JobDependenciesAndHistory1795247889520',
      'RunPolicies1795252657825',
      'ConsoleIndexes1796664444073',
      'JobStateReason1796675381152',
    ]);

    const dataSource = new DataSource(dataSourceOptions(config.mysqlUrl, flavor));
    await dataSource.initialize();
    try {
      expect(await pendingSchemaChanges(dataSource)).toEqual({ up: [], down: [] });
    } finally {
      await dataSource.destroy();
    }
  });
});
