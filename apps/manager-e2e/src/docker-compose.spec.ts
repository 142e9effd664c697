import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The container setup: docker/Dockerfile, docker/docker-compose.yml and .dockerignore.
 *
 * The text-level checks always run (no Docker needed); the build stage's pack and install scripts
 * run for real in the packaging test (packages.e2e.spec.ts). Where the `docker` CLI has the compose
 * plugin, the compose file is also rendered by `docker compose config` (offline: no engine is
 * needed) and the resolved model is checked, including that compose refuses to render without each
 * secret.
 */

const repoRoot = resolve(__dirname, '..', '..', '..');
const composeFile = join('docker', 'docker-compose.yml');
const composeText = readFileSync(join(repoRoot, composeFile), 'utf8');
const dockerfileText = readFileSync(join(repoRoot, 'docker', 'Dockerfile'), 'utf8');
const dockerignoreText = readFileSync(join(repoRoot, '.dockerignore'), 'utf8');
const installScript = readFileSync(join(repoRoot, 'scripts', 'install-packages.js'), 'utf8');
const managerManifest = JSON.parse(
  readFileSync(join(repoRoot, 'apps', 'manager', 'package.json'), 'utf8'),
) as {
  bin?: Record<string, string>;
};
const demoWorkerManifest = JSON.parse(
  readFileSync(join(repoRoot, 'apps', 'demo-worker', 'package.json'), 'utf8'),
) as { name: string; main: string; files: string[] };

const SERVICES = ['mysql', 'redis', 'manager', 'demo-worker'] as const;
const APPS = [
  { service: 'manager', target: 'manager', port: '6543' },
  { service: 'demo-worker', target: 'demo-worker', port: '8088' },
] as const;
const REQUIRED_VARS = [
  'MYSQL_ROOT_PASSWORD',
  'MYSQL_PASSWORD',
  'CHACONNE_SECRET',
  'CHACONNE_ADMIN_TOKEN',
] as const;
type RequiredVar = (typeof REQUIRED_VARS)[number];
const TEST_VALUES: Record<RequiredVar, string> = {
  MYSQL_ROOT_PASSWORD: 'test-root-password',
  MYSQL_PASSWORD: 'test-app-password',
  CHACONNE_SECRET: 'test-secret-0123456789abcdef-0123456789abcdef',
  CHACONNE_ADMIN_TOKEN: 'test-admin-token-0123456789abcdef-0123456789',
};

// ---- a minimal reader for the block-style YAML of the compose file (no YAML library is installed) ----

interface YamlLine {
  indent: number;
  text: string;
}

/** Non-blank, non-comment lines with their indentation. */
function yamlLines(source: string): YamlLine[] {
  return source
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'))
    .map((line) => ({ indent: line.length - line.trimStart().length, text: line.trim() }));
}

/** The lines nested under `key:` at the outermost level of `lines`, or undefined when there is no such key. */
function child(lines: readonly YamlLine[], key: string): YamlLine[] | undefined {
  const base = Math.min(...lines.map((line) => line.indent));
  const start = lines.findIndex((line) => line.indent === base && line.text === `${key}:`);
  if (start < 0) return undefined;
  const nested: YamlLine[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.indent <= base) break;
    nested.push(line);
  }
  return nested;
}

function childAt(lines: readonly YamlLine[], path: readonly string[]): YamlLine[] | undefined {
  let current: readonly YamlLine[] | undefined = lines;
  for (const key of path) {
    if (current === undefined || current.length === 0) return undefined;
    current = child(current, key);
  }
  return current === undefined ? undefined : [...current];
}

/** The scalar value of `key: value` at the outermost level of `lines`, quotes removed. */
function scalar(lines: readonly YamlLine[], key: string): string | undefined {
  const base = Math.min(...lines.map((line) => line.indent));
  const line = lines.find((l) => l.indent === base && l.text.startsWith(`${key}:`));
  if (line === undefined) return undefined;
  return unquote(line.text.slice(key.length + 1).trim());
}

