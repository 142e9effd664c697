import { execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RunningState } from '@chaconne/contracts';
import {
  dropStack,
  freePort,
  newStack,
  ProcessHandle,
  REPO_ROOT,
  runLogs,
  waitForOutcome,
} from './support/processes';

/**
 * The packages as a service gets them, outside the repository: `npm pack` of @chaconne/contracts,
 * /worker, /client and /manager into a temporary folder, the manager installed there from its
 * tarballs (production dependencies, as the Docker image installs it) and started with its
 * `chaconne-manager` bin; a service project installing the SDK and client tarballs plus NestJS,
 * Express and TypeScript from the registry; then a plain Node (CommonJS) worker, an Express (ESM)
 * worker and a NestJS worker compiled with tsc, each running a job created through the client.
 * The examples are the README's (./packaging). Every process reports where each of its modules
 * was loaded from, and no module may come from outside the temporary folder.
 */

const FIXTURES = join(__dirname, 'packaging');
const ROOT_MANIFEST = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** What the service project takes from the registry, at the versions the repository uses. */
const SERVICE_DEPENDENCIES = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/platform-express',
  'express',
  'reflect-metadata',
  'rxjs',
  'typescript',
  '@types/node',
  '@types/express',
].map((name) => {
  const version = ROOT_MANIFEST.dependencies[name] ?? ROOT_MANIFEST.devDependencies[name];
  if (version === undefined) throw new Error(`the root package.json does not pin ${name}`);
  return `${name}@${version}`;
});
const PACKAGES = ['contracts', 'worker', 'client', 'manager'] as const;
type PackageName = (typeof PACKAGES)[number];

const stack = newStack();
let scratch: string;
let tarballs: Record<PackageName, string>;
let managerDir: string;
let serviceDir: string;
let reportsDir: string;
let manager: { handle: ProcessHandle; url: string } | undefined;
let clientToken: string;
const started: ProcessHandle[] = [];
let migrated: CommandResult;
/** tsc runs, started together at the end of beforeAll and awaited by their tests. */
const compilations = new Map<string, Promise<CommandResult>>();

/**
 * The type-check consumers (type-consumer.ts as a CommonJS or an ES module). One checks the packages'
 * declaration files themselves (skipLibCheck off); they are the same files for every flavour.
 */
const TYPE_CONSUMERS = [
  {
    flavour: 'node16, CommonJS',
    file: 'consumer.ts',
    module: 'node16',
    resolution: 'node16',
    libCheck: true,
  },
  {
    flavour: 'node16, ES module',
    file: 'consumer.mts',
    module: 'node16',
    resolution: 'node16',
    libCheck: false,
  },
  {
    flavour: 'nodenext, ES module',
    file: 'consumer.mts',
    module: 'nodenext',
    resolution: 'nodenext',
    libCheck: false,
  },
  { flavour: 'bundler', file: 'consumer.ts', module: 'esnext', resolution: 'bundler', libCheck: false },
] as const;

/** A service's tsconfig: strict, Node 20, CommonJS under node16 unless a consumer says otherwise. */
const COMPILER_OPTIONS = {
  target: 'es2022',
  module: 'node16',
  moduleResolution: 'node16',
  strict: true,
  skipLibCheck: true,
  types: ['node'],
};

/** Starts `tsc -p <dir>` with the service project's TypeScript; never rejects (the test reads the result). */
function compile(what: string, dir: string, compilerOptions: Record<string, unknown>, file: string): void {
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: [file] }));
  const tsc = join(serviceDir, 'node_modules', 'typescript', 'bin', 'tsc');
  compilations.set(
    what,
    run(`tsc (${what})`, process.execPath, [tsc, '-p', dir], {
      cwd: dir,
      timeoutMs: 150_000,
      allowFailure: true,
    }),
  );
}

interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of every process started here: no npm_* variable (npm run sets npm_config_local_prefix
 * to the repository), NODE_PATH or NODE_OPTIONS leaking the repository in.
 */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|NODE_PATH$|NODE_OPTIONS$|INIT_CWD$)/i.test(key)) env[key] = value;
  }
  return {
    ...env,
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
    // Repeated runs take the registry's packages from ~/.npm.
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    ...extra,
  };
}

