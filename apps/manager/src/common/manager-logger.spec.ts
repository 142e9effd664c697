import { outputOf } from '@chaconne/testing';
import { Logger } from '@nestjs/common';
import { escapeLogText, ManagerLogger } from './manager-logger';

/** The lines the logger writes to stdout and stderr while `run` runs. */
const written = async (run: () => void): Promise<string[]> => (await outputOf(run)).lines();

describe('escapeLogText', () => {
  it('escapes line breaks, tabs, ESC, C1, separators, bidi controls and lone surrogates', () => {
    expect(escapeLogText('a\nb\r\nc\td')).toBe('a\\nb\\r\\nc\\td');
    expect(escapeLogText('\u001b[31mred\u0085\u2028\u202Eevil\u2066\uD800')).toBe(
      '\\u001b[31mred\\u0085\\u2028\\u202eevil\\u2066\\ud800',
    );
    expect(escapeLogText('plain text, déjà vu, 作业, 🚀')).toBe('plain text, déjà vu, 作业, 🚀');
  });
});

describe('ManagerLogger', () => {
  const logger = new ManagerLogger({ colors: false, logLevels: ['error', 'warn', 'log'] });

  afterEach(() => {
    Logger.overrideLogger(false);
  });

  it('writes a job name holding a forged log line as one escaped line, through Nest Logger', async () => {
    Logger.overrideLogger(logger);
    const forged = 'etl\n[Nest] 1  - 01/01/2026, 0:00:00 AM     LOG [ApiTokenService] token rotated';
    const lines = await written(() => {
      new Logger('JobLifecycleService').log(`job ${forged}: pause -> PAUSED`);
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /LOG \[JobLifecycleService\] job etl\\n\[Nest\] 1 {2}- .* token rotated: pause -> PAUSED$/,
    );
  });

  it('escapes a reason in a warning, a context, an object message and an error stack', async () => {
    Logger.overrideLogger(logger);
    const error = new Error('dispatch failed:\nHTTP 500 \u202Eevil');
    const lines = await written(() => {
      new Logger('RunLauncher').warn('run 7: no worker available (HTTP 500 boom\r\nfake)');
      new Logger('Ctx\nForged').warn('x');
      new Logger('Obj').log({ reason: 'a\nb', nested: { list: [1, 2, 3] } });
      new Logger('Filter').error(error.message, error.stack);
    });
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain('[RunLauncher] run 7: no worker available (HTTP 500 boom\\r\\nfake)');
    expect(lines[1]).toContain('[Ctx\\nForged] x');
    expect(lines[2]).toContain("[Obj] { reason: 'a\\nb', nested: { list: [ 1, 2, 3 ] } }");
    expect(lines[3]).toContain('[Filter] dispatch failed:\\nHTTP 500 \\u202eevil');
    expect(lines[4]).toMatch(/^Error: dispatch failed:\\nHTTP 500 \\u202eevil\\n {4}at /);
  });

  it("writes Nest's module and route mapping lines at debug level only", async () => {
    const mapping = () => {
      new Logger('RouterExplorer').log('Mapped {/job/admin/persistJob, POST} route');
      new Logger('RoutesResolver').log('JobDefinitionController {/job/admin}:');
      new Logger('InstanceLoader').log('AppModule dependencies initialized');
      new Logger('NestApplication').log('Nest application successfully started');
    };
    Logger.overrideLogger(logger);
    expect(await written(mapping)).toEqual([
      expect.stringMatching(/LOG \[NestApplication\] Nest application successfully started$/),
    ]);
    Logger.overrideLogger(new ManagerLogger({ colors: false, logLevels: ['log', 'debug'] }));
    const debug = await written(mapping);
    expect(debug).toHaveLength(4);
    expect(debug[0]).toMatch(/DEBUG \[RouterExplorer\] Mapped \{\/job\/admin\/persistJob, POST\} route$/);
  });
});