function unquote(value: string): string {
  return /^(['"]).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/** Words of a command written as a string, a flow list or a block list. */
function words(lines: readonly YamlLine[]): string[] {
  return lines
    .flatMap((line) => line.text.replace(/^-\s+/, '').split(/[\s,[\]]+/))
    .map(unquote)
    .filter((word) => word !== '' && word !== '-');
}

function service(name: string): YamlLine[] {
  const block = childAt(yamlLines(composeText), ['services', name]);
  if (block === undefined || block.length === 0) {
    throw new Error(`service ${name} not found in ${composeFile}`);
  }
  return block;
}

/** Every `${NAME...}` interpolation in the compose file (comments and `$$` escapes excluded). */
function interpolations(): { name: string; operator: string }[] {
  const text = yamlLines(composeText)
    .map((line) => line.text)
    .join('\n');
  return [...text.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+])?[^}]*\}/g)].map((match) => ({
    name: match[1]!,
    operator: match[2] ?? '',
  }));
}

// ---- a minimal Dockerfile reader ----------------------------------------------------------------------

interface Stage {
  name: string;
  from: string;
  instructions: string[];
}

function dockerStages(source: string): Stage[] {
  const logical = source
    .split(/\r?\n/)
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim().replace(/\s+/g, ' '))
    .filter((line) => line !== '');
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instruction of logical) {
    const from = /^FROM (\S+)(?: AS (\S+))?$/i.exec(instruction);
    if (from !== null) {
      const image = from[1]!.replace(
        /\$\{(\w+)\}|\$(\w+)/g,
        (_, a?: string, b?: string) => args.get(a ?? b ?? '') ?? '',
      );
      stages.push({ name: from[2] ?? String(stages.length), from: image, instructions: [] });
      continue;
    }
    const arg = /^ARG (\w+)=(\S+)$/i.exec(instruction);
    const current = stages.at(-1);
    if (current === undefined) {
      if (arg !== null) args.set(arg[1]!, unquote(arg[2]!));
    } else {
      current.instructions.push(instruction);
    }
  }
  return stages;
}

const stages = dockerStages(dockerfileText);

function stage(name: string): Stage {
  const found = stages.find((s) => s.name === name);
  if (found === undefined) throw new Error(`Dockerfile has no stage "${name}"`);
  return found;
}

/** The stage and the stages it is built FROM, nearest first. */
function lineage(name: string): Stage[] {
  const chain: Stage[] = [];
  let current: Stage | undefined = stage(name);
  while (current !== undefined && !chain.includes(current)) {
    chain.push(current);
    const base: string = current.from;
    current = stages.find((s) => s.name === base);
  }
  return chain;
}

function instructionsOf(name: string, keyword: string): string[] {
  const prefix = `${keyword.toUpperCase()} `;
  return stage(name).instructions.filter((i) => i.toUpperCase().startsWith(prefix));
}

// ---- always: text-level checks ------------------------------------------------------------------------