/** Runs a command to its end; `what` names it in the failure message, with its output. */
function run(
  what: string,
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number; allowFailure?: boolean },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? cleanEnv(),
        timeout: options.timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        const result = { code, stdout, stderr };
        if (code !== 0 && !options.allowFailure) {
          reject(
            new Error(
              `${what} failed (${command} ${args.join(' ')} in ${options.cwd}: ${error?.message ?? ''})\n` +
                `stdout:\n${stdout.slice(-4000)}\nstderr:\n${stderr.slice(-4000)}`,
            ),
          );
        } else resolve(result);
      },
    );
  });
}

/** The --import preload that writes where each module of a process came from (resolution-report.mjs). */
function reporting(name: string): Record<string, string> {
  return {
    NODE_OPTIONS: `--import=${pathToFileURL(join(serviceDir, 'resolution-report.mjs')).href}`,
    CHACONNE_RESOLUTION_REPORT: join(reportsDir, `${name}.json`),
  };
}

function managerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    NODE_ENV: 'production',
    CHACONNE_MYSQL_URL: stack.mysqlUrl,
    CHACONNE_REDIS_URL: stack.redisUrl,
    CHACONNE_PREFIX: stack.prefix,
    CHACONNE_SECRET: stack.secret,
    CHACONNE_ADMIN_TOKEN: stack.adminToken,
    CHACONNE_HEARTBEAT_INTERVAL_MS: '1000',
    ...extra,
  });
}

function managerBin(): string {
  return join(managerDir, 'node_modules', '.bin', 'chaconne-manager');
}

function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): ProcessHandle {
  const handle = new ProcessHandle(
    name,
    spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  started.push(handle);
  return handle;
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
}

beforeAll(async () => {
  scratch = realpathSync(mkdtempSync(join(tmpdir(), 'chaconne-packages-')));
  if (isInside(scratch, REPO_ROOT))
    throw new Error(`the temporary folder ${scratch} is inside the repository`);
  const tarballDir = join(scratch, 'tarballs');
  managerDir = join(scratch, 'manager');
  serviceDir = join(scratch, 'service');
  reportsDir = join(scratch, 'reports');
  mkdirSync(reportsDir);

  // What a user runs to get the tarballs (npm run pack:all -- <folder>); each prepack builds its package.
  await run(
    'packing the packages',
    process.execPath,
    [join(REPO_ROOT, 'scripts', 'pack-packages.js'), tarballDir],
    {
      cwd: REPO_ROOT,
      timeoutMs: 180_000,
    },
  );
  const files = readdirSync(tarballDir);
  tarballs = Object.fromEntries(
    PACKAGES.map((name) => {
      const file = files.find((f) => f.startsWith(`chaconne-${name}-`) && f.endsWith('.tgz'));
      if (file === undefined)
        throw new Error(`no tarball of @chaconne/${name} in ${tarballDir} (${files.join(', ')})`);
      return [name, join(tarballDir, file)];
    }),
  ) as Record<PackageName, string>;

  mkdirSync(serviceDir);
  writeFileSync(
    join(serviceDir, 'package.json'),
    JSON.stringify({ name: 'shop-service', version: '1.0.0', private: true }, null, 2),
  );
  for (const file of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, file), join(serviceDir, file));
  await Promise.all([
    run(
      'installing the manager from its tarballs',
      process.execPath,
      [join(REPO_ROOT, 'scripts', 'install-packages.js'), managerDir, tarballs.contracts, tarballs.manager],
      { cwd: scratch, timeoutMs: 240_000 },
    ),
    run(
      'installing the SDK and client tarballs in the service project',
      'npm',
      ['install', tarballs.contracts, tarballs.worker, tarballs.client, ...SERVICE_DEPENDENCIES],
      { cwd: serviceDir, timeoutMs: 240_000 },
    ),
  ]);

  // The TypeScript compilations run while the manager migrates and starts.
  for (const { flavour, file, module, resolution, libCheck } of TYPE_CONSUMERS) {
    const dir = join(serviceDir, `types-${flavour.replace(/\W+/g, '-')}`);
    mkdirSync(dir);
    copyFileSync(join(serviceDir, 'type-consumer.ts'), join(dir, file));
    compile(
      flavour,
      dir,
      { ...COMPILER_OPTIONS, module, moduleResolution: resolution, noEmit: true, skipLibCheck: !libCheck },
      file,
    );
  }
  compile(
    'the NestJS worker',
    serviceDir,
    { ...COMPILER_OPTIONS, experimentalDecorators: true, emitDecoratorMetadata: true, outDir: 'dist' },
    'nest-worker.ts',
  );

  migrated = await run('chaconne-manager migrate', managerBin(), ['migrate'], {
    cwd: managerDir,
    env: managerEnv(),
    timeoutMs: 60_000,
  });
  const created = await run(
    'chaconne-manager token create',
    managerBin(),
    ['token', 'create', 'packaging-client'],
    {
      cwd: managerDir,
      env: managerEnv(),
      timeoutMs: 60_000,
    },
  );
  const token = /^(chac_[\w-]{20,})$/m.exec(created.stdout)?.[1];
  if (token === undefined)
    throw new Error(`chaconne-manager token create printed no token:\n${created.stdout}${created.stderr}`);
  clientToken = token;

  const port = await freePort();
  const handle = startProcess(
    'chaconne-manager start',
    managerBin(),
    ['start'],
    managerDir,
    managerEnv({ CHACONNE_PORT: String(port), ...reporting('manager') }),
  );
  await handle.waitForLine(/Chaconne manager ready/, 60_000);
  manager = { handle, url: `http://127.0.0.1:${port}` };
}, 420_000);

