import type { DataSource } from 'typeorm';

export interface SchemaChanges {
  up: string[];
  down: string[];
}

/** The SQL that would bring the connected schema in line with the entities (empty = no drift). */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<SchemaChanges> {
  const log = await dataSource.driver.createSchemaBuilder().log();
  return { up: log.upQueries.map((q) => q.query), down: log.downQueries.map((q) => q.query) };
}
