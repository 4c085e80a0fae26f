/**
 * A tiny node:http server on 127.0.0.1 for the Chromium tests:
 *
 * - `/cdn.html`             loads dist/sockline.min.js with a plain <script src> (global `Sockline`)
 * - `/esm.html`             imports dist/browser.js with <script type="module">; an import map resolves
 *                           `sockline` and `eventemitter3` (its ESM build from node_modules)
 * - `/esm-production.html`  the same with dist/browser.production.js (the "production" export condition)
 * - `/dist/*`               the built files
 * - `/node_modules/eventemitter3/dist/*`
 * - `/shared/<name>.js`     test/shared/<name>.ts, types stripped, so the page runs the very scenario
 *                           code the Node tests run
 *
 * Both pages set `window.Sockline` and then `window.ready = true` (or `window.loadError`).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';
import ts from 'typescript';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
};

const READY = `window.ready = true;`;

const CDN_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>sockline CDN</title>
<script src="/dist/sockline.min.js"></script>
<script>if (typeof Sockline === 'object') { ${READY} } else { window.loadError = 'Sockline global missing'; }</script>
</head><body>cdn</body></html>`;

const esmPage = (build: string): string => `<!doctype html>
<html><head><meta charset="utf-8"><title>sockline ESM</title>
<script type="importmap">
{ "imports": {
    "sockline": "/dist/${build}",
    "eventemitter3": "/node_modules/eventemitter3/dist/eventemitter3.esm.js"
} }
</script>
<script type="module">
  import * as Sockline from 'sockline';
  window.Sockline = Sockline;
  ${READY}
</script>
<script>window.addEventListener('error', (e) => { window.loadError = String(e.message); });</script>
</head><body>esm</body></html>`;
const ESM_PAGE = esmPage('browser.js');
/** Issue 16: the production build (package.json "production" condition), the same scenarios. */
const ESM_PRODUCTION_PAGE = esmPage('browser.production.js');

export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Requests that were answered with 404, to explain a page that failed to load. */
  readonly notFound: string[];
  close(): Promise<void>;
}

export async function startStaticServer(root: string): Promise<StaticServer> {
  const notFound: string[] = [];
  const inside = (base: string, path: string): string | undefined => {
    const file = normalize(join(base, path));
    return file.startsWith(base + sep) ? file : undefined;
  };

  async function body(pathname: string): Promise<[string, string | Buffer] | undefined> {
    if (pathname === '/favicon.ico') return ['.ico', ''];
    if (pathname === '/cdn.html') return ['.html', CDN_PAGE];
    if (pathname === '/esm.html') return ['.html', ESM_PAGE];
    if (pathname === '/esm-production.html') return ['.html', ESM_PRODUCTION_PAGE];
    const shared = /^\/shared\/([\w-]+)\.js$/.exec(pathname);
    if (shared) {
      const source = await readFile(join(root, 'test', 'shared', `${shared[1]}.ts`), 'utf8');
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      });
      return ['.js', outputText];
    }
    const allowed = ['/dist/', '/node_modules/eventemitter3/dist/'];
    if (!allowed.some((prefix) => pathname.startsWith(prefix))) return undefined;
    const file = inside(root, pathname);
    if (!file) return undefined;
    const ext = /\.[a-z]+$/.exec(file)?.[0] ?? '';
    return [ext, await readFile(file)];
  }

  const server: Server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1');
    body(pathname).then(
      (found) => {
        if (!found) {
          notFound.push(pathname);
          response.writeHead(404).end();
          return;
        }
        response.writeHead(200, { 'content-type': TYPES[found[0]] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        response.end(found[1]);
      },
      (error: NodeJS.ErrnoException) => {
        notFound.push(`${pathname} (${error.code ?? error.message})`);
        response.writeHead(error.code === 'ENOENT' ? 404 : 500).end();
      },
    );
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    notFound,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
