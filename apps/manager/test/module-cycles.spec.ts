import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

// The lint step that fails on cycles between the manager's modules (scripts/check-module-cycles.js),
// run as `npm run lint` runs it, on small module trees written for each case.

const script = resolve(__dirname, '../../../scripts/check-module-cycles.js');

interface Check {
  status: number | null;
  stderr: string;
}

function check(modulesDir: string): Check {
  const { status, stderr } = spawnSync(process.execPath, [script, modulesDir], { encoding: 'utf8' });
  return { status, stderr };
}

describe('the module cycle check', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'chaconne-module-cycles-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  function write(files: Record<string, string>): string {
    for (const [path, text] of Object.entries(files)) {
      const file = join(root, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    return root;
  }

  it('passes a graph without cycles, however many files import across modules', () => {
    const dir = write({
      'run/fire.service.ts': "import { plan } from '../schedule/plan';\nimport { x } from '../sql/x';",
      'run/dto/body.ts': "import { plan } from '../../schedule/plan';",
      'schedule/plan.ts': "import { x } from '../sql/x';\nexport const plan = 1;",
      'sql/x.ts': "import { config } from '../../config/config';\nexport const x = 1;",
    });
    expect(check(dir)).toEqual({ status: 0, stderr: '' });
  });

  it('fails on a cycle between directories that is no cycle between files, naming the imports', () => {
    const dir = write({
      'run/run-launcher.service.ts': "import { Runner } from '../xcron/runner';",
      'run/run-store.service.ts': 'export class RunStore {}',
      'xcron/runner.ts': "import type { RunStore } from '../run/run-store.service';\nexport class Runner {}",
      'sql/x.ts': 'export const x = 1;',
    });
    const { status, stderr } = check(dir);
    expect(status).toBe(1);
    expect(stderr).toContain('module cycle run -> xcron -> run');
    expect(stderr).toContain("run -> xcron: run/run-launcher.service.ts imports '../xcron/runner'");
    expect(stderr).toContain("xcron -> run: xcron/runner.ts imports '../run/run-store.service'");
    expect(stderr).not.toContain('sql');
  });

  it('finds a longer loop through a nested file, an export-from and a dynamic import', () => {
    const dir = write({
      'auth/auth.decorators.ts': "export { SignatureGuard } from '../worker-registry/signature.guard';",
      'worker-registry/dto/register.ts': "export const load = () => import('../../run/run-requests');",
      'worker-registry/signature.guard.ts': 'export class SignatureGuard {}',
      'run/run-requests.ts': "import { AdminActor } from '../auth/auth.decorators';",
    });
    const { status, stderr } = check(dir);
    expect(status).toBe(1);
    expect(stderr).toContain('module cycle auth -> worker-registry -> run -> auth');
    expect(stderr).toContain('1 cycle(s)');
  });

  it('reports each cycle once, and leaves tests out of the graph', () => {
    const dir = write({
      'a/a.ts': "import { b } from '../b/b';",
      'b/b.ts': "import { a } from '../a/a';",
      'c/c.ts': "import { d } from '../d/d';",
      'd/d.ts': "import { c } from '../c/c';",
      'e/e.ts': 'export const e = 1;',
      'e/e.spec.ts': "import { a } from '../a/a';",
      'a/a.spec.ts': "import { e } from '../e/e';",
    });
    const { status, stderr } = check(dir);
    expect(status).toBe(1);
    expect(stderr).toContain('module cycle a -> b -> a');
    expect(stderr).toContain('module cycle c -> d -> c');
    expect(stderr).toContain('2 cycle(s)');
    expect(stderr).not.toMatch(/\be\b ->|-> e\b/);
  });

  it("passes the manager's own modules", () => {
    expect(check(resolve(__dirname, '../src/modules'))).toEqual({ status: 0, stderr: '' });
  });
});