describe('docker/docker-compose.yml (text)', () => {
  it('defines mysql, redis, manager and demo-worker', () => {
    for (const name of SERVICES) {
      expect(service(name).length).toBeGreaterThan(0);
    }
    expect(scalar(service('mysql'), 'image')).toBe('mysql:8.4');
    expect(scalar(service('redis'), 'image')).toBe('redis:7-alpine');
    const mysqlEnv = child(service('mysql'), 'environment')!;
    expect(scalar(mysqlEnv, 'MYSQL_DATABASE')).toBe('chaconne');
    expect(scalar(mysqlEnv, 'MYSQL_USER')).toBe('chaconne');
  });

  it('requires every password and secret from the environment, with no default', () => {
    const found = interpolations();
    for (const name of REQUIRED_VARS) {
      const uses = found.filter((i) => i.name === name);
      expect(uses.length).toBeGreaterThan(0);
      expect(uses.map((i) => `${i.name}${i.operator}`)).toEqual(uses.map(() => `${name}:?`));
    }
    // Any other secret-looking variable must be required too.
    const secretLike = found.filter((i) => /PASSWORD|SECRET|TOKEN|KEY/.test(i.name));
    expect(secretLike.filter((i) => i.operator !== ':?' && i.operator !== '?')).toEqual([]);
  });

  it('writes no literal password or secret', () => {
    const assignments = yamlLines(composeText)
      .map((line) => /^(?:-\s*)?([A-Z0-9_]*(?:PASSWORD|SECRET)[A-Z0-9_]*)\s*[:=]\s*(.*)$/.exec(line.text))
      .filter((match) => match !== null);
    expect(assignments.length).toBeGreaterThanOrEqual(REQUIRED_VARS.length);
    const literal = assignments
      .filter(([, , value]) => !/^\$\{\w+:\?/.test(unquote(value!)))
      .map(([, key]) => key);
    expect(literal).toEqual([]);
    for (const [, password] of composeText.matchAll(/mysql:\/\/[^:\s/@]+:([^@\s]+)@/g)) {
      expect(password).toMatch(/^\$\{MYSQL_PASSWORD:\?/);
    }
  });

  it('runs redis with maxmemory-policy noeviction', () => {
    const command = words(child(service('redis'), 'command')!);
    const flag = command.indexOf('--maxmemory-policy');
    expect(flag).toBeGreaterThanOrEqual(0);
    expect(command[flag + 1]).toBe('noeviction');
  });

  it('gives mysql and redis healthchecks, and starts the manager once both are healthy', () => {
    for (const name of ['mysql', 'redis']) {
      const healthcheck = child(service(name), 'healthcheck') ?? [];
      expect(healthcheck.map((line) => line.text.split(':')[0])).toContain('test');
    }
    for (const dependency of ['mysql', 'redis']) {
      const entry = childAt(service('manager'), ['depends_on', dependency]);
      expect(entry && scalar(entry, 'condition')).toBe('service_healthy');
    }
    const onManager = childAt(service('demo-worker'), ['depends_on', 'manager']);
    expect(onManager && scalar(onManager, 'condition')).toBe('service_healthy');
  });

  it.each(APPS)(
    'builds $service from the repo root, target $target, as the node user',
    ({ service: name, target }) => {
      const build = child(service(name), 'build')!;
      expect(scalar(build, 'context')).toBe('..');
      expect(scalar(build, 'dockerfile')).toBe('docker/Dockerfile');
      expect(scalar(build, 'target')).toBe(target);
      expect(scalar(service(name), 'user')).toBe('node');
    },
  );

  it('publishes the manager on 6543 and points the demo worker at it', () => {
    const ports = words(child(service('manager'), 'ports')!);
    expect(ports.filter((p) => /(^|:)6543:6543(\/tcp)?$/.test(p))).toHaveLength(1);
    const managerEnv = child(service('manager'), 'environment')!;
    expect(scalar(managerEnv, 'CHACONNE_HOST')).toBe('0.0.0.0');
    expect(scalar(managerEnv, 'CHACONNE_REDIS_URL')).toBe('redis://redis:6379');
    const workerEnv = child(service('demo-worker'), 'environment')!;
    expect(scalar(workerEnv, 'CHACONNE_MANAGER_URL')).toBe('http://manager:6543');
    expect(scalar(workerEnv, 'CHACONNE_WORKER_BASE_URL')).toBe('http://demo-worker:8088');
    // The demo binds loopback unless told otherwise; in its container the manager comes from outside.
    expect(scalar(workerEnv, 'DEMO_WORKER_HOST')).toBe('0.0.0.0');
  });
});

describe('docker/Dockerfile', () => {
  it('has the manager and demo-worker targets, on node:20-bookworm-slim', () => {
    const names = stages.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['manager', 'demo-worker']));
    for (const { target } of APPS) {
      expect(lineage(target).at(-1)?.from).toBe('node:20-bookworm-slim');
    }
  });

  it('packs the packages and installs each image its tarballs, production only, in a build stage', () => {
    const build = stages.find((s) => s.instructions.some((i) => i.includes('scripts/pack-packages.js')));
    expect(build).toBeDefined();
    const runs = build!.instructions.filter((i) => i.startsWith('RUN ')).join('\n');
    expect(runs).toMatch(/apt-get install[^\n]*\bpython3\b[^\n]*\bmake\b[^\n]*\bg\+\+/);
    expect(runs).toMatch(/\bnpm ci\b/);
    // Every package the images need, packed by npm pack (its prepack builds it) into /packages.
    expect(runs).toMatch(/node scripts\/pack-packages\.js --demo-worker \/packages(\s|$)/m);
    // One install per image, from the tarballs only: the manager and contracts; the SDK and the demo.
    const installs = [
      ...runs.matchAll(/node scripts\/install-packages\.js (\S+)((?: \/packages\/\S+)+)/g),
    ].map(([, folder, tarballs]) => [folder, tarballs!.trim().split(' ').sort()]);
    expect(Object.fromEntries(installs)).toEqual({
      '/deploy/manager': ['/packages/chaconne-contracts-*.tgz', '/packages/chaconne-manager-*.tgz'],
      '/deploy/demo-worker': [
        '/packages/chaconne-contracts-*.tgz',
        '/packages/chaconne-demo-worker-*.tgz',
        '/packages/chaconne-worker-*.tgz',
      ],
    });
    // ...which installs production dependencies only, at the versions of the repository's lockfile.
    expect(installScript).toContain("'--omit=dev'");
    expect(installScript).toMatch(/copyFileSync\(join\(__dirname, '\.\.', 'package-lock\.json'\)/);
    // Neither target carries the toolchain: they do not descend from the build stage.
    for (const { target } of APPS) {
      expect(lineage(target).map((s) => s.name)).not.toContain(build!.name);
      expect(lineage(target).flatMap((s) => s.instructions)).not.toContainEqual(
        expect.stringMatching(/apt-get install/),
      );
    }
  });

  it.each(APPS)('$target copies only its own install folder from the build', ({ target }) => {
    const copies = lineage(target).flatMap((s) => s.instructions.filter((i) => i.startsWith('COPY')));
    expect(copies).toEqual([`COPY --from=build /deploy/${target} ./`]);
    expect(lineage(target).flatMap((s) => s.instructions)).toContain('WORKDIR /app');
  });

  it.each(APPS)('$target runs as node and exposes $port', ({ target, port }) => {
    const users = lineage(target).flatMap((s) => s.instructions.filter((i) => i.startsWith('USER ')));
    expect(users[0]).toBe('USER node');
    expect(instructionsOf(target, 'EXPOSE')).toContain(`EXPOSE ${port}`);
  });

  it("starts the manager with its package's chaconne-manager bin, on every interface", () => {
    expect(instructionsOf('manager', 'CMD')).toEqual(['CMD ["chaconne-manager", "start"]']);
    const env = instructionsOf('manager', 'ENV').join(' ');
    expect(env).toMatch(/\bPATH=\/app\/node_modules\/\.bin:\$PATH\b/);
    expect(env).toContain('CHACONNE_HOST=0.0.0.0');
    expect(managerManifest.bin).toEqual({ 'chaconne-manager': 'dist/cli.js' });
  });

  it("starts the demo worker from its package's dist/main.js, on every interface", () => {
    expect(instructionsOf('demo-worker', 'CMD')).toEqual([
      'CMD ["node", "node_modules/@chaconne/demo-worker/dist/main.js"]',
    ]);
    expect(instructionsOf('demo-worker', 'ENV').join(' ')).toContain('DEMO_WORKER_HOST=0.0.0.0');
    expect(demoWorkerManifest).toMatchObject({ name: '@chaconne/demo-worker', main: './dist/main.js' });
    expect(demoWorkerManifest.files).toContain('dist/**/*.js');
  });

  it('health-checks the manager with node fetch on /health, not curl', () => {
    const [healthcheck, ...more] = instructionsOf('manager', 'HEALTHCHECK');
    expect(more).toEqual([]);
    expect(healthcheck).toContain('fetch(');
    expect(healthcheck).toContain('/health');
    expect(healthcheck).not.toMatch(/\b(curl|wget)\b/);
  });
});

describe('.dockerignore', () => {
  it('keeps host installs, build output, VCS data and env files out of the build context', () => {
    const patterns = dockerignoreText
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(patterns).toEqual(
      expect.arrayContaining([
        '.git',
        '**/node_modules',
        '**/dist',
        '**/coverage',
        '.nx',
        'bench/results',
        '**/.env',
      ]),
    );
  });
});

// ---- with the docker compose plugin: the model compose itself resolves --------------------------------

function composePluginAvailable(): boolean {
  const result = spawnSync('docker', ['compose', 'version'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20_000,
  });
  return result.error === undefined && result.status === 0;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function get(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return current;
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter((word) => word !== '');
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

const describeWithCompose = composePluginAvailable() ? describe : describe.skip;

describeWithCompose('docker compose config (compose plugin present)', () => {
  let scratch: string;
  let emptyEnvFile: string;
  let model: JsonObject;

  /** `docker compose config --format json` with the test secrets, less `omit`; never reads docker/.env. */
  function renderCompose(omit?: RequiredVar): SpawnSyncReturns<string> {
    const inherited = Object.entries(process.env).filter(
      ([key]) => !key.startsWith('COMPOSE_') && !(REQUIRED_VARS as readonly string[]).includes(key),
    );
    const secrets = Object.entries(TEST_VALUES).filter(([key]) => key !== omit);
    return spawnSync(
      'docker',
      ['compose', '--env-file', emptyEnvFile, '-f', composeFile, 'config', '--format', 'json'],
      {
        cwd: repoRoot,
        env: Object.fromEntries([...inherited, ...secrets]),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
      },
    );
  }

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'chaconne-compose-'));
    emptyEnvFile = join(scratch, 'empty.env');
    writeFileSync(emptyEnvFile, '');
    const result = renderCompose();
    if (result.status !== 0) {
      throw new Error(`docker compose config failed (${String(result.status)}): ${result.stderr}`);
    }
    const parsed: unknown = JSON.parse(result.stdout);
    if (!isObject(parsed)) throw new Error('docker compose config did not print a JSON object');
    model = parsed;
  }, 90_000);

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('resolves the four services', () => {
    expect(Object.keys(get(model, 'services') as JsonObject)).toEqual(expect.arrayContaining([...SERVICES]));
  });

  it('passes the secrets through from the environment', () => {
    expect(get(model, 'services', 'manager', 'environment', 'CHACONNE_SECRET')).toBe(
      TEST_VALUES.CHACONNE_SECRET,
    );
    expect(get(model, 'services', 'demo-worker', 'environment', 'CHACONNE_SECRET')).toBe(
      TEST_VALUES.CHACONNE_SECRET,
    );
    expect(get(model, 'services', 'manager', 'environment', 'CHACONNE_MYSQL_URL')).toBe(
      `mysql://chaconne:${TEST_VALUES.MYSQL_PASSWORD}@mysql:3306/chaconne`,
    );
    expect(get(model, 'services', 'mysql', 'environment', 'MYSQL_PASSWORD')).toBe(TEST_VALUES.MYSQL_PASSWORD);
    expect(get(model, 'services', 'mysql', 'environment', 'MYSQL_ROOT_PASSWORD')).toBe(
      TEST_VALUES.MYSQL_ROOT_PASSWORD,
    );
  });

  it.each(REQUIRED_VARS)(
    'refuses to render without %s (no default)',
    (name) => {
      const result = renderCompose(name);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(name);
    },
    60_000,
  );

  it('runs redis with noeviction', () => {
    const command = stringList(get(model, 'services', 'redis', 'command'));
    expect(command[command.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
    expect(command).toContain('--maxmemory-policy');
  });

  it('starts the manager after healthy mysql and redis, and the demo worker after a healthy manager', () => {
    expect(get(model, 'services', 'manager', 'depends_on', 'mysql', 'condition')).toBe('service_healthy');
    expect(get(model, 'services', 'manager', 'depends_on', 'redis', 'condition')).toBe('service_healthy');
    expect(get(model, 'services', 'demo-worker', 'depends_on', 'manager', 'condition')).toBe(
      'service_healthy',
    );
  });

  it.each(APPS)(
    'builds $service with target $target from the repo root as node',
    ({ service: name, target }) => {
      expect(get(model, 'services', name, 'build', 'target')).toBe(target);
      expect(resolve(String(get(model, 'services', name, 'build', 'context')))).toBe(repoRoot);
      expect(get(model, 'services', name, 'user')).toBe('node');
    },
  );

  it('publishes the manager port 6543', () => {
    const ports = get(model, 'services', 'manager', 'ports');
    const mappings = (Array.isArray(ports) ? (ports as unknown[]) : []).map(
      (port) => `${String(get(port, 'published'))}:${String(get(port, 'target'))}`,
    );
    expect(mappings).toContain('6543:6543');
  });
});
