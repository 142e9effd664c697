import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@chaconne/testing';
import { ProcessHandle } from './processes';

/** Where Debian (and most distributions) put the server; CI (`.ci/run`) starts the shared one from there too. */
const SERVER_BINARIES = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'];
const INSTALLERS = ['mariadb-install-db', 'mysql_install_db'];

/**
 * Small buffers and logs (a test database holds a few thousand rows) and the character set
 * of the shared server, so the manager sees the same defaults on both. Used by the
 * installer's bootstrap and by every start, so InnoDB finds the log size it was created with.
 */
const SERVER_SETTINGS = [
  '--innodb-buffer-pool-size=32M',
  '--innodb-log-file-size=8M',
  '--character-set-server=utf8mb4',
  '--collation-server=utf8mb4_general_ci',
  '--skip-name-resolve',
  '--skip-log-bin',
];

/** mariadbd refuses to run as root unless told to; as any other user it runs as that user. */
const RUN_AS = process.getuid?.() === 0 ? ['--user=root'] : [];

function serverBinary(): string {
  const found = SERVER_BINARIES.find((path) => existsSync(path));
  if (!found) throw new Error(`no MariaDB server binary (looked for ${SERVER_BINARIES.join(', ')})`);
  return found;
}

async function installDatadir(datadir: string): Promise<void> {
  const failures: string[] = [];
  for (const installer of INSTALLERS) {
    try {
      await promisify(execFile)(
        installer,
        [
          '--no-defaults',
          `--datadir=${datadir}`,
          // root@127.0.0.1 without a password, as on the shared server.
          '--auth-root-authentication-method=normal',
          '--skip-test-db',
          ...RUN_AS,
          ...SERVER_SETTINGS,
        ],
        { timeout: 60_000 },
      );
      return;
    } catch (error) {
      failures.push(`${installer}: ${(error as Error).message}`);
    }
  }
  throw new Error(`cannot create a MariaDB data directory:\n${failures.join('\n')}`);
}

/**
 * A MariaDB server of the test's own, on a free port with its data in a temporary
 * directory, so a test may kill and restart it. The shared server on 3306 is never touched.
 * Stop it with {@link destroy} in `afterAll`: that kills it if needed and removes its files.
 */
export class TestMariaDb {
  private current: ProcessHandle | null = null;

  private constructor(
    /** The temporary directory holding the data directory and the socket. */
    readonly dir: string,
    readonly port: number,
  ) {}

  /** Creates the data directory and starts the server; cleans up itself if that fails. */
  static async start(): Promise<TestMariaDb> {
    const dir = await mkdtemp(join(tmpdir(), 'chac-mariadb-'));
    const server = new TestMariaDb(dir, await freePort());
    try {
      await installDatadir(server.datadir);
      await server.launch();
      return server;
    } catch (error) {
      await server.destroy();
      throw error;
    }
  }

  /** A `mysql://` URL for `database` on this server (root, no password). */
  url(database: string): string {
    return `mysql://root@127.0.0.1:${this.port}/${database}`;
  }

  /** The running server process (its output is kept for diagnostics). */
  get handle(): ProcessHandle {
    if (!this.current) throw new Error('the test MariaDB is not running');
    return this.current;
  }

  get running(): boolean {
    return this.current?.running ?? false;
  }

  /**
   * Stops the server: SIGTERM is a clean shutdown (SIGKILL after 30 s), SIGKILL a crash
   * (InnoDB recovers at the next start).
   */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const handle = this.current;
    if (!handle?.running) return;
    if (signal === 'SIGKILL') {
      handle.child.kill('SIGKILL');
      await handle.waitForExit(10_000);
    } else {
      await handle.stop(30_000);
    }
  }

  /** Starts the server again on the same port and data directory. */
  async restart(): Promise<void> {
    if (this.running) throw new Error('the test MariaDB is still running: stop it first');
    await this.launch();
  }

  /** Kills the server if it runs and removes its directory. Safe to call more than once. */
  async destroy(): Promise<void> {
    if (this.current?.running) {
      this.current.child.kill('SIGKILL');
      await this.current.waitForExit(10_000);
    }
    this.current = null;
    await rm(this.dir, { recursive: true, force: true });
  }

  private get datadir(): string {
    return join(this.dir, 'data');
  }

  private async launch(): Promise<void> {
    const child = spawn(
      serverBinary(),
      [
        '--no-defaults',
        `--datadir=${this.datadir}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(this.dir, 'mysqld.sock')}`,
        `--pid-file=${join(this.dir, 'mysqld.pid')}`,
        ...RUN_AS,
        ...SERVER_SETTINGS,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const handle = new ProcessHandle(`mariadb:${this.port}`, child);
    this.current = handle;
    await handle.waitForLine(/ready for connections/, 60_000);
  }
}
