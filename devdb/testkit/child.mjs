// Starts server.mjs as a child process on a free loopback port, for the tests. Every child
// started here is killed when the test process exits, even when a test fails or throws.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'server.mjs');
const LISTENING = /^devdb listening on (ws:\/\/([^/]+)\/rpc) \(storage=(.*), surrealdb (\S+)\)$/m;
const children = new Set();

process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * Starts a dev SurrealDB. Resolves to { rpcUrl, httpUrl, version, child, stdout(), stderr(),
 * stop(signal) } once it prints its listening line; rejects with its stderr if it exits first.
 * stop() sends the signal (SIGTERM by default) and resolves to { code, signal } on exit.
 */
export async function startDevDb(args = []) {
  const child = spawn(process.execPath, [SERVER, '--bind', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = once(child, 'exit').then(([code, signal]) => {
    children.delete(child);
    return { code, signal };
  });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  const listening = new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = LISTENING.exec(out);
      if (m) resolve(m);
    });
    exited.then(({ code, signal }) => reject(new Error(`devdb exited (code=${code}, signal=${signal}) before listening:\n${err}`)));
  });
  const m = await listening;
  return {
    rpcUrl: m[1],
    httpUrl: `http://${m[2]}`,
    storage: m[3],
    version: m[4],
    child,
    stdout: () => out,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