afterAll(async () => {
  try {
    await Promise.all(started.map((handle) => handle.stop()));
    await Promise.all(compilations.values());
  } finally {
    await dropStack(stack);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}, 60_000);

describe('the packed packages', () => {
  it.each(['contracts', 'worker', 'client'] as const)(
    '@chaconne/%s ships its README, built code and types for every entry point, and no tests',
    (name) => {
      const root = join(serviceDir, 'node_modules', '@chaconne', name);
      const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        private?: boolean;
        exports: Record<string, string | Record<string, string>>;
      };
      expect(manifest.private).toBeUndefined();
      expect(existsSync(join(root, 'README.md'))).toBe(true);
      const entries = Object.entries(manifest.exports).filter(([subpath]) => subpath !== './package.json');
      expect(entries.length).toBeGreaterThan(0);
      for (const [subpath, target] of entries) {
        expect([subpath, typeof target]).toEqual([subpath, 'object']);
        const conditions = target as Record<string, string>;
        expect([subpath, conditions.types, conditions.default]).toEqual([
          subpath,
          expect.stringMatching(/^\.\/dist\/.+\.d\.ts$/),
          expect.stringMatching(/^\.\/dist\/.+\.js$/),
        ]);
        // Every target exists in the tarball, the source condition's too.
        for (const file of Object.values(conditions))
          expect([subpath, file, existsSync(join(root, file))]).toEqual([subpath, file, true]);
      }
      const shipped = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
          entry.isDirectory() ? shipped(join(dir, entry.name)) : [relative(root, join(dir, entry.name))],
        );
      expect(shipped(root).filter((file) => /\.spec\.|tsbuildinfo$/.test(file))).toEqual([]);
    },
  );

  it('installs nothing that links back into the repository', () => {
    const links: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isSymbolicLink()) links.push(path);
        else if (entry.isDirectory()) walk(path);
      }
    };
    walk(scratch);
    expect(links.length).toBeGreaterThan(0); // node_modules/.bin has some: the walk saw them
    expect(links.filter((link) => !isInside(realpathSync(link), scratch))).toEqual([]);
    expect(lstatSync(join(serviceDir, 'node_modules', '@chaconne', 'worker')).isSymbolicLink()).toBe(false);
    expect(lstatSync(join(managerDir, 'node_modules', '@chaconne', 'manager')).isSymbolicLink()).toBe(false);
  });

  it('gives ESM every name of every entry point, as the very objects require() gives', async () => {
    const result = await run('node esm-exports.mjs', process.execPath, ['esm-exports.mjs'], {
      cwd: serviceDir,
      env: cleanEnv(reporting('esm-exports')),
      timeoutMs: 60_000,
    });
    const report = JSON.parse(result.stdout) as Record<
      string,
      { names: string[]; missing: string[]; different: string[] }
    >;
    expect(Object.keys(report).sort()).toEqual([
      '@chaconne/client',
      '@chaconne/contracts',
      '@chaconne/contracts/definition',
      '@chaconne/contracts/signing',
      '@chaconne/worker',
      '@chaconne/worker/express',
      '@chaconne/worker/http',
      '@chaconne/worker/nest',
    ]);
    for (const [entry, { names, missing, different }] of Object.entries(report)) {
      expect([entry, names.length > 0, missing, different]).toEqual([entry, true, [], []]);
    }
    expect(report['@chaconne/worker']?.names).toEqual(
      expect.arrayContaining(['ChaconneWorker', 'ManagedJob', 'ChacJob', 'TriggerType']),
    );
    expect(report['@chaconne/contracts/definition']?.names).toEqual(
      expect.arrayContaining(['jobDefinitionSchema', 'jobDefinitionProblems', 'triggerSchema']),
    );
  }, 60_000);

  it.each(TYPE_CONSUMERS.map(({ flavour }) => flavour))(
    'types every entry point for a TypeScript consumer (%s)',
    async (flavour) => {
      const compiled = await compilations.get(flavour);
      // tsc prints its errors on stdout.
      expect({ code: compiled?.code, errors: compiled?.stdout }).toEqual({ code: 0, errors: '' });
    },
    120_000,
  );
});

