import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

/** Placeholder in the console's index.html, replaced by each answer's CSP nonce. */
export const NONCE_PLACEHOLDER = '__CSP_NONCE__';

/**
 * Bounds of what is read into memory: the built console is a few MB (one entry chunk, a
 * stylesheet, code-split chunks); anything far larger is not a console build.
 */
export const MAX_CONSOLE_FILES = 2_000;
export const MAX_CONSOLE_BYTES = 64 * 1024 * 1024;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

export interface ConsoleFile {
  readonly body: Buffer;
  readonly contentType: string;
}

/**
 * The built console, read once at start into memory: index.html (split at the nonce
 * placeholder) and every other file by its path relative to the folder ("assets/index-x.js").
 * Requests are answered from this map only, so a path can never reach outside the folder;
 * dotfiles, symbolic links and anything but regular files and folders are never read.
 */
export class ConsoleFiles {
  private constructor(
    private readonly pageParts: readonly string[],
    private readonly files: ReadonlyMap<string, ConsoleFile>,
  ) {}

  /** Reads `dir`; answers null with the reason when there is no usable console there. */
  static load(dir: string): ConsoleFiles | string {
    let html: string;
    try {
      html = readFileSync(join(dir, 'index.html'), 'utf8');
    } catch {
      return `no console in ${dir} (npm run build puts it there)`;
    }
    const files = new Map<string, ConsoleFile>();
    let bytes = 0;
    const walk = (folder: string, prefix: string): string | null => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        if (entry.name.startsWith('.')) continue;
        const path = `${prefix}${entry.name}`;
        if (entry.isDirectory()) {
          const refused = walk(join(folder, entry.name), `${path}/`);
          if (refused) return refused;
        } else if (entry.isFile() && path !== 'index.html') {
          const body = readFileSync(join(folder, entry.name));
          bytes += body.length;
          if (files.size >= MAX_CONSOLE_FILES || bytes > MAX_CONSOLE_BYTES)
            return `the console in ${dir} holds more than ${MAX_CONSOLE_FILES} files or ${MAX_CONSOLE_BYTES} bytes`;
          files.set(path, { body, contentType: contentTypeOf(entry.name) });
        }
      }
      return null;
    };
    const refused = walk(dir, '');
    if (refused) return refused;
    return new ConsoleFiles(html.split(NONCE_PLACEHOLDER), files);
  }

  /** Whether index.html has the nonce placeholder (Mantine's <style> elements need it). */
  get pageTakesNonce(): boolean {
    return this.pageParts.length > 1;
  }

  /** index.html with `nonce` in place of the placeholder. */
  page(nonce: string): string {
    return this.pageParts.join(nonce);
  }

  /** The file at `path` (relative to the console folder, as in a URL), if the build has it. */
  file(path: string): ConsoleFile | undefined {
    return this.files.get(path);
  }
}
