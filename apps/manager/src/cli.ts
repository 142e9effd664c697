#!/usr/bin/env node
/**
 * `chaconne-manager`, the bin of the @chaconne/manager package (and of `npm start`, `npm run migrate`,
 * `npm run token` in this repository). Each command's module is loaded only when it runs, so `--help`
 * and a mistyped command answer at once instead of loading NestJS and TypeORM first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const USAGE = `Usage: chaconne-manager <command>

Commands:
  start                 run the manager (admin API, worker API, console) until SIGTERM or SIGINT
  migrate               create the database if missing, apply pending migrations, exit
  token create <name>   create an admin API token and print it once
  token list            list the admin API tokens
  token revoke <name>   revoke an admin API token

Options:
  -h, --help            print this help
  -v, --version         print the version

Every setting comes from the environment: CHACONNE_MYSQL_URL, CHACONNE_REDIS_URL, CHACONNE_SECRET
(required by start), CHACONNE_ADMIN_TOKEN, CHACONNE_HOST, CHACONNE_PORT, ... (the README's
Configuration table lists them all).`;

/** The package's version: package.json sits one level above both src/ and dist/. */
function version(): string {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

function usageError(message: string): never {
  console.error(`chaconne-manager: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function noMoreArguments(command: string, rest: readonly string[]): void {
  if (rest.length > 0) usageError(`'${command}' takes no arguments (got ${rest.join(' ')})`);
}

async function run(args: readonly string[]): Promise<void> {
  const [command, ...rest] = args;
  switch (command) {
    case undefined:
      usageError('no command given');
      break;
    case '-h':
    case '--help':
    case 'help':
      console.log(USAGE);
      break;
    case '-v':
    case '--version':
      console.log(version());
      break;
    case 'start':
      noMoreArguments(command, rest);
      (await import('./main.js')).startManager();
      break;
    case 'migrate':
      noMoreArguments(command, rest);
      (await import('./migrate.js')).migrate();
      break;
    case 'token':
      (await import('./token-cli.js')).tokenCli(rest);
      break;
    default:
      usageError(`unknown command '${command}'`);
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
