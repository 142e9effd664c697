import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';
import type { Statement } from './sql-batcher.service';

/** A value written as SQL text, not as a parameter (e.g. a session variable). */
export class RawSql {
  constructor(readonly sql: string) {}
}

const columnCache = new WeakMap<EntityMetadata, Map<string, ColumnMetadata>>();

function columnOf(metadata: EntityMetadata, property: string): ColumnMetadata {
  let columns = columnCache.get(metadata);
  if (!columns) {
    columns = new Map();
    columnCache.set(metadata, columns);
  }
  let column = columns.get(property);
  if (!column) {
    column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${metadata.name} has no column for ${property}`);
    columns.set(property, column);
  }
  return column;
}

/**
 * A multi-row INSERT of plain rows keyed by entity property names, built from the entity's
 * metadata (its table and column names, its value transformers): what TypeORM's query
 * builder writes, without its cost on the hot path of new jobs. Properties left undefined
 * in the first row take their column default.
 */
export function entityInsert(metadata: EntityMetadata, rows: readonly Record<string, unknown>[]): Statement {
  const first = rows[0];
  if (!first) throw new Error(`no row to insert into ${metadata.tableName}`);
  const properties = Object.keys(first).filter((key) => first[key] !== undefined);
  const columns = properties.map((property) => columnOf(metadata, property));
  const params: unknown[] = [];
  const tuples = rows.map((row) => {
    const values = properties.map((property, i) => {
      const value = row[property];
      if (value instanceof RawSql) return value.sql;
      const transformer = columns[i]?.transformer;
      params.push(transformer && !Array.isArray(transformer) ? transformer.to(value) : value);
      return '?';
    });
    return `(${values.join(', ')})`;
  });
  const names = columns.map((column) => `\`${column.databaseName}\``).join(', ');
  return { sql: `INSERT INTO \`${metadata.tableName}\` (${names}) VALUES ${tuples.join(', ')}`, params };
}
