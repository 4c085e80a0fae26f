/**
 * The README's quick-start example, wrapped in a function that returns what it logged. The Node
 * tests and the Chromium pages (CDN script and ESM module) run this same code unchanged.
 * Self-contained (types only) because the Chromium tests serve it to the page.
 */
import type { SocklineApi } from './echo-scenarios.js';

export function readmeExample(Sockline: SocklineApi, url: string): Promise<string[]> {
  const log: string[] = [];
  return new Promise((done) => {
    // --- README example starts here ---
    const socket = new Sockline.Socket(url, { protocols: ['sockline.v1'] });

    socket.on('open', ({ protocol }) => {
      log.push(`open (${protocol})`);
      socket.send('hello');
      socket.send(new Uint8Array([1, 2, 3]));
    });
    socket.on('message', (data) => {
      log.push(typeof data === 'string' ? `text: ${data}` : `binary: ${(data as Uint8Array).length} bytes`);
      if (log.length === 3) socket.close(1000, 'bye');
    });
    socket.on('close', ({ code, reason }) => {
      log.push(`closed ${code} ${reason}`);
      done(log);
    });
    // --- README example ends here ---
  });
}

export const README_EXAMPLE_LOG = ['open (sockline.v1)', 'text: hello', 'binary: 3 bytes', 'closed 1000 bye'];