describe('the chaconne-manager bin', () => {
  it('prints its usage on --help, refuses an unknown command with it, and ships its README', async () => {
    const help = await run('chaconne-manager --help', managerBin(), ['--help'], {
      cwd: managerDir,
      timeoutMs: 30_000,
    });
    expect(help.stdout).toMatch(/^Usage: chaconne-manager <command>/);
    for (const command of ['start', 'migrate', 'token create <name>', 'token list', 'token revoke <name>']) {
      expect(help.stdout).toContain(`  ${command} `);
    }
    const unknown = await run('chaconne-manager launch', managerBin(), ['launch'], {
      cwd: managerDir,
      timeoutMs: 30_000,
      allowFailure: true,
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^chaconne-manager: unknown command 'launch'\n\nUsage:/);
    expect(existsSync(join(managerDir, 'node_modules', '@chaconne', 'manager', 'README.md'))).toBe(true);
  }, 60_000);

  it('migrated the database, created the client token, and started a manager that serves its console and API docs', async () => {
    expect(migrated.stdout).toMatch(/^applied: .+/m);
    const listed = await run('chaconne-manager token list', managerBin(), ['token', 'list'], {
      cwd: managerDir,
      env: managerEnv(),
      timeoutMs: 60_000,
    });
    expect(listed.stdout).toMatch(/^packaging-client\t.*\tlive$/m);
    const console = await fetch(`${manager!.url}/console/`);
    const page = await console.text();
    expect([console.status, page]).toEqual([200, expect.stringContaining('<title>Chaconne console</title>')]);
    // The bundle the page loads ships in the package too.
    const script = /<script type="module" crossorigin src="(\/console\/assets\/[^"]+\.js)"/.exec(page)?.[1];
    expect(script).toBeDefined();
    const bundle = await fetch(`${manager!.url}${script ?? ''}`);
    expect([bundle.status, bundle.headers.get('content-type')]).toEqual([
      200,
      expect.stringMatching(/javascript/),
    ]);
    await bundle.arrayBuffer();
    const docs = await fetch(`${manager!.url}/docs/swagger-ui-bundle.js`);
    expect(docs.status).toBe(200);
    await docs.arrayBuffer();
  }, 60_000);
});

