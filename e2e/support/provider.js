// Starts the real OpenID Connect provider of the tests (testing/oidc-provider, the
// certified `oidc-provider` package) with chosen accounts, and stops it again.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './paths.js';

/** A free TCP port on 127.0.0.1 (for a server that must know its address up front). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts the provider; resolves to `{ issuer, stop }` once it listens. */
export async function startProvider({ accounts, redirectUri }) {
  const script = join(repoRoot, 'testing', 'oidc-provider', 'provider.mjs');
  const child = spawn('node', [script], {
    env: { ...process.env, ACCOUNTS: JSON.stringify(accounts), REDIRECT_URIS: redirectUri },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const issuer = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the OIDC provider did not start')), 15_000);
    child.once('exit', (code) => reject(new Error(`the OIDC provider exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const found = line.match(/^listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
  });
  return {
    issuer,
    stop() {
      child.kill('SIGTERM');
    },
  };
}
