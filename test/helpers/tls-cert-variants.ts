/**
 * Certificates that must fail verification, generated at test time with the `openssl` CLI (nothing committed):
 * one issued for another host name, and one that expired in 2020. Each is self-signed, so a client that
 * passes it as `ca` trusts it and sees exactly the one failure it was made for.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestCert } from './tls-cert.js';

const OPENSSL = existsSync('/usr/bin/openssl') ? '/usr/bin/openssl' : 'openssl';

function inTempDir<T>(run: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'sockline-cert-'));
  try {
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const openssl = (args: string[], cwd: string): void => {
  // Every argument is a constant or a temp path: no shell, no user input.
  execFileSync(OPENSSL, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
};

/** A valid self-signed certificate for `other.test` only (not localhost, not 127.0.0.1). */
export function generateWrongHostCert(): TestCert {
  return inTempDir((dir) => {
    openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=other.test',
        '-addext',
        'subjectAltName=DNS:other.test',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
      ],
      dir,
    );
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  });
}

/**
 * A self-signed certificate for localhost/127.0.0.1 valid only on 1-2 January 2020. `openssl req` cannot
 * back-date, so this signs the request with `openssl ca -selfsign`, which takes explicit start and end dates.
 */
export function generateExpiredCert(): TestCert {
  return inTempDir((dir) => {
    writeFileSync(
      join(dir, 'ca.cnf'),
      [
        '[ca]',
        'default_ca = local',
        '[local]',
        'dir = .',
        'database = index.txt',
        'new_certs_dir = .',
        'serial = serial',
        'default_md = sha256',
        'policy = any',
        'unique_subject = no',
        '[any]',
        'commonName = supplied',
        '[ext]',
        'subjectAltName = DNS:localhost,IP:127.0.0.1',
        'basicConstraints = critical,CA:TRUE',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '01\n');
    openssl(
      ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'key.pem', '-out', 'req.csr'],
      dir,
    );
    openssl(
      [
        'ca',
        '-selfsign',
        '-batch',
        '-notext',
        '-config',
        'ca.cnf',
        '-extensions',
        'ext',
        '-keyfile',
        'key.pem',
        '-in',
        'req.csr',
        '-out',
        'cert.pem',
        '-startdate',
        '20200101000000Z',
        '-enddate',
        '20200102000000Z',
      ],
      dir,
    );
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  });
}