/** A service of the README runs one job created through @chaconne/client; it ends COMPLETED with its log line. */
async function expectJobCompletedOn(
  name: string,
  command: readonly string[],
  groupName: string,
  jobClassName: string,
): Promise<void> {
  const port = await freePort();
  const worker = startProcess(
    name,
    process.execPath,
    command,
    serviceDir,
    cleanEnv({
      CHACONNE_MANAGER_URL: manager!.url,
      CHACONNE_SECRET: stack.secret,
      CHACONNE_WORKER_BASE_URL: `http://127.0.0.1:${port}`,
      PORT: String(port),
      ...reporting(name),
    }),
  );
  await manager!.handle
    .waitForLine(new RegExp(`registered \\S+ \\(shop/${groupName}\\)`), 30_000)
    .catch((error: unknown) => {
      throw new Error(`${String(error)}\n${name} output:\n${worker.output}`);
    });

  const marker = JSON.stringify({ packaged: name });
  const client = await run(
    `node run-job.mjs (${name})`,
    process.execPath,
    ['run-job.mjs', groupName, jobClassName, marker],
    {
      cwd: serviceDir,
      env: cleanEnv({
        CHACONNE_MANAGER_URL: manager!.url,
        CHACONNE_TOKEN: clientToken,
        ...reporting(`client-${name}`),
      }),
      timeoutMs: 30_000,
    },
  );
  const { traceId } = JSON.parse(client.stdout) as { jobId: number; traceId: number };
  const jobKey = { clusterName: 'shop', groupName, jobName: jobClassName, jobClassName };
  const outcome = await waitForOutcome(stack, manager!.url, jobKey, traceId, 30_000);
  expect([outcome.runningState, outcome.reason]).toEqual([RunningState.COMPLETED, null]);
  expect((await runLogs(stack, manager!.url, jobKey, traceId)).join('\n')).toContain(marker);
  await worker.stop();
}

describe('services outside the repository', () => {
  it('a plain Node.js worker (CommonJS, node:http) runs a job created through the client', async () => {
    await expectJobCompletedOn('plain-worker', ['plain-worker.cjs'], 'billing', 'InvoiceJob');
  }, 90_000);

  it('an Express worker (ES module) runs a job created through the client', async () => {
    await expectJobCompletedOn('express-worker', ['express-worker.mjs'], 'mailer', 'NewsletterJob');
  }, 90_000);

  it('a NestJS worker (TypeScript compiled by tsc, node16) runs a job created through the client', async () => {
    const compiled = await compilations.get('the NestJS worker');
    expect({ code: compiled?.code, errors: compiled?.stdout }).toEqual({ code: 0, errors: '' });
    await expectJobCompletedOn('nest-worker', [join('dist', 'nest-worker.js')], 'reports', 'ReportJob');
  }, 180_000);

  it('loaded every module of every process (manager, workers, client) from the temporary folder', () => {
    const reports = readdirSync(reportsDir).sort();
    expect(reports).toEqual(
      [
        'manager',
        'esm-exports',
        'plain-worker',
        'client-plain-worker',
        'express-worker',
        'client-express-worker',
        'nest-worker',
        'client-nest-worker',
      ]
        .map((name) => `${name}.json`)
        .sort(),
    );
    const loaded = (name: string): string[] => {
      const report = JSON.parse(readFileSync(join(reportsDir, `${name}.json`), 'utf8')) as {
        cjs: string[];
        esm: string[];
      };
      return [
        ...report.cjs,
        ...report.esm.filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url)),
      ];
    };
    const outside: string[] = [];
    for (const report of reports) {
      const name = report.replace(/\.json$/, '');
      for (const file of loaded(name))
        if (!isInside(realpathSync(file), scratch)) outside.push(`${name}: ${file}`);
    }
    expect(outside).toEqual([]);
    // The reports saw the packages themselves: the check above had something to check.
    const atPackage = (file: string): unknown =>
      expect.arrayContaining([expect.stringMatching(new RegExp(`/node_modules/${file}$`))]);
    expect(loaded('manager')).toEqual(atPackage('@chaconne/manager/dist/main.js'));
    expect(loaded('manager')).toEqual(atPackage('@chaconne/contracts/dist/index.js'));
    expect(loaded('plain-worker')).toEqual(atPackage('@chaconne/worker/dist/http/index.js'));
    expect(loaded('express-worker')).toEqual(atPackage('@chaconne/worker/dist/express/index.js'));
    expect(loaded('express-worker')).toEqual(atPackage('express/index.js'));
    expect(loaded('nest-worker')).toEqual(atPackage('@chaconne/worker/dist/nest/index.js'));
    expect(loaded('nest-worker')).toEqual(atPackage('@nestjs/core/index.js'));
    expect(loaded('client-nest-worker')).toEqual(atPackage('@chaconne/client/dist/index.js'));
  });
});
