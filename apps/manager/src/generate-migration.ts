/**
 * `npm run migration:generate -- <Name>`: migrates a scratch database with the committed
 * migrations, diffs it against the entities and writes the difference as a new migration.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './database/data-source-options';
import { ensureDatabase, runMigrations } from './database/database-setup';
import { pendingSchemaChanges } from './database/schema-drift';

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
    console.error('usage: npm run migration:generate -- <PascalCaseName>');
    process.exit(2);
  }
  const base = new URL(process.env.CHACONNE_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/chaconne');
  base.pathname = `/chac_migration_gen_${process.pid}`;
  const flavor = await ensureDatabase(base.toString());
  const dataSource = new DataSource(dataSourceOptions(base.toString(), flavor));
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
    const changes = await pendingSchemaChanges(dataSource);
    if (changes.up.length === 0) {
      console.log('entities and migrations agree: nothing to generate');
      return;
    }
    const timestamp = Date.now();
    const className = `${name}${timestamp}`;
    const quote = (sql: string): string => `    await queryRunner.query(${JSON.stringify(sql)});`;
    const source = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${changes.up.map(quote).join('\n')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${[...changes.down].reverse().map(quote).join('\n')}
  }
}
`;
    const file = join(
      __dirname,
      '..',
      'src',
      'database',
      'migrations',
      `${timestamp}-${name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}.ts`,
    );
    writeFileSync(file, source);
    console.log(`wrote ${file}\nadd ${className} to database/migrations/index.ts`);
  } finally {
    await dataSource.query(`DROP DATABASE \`${base.pathname.slice(1)}\``);
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
