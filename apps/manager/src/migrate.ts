/** `chaconne-manager migrate` (`npm run migrate`): creates the database if missing and applies pending migrations, then exits. */
import 'reflect-metadata';
import { loadConfigWithoutSecret } from './config/manager-config';
import { DependencyUnreachable, prepareDatabase } from './preflight';

async function main(): Promise<void> {
  const loaded = loadConfigWithoutSecret(process.env);
  if (!loaded.ok) {
    console.error(`Invalid configuration:\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}`);
    process.exit(1);
  }
  const { applied } = await prepareDatabase(loaded.config);
  console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'schema is up to date');
}

export function migrate(): void {
  main().catch((error: unknown) => {
    console.error(error instanceof DependencyUnreachable ? error.message : error);
    process.exit(1);
  });
}

if (require.main === module) migrate();
