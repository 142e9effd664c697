/**
 * `chaconne-manager token create <name> | list | revoke <name>` (`npm run token -- ...`): manages admin API tokens in
 * the manager's database. A created token is printed once; only its hash is stored.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfigWithoutSecret } from './config/manager-config';
import { dataSourceOptions } from './database/data-source-options';
import { ApiTokenService, tokenNameProblem } from './modules/auth/api-token.service';
import { DependencyUnreachable, prepareDatabase } from './preflight';

const USAGE = 'usage: chaconne-manager token create <name> | list | revoke <name>';

async function main(args: readonly string[]): Promise<void> {
  const [command, name] = args;
  const arity = command === 'list' ? 1 : 2;
  if (!command || !['create', 'list', 'revoke'].includes(command) || args.length !== arity) {
    console.error(USAGE);
    process.exit(2);
  }
  const nameProblem = name === undefined ? undefined : tokenNameProblem(name);
  if (nameProblem) {
    console.error(`the token name ${nameProblem}`);
    process.exit(2);
  }
  const loaded = loadConfigWithoutSecret(process.env);
  if (!loaded.ok) {
    console.error(`Invalid configuration:\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}`);
    process.exit(1);
  }
  const { flavor } = await prepareDatabase(loaded.config);
  const dataSource = new DataSource(dataSourceOptions(loaded.config.mysqlUrl, flavor));
  await dataSource.initialize();
  try {
    const tokens = new ApiTokenService(dataSource, loaded.config);
    if (command === 'create' && name) {
      console.log(
        `token '${name}' (shown only now; send it as "Authorization: Bearer <token>"):\n${await tokens.create(name)}`,
      );
    } else if (command === 'revoke' && name) {
      if (!(await tokens.revoke(name))) {
        console.error(`no live token named '${name}'`);
        process.exitCode = 1;
      } else console.log(`revoked '${name}'`);
    } else {
      for (const t of await tokens.list()) {
        const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : 'live';
        console.log(
          `${t.name}\tcreated ${t.createdAt.toISOString()}\tlast used ${t.lastUsedAt?.toISOString() ?? 'never'}\t${state}`,
        );
      }
    }
  } finally {
    await dataSource.destroy();
  }
}

/** Runs one token command; `args` are the words after `token`. */
export function tokenCli(args: readonly string[]): void {
  main(args).catch((error: unknown) => {
    console.error(error instanceof DependencyUnreachable ? error.message : error);
    process.exit(1);
  });
}

// The manager's integration tests also run `node apps/manager/dist/token-cli.js <command>`.
if (require.main === module) tokenCli(process.argv.slice(2));
