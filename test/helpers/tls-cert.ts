/**
 * A self-signed certificate for `wss:` tests, generated at test time with the `openssl` CLI (nothing is committed):
 * CN=localhost, subjectAltName DNS:localhost, IP:127.0.0.1, IP:::1, RSA 2048, valid 2 days. Generated once per
 * process and cached. Trust it in a client with `ca: cert`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM certificate and its unencrypted PEM private key. */
export interface TestCert {
  cert: string;
  key: string;
}

const OPENSSL = existsSync('/usr/bin/openssl') ? '/usr/bin/openssl' : 'openssl';
let cached: TestCert | undefined;

/** The per-process test certificate (generated on first call, ~0.1-1 s). */
export function generateCert(): TestCert {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'sockline-cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    // Every argument is a constant: no shell, no user input.
    execFileSync(
      OPENSSL,
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
        '-keyout',
        keyPath,
        '-out',
        certPath,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 },
    );
    cached = { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
