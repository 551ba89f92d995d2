// Starts the real `roster` binary (built by `cargo test`) on a free port of 127.0.0.1
// with a fresh SQLite data directory, and stops it again.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './paths.js';

const binary = join(repoRoot, 'target', 'debug', 'roster');
const startTimeoutMs = 15_000;
const stopTimeoutMs = 5_000;

/**
 * Starts a roster server; resolves to `{ url, log, stop }` once it listens.
 * `listen` picks the address (default: a free port); `args` and `env` add flags and
 * variables (such as an OpenID Connect provider's).
 */
export async function startRoster({ listen = '127.0.0.1:0', args = [], env = {} } = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'roster-e2e-'));
  const child = spawn(
    binary,
    [
      'serve',
      '--listen', listen,
      '--data-dir', dataDir,
      '--auth-attempts-per-minute', '10000',
      ...args,
    ],
    { env: { ...environmentWithoutRosterSettings(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = [];
  const exited = new Promise((resolve) => child.once('exit', resolve));
  createInterface({ input: child.stderr }).on('line', (line) => log.push(line));

  let url;
  try {
    url = await listeningUrl(child, log, exited);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  /** SIGTERM, and SIGKILL if a graceful shutdown takes too long (e.g. open event streams). */
  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(killer);
    }
    await rm(dataDir, { recursive: true, force: true });
  }

  return { url, log: () => log.join('\n'), stop };
}

/** Reads stdout until the `listening on http://ADDR` line and returns that URL. */
function listeningUrl(child, log, exited) {
  return new Promise((resolve, reject) => {
    const fail = (why) => reject(new Error(`${why}; roster log so far:\n${log.join('\n')}`));
    const timer = setTimeout(() => fail(`roster did not say "listening on" within ${startTimeoutMs} ms`), startTimeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      fail(`cannot start ${binary} (${error.message}); run \`cargo build -p roster\` first`);
    });
    exited.then((code) => {
      clearTimeout(timer);
      fail(`roster exited with ${code} before listening`);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      log.push(line);
      const found = line.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
  });
}

/** The caller's environment minus `ROSTER_*`, so a local setting cannot leak in. */
function environmentWithoutRosterSettings() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ROSTER_')));
}
