import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleFiles, contentTypeOf, NONCE_PLACEHOLDER } from './console-files';

describe('ConsoleFiles', () => {
  let root: string;
  let dir: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'console-files-'));
    dir = join(root, 'console');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(root, 'secret.txt'), 'outside the console');
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  function load(): ConsoleFiles {
    const loaded = ConsoleFiles.load(dir);
    if (typeof loaded === 'string') throw new Error(loaded);
    return loaded;
  }

  it('puts the nonce into every placeholder of the page', () => {
    writeFileSync(join(dir, 'index.html'), `<meta name="csp-nonce" content="${NONCE_PLACEHOLDER}" />`);
    const files = load();
    expect(files.pageTakesNonce).toBe(true);
    expect(files.page('abc')).toBe('<meta name="csp-nonce" content="abc" />');
    expect(files.page('xyz')).toBe('<meta name="csp-nonce" content="xyz" />');
  });

  it('serves regular files by their path, never dotfiles, links, the page itself or paths outside', () => {
    writeFileSync(join(dir, 'index.html'), '<html></html>');
    writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets', '.env'), 'SECRET=1');
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.git', 'config'), '[core]');
    symlinkSync(join(root, 'secret.txt'), join(dir, 'assets', 'link.txt'));
    const files = load();
    expect(files.pageTakesNonce).toBe(false);
    expect(files.file('assets/index-abc.js')).toEqual({
      body: Buffer.from('console.log(1)'),
      contentType: 'text/javascript; charset=utf-8',
    });
    for (const path of [
      'assets/.env',
      '.git/config',
      'assets/link.txt',
      'index.html',
      'assets',
      '../secret.txt',
      'assets/../../secret.txt',
      '/assets/index-abc.js',
    ])
      expect([path, files.file(path)]).toEqual([path, undefined]);
  });

  it('says why when the folder has no page', () => {
    expect(ConsoleFiles.load(join(root, 'missing'))).toMatch(/^no console in .*missing/);
  });

  it('names content types by extension, octet-stream for the unknown', () => {
    expect(contentTypeOf('a.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('font.woff2')).toBe('font/woff2');
    expect(contentTypeOf('logo.svg')).toBe('image/svg+xml');
    expect(contentTypeOf('README')).toBe('application/octet-stream');
  });
});
