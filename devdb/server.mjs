#!/usr/bin/env node
// The dev SurrealDB: the genuine SurrealDB engine (npm @surrealdb/node) behind SurrealDB's own
// WebSocket RPC protocol, so any SurrealDB client connects to ws://HOST:PORT/rpc unchanged.
//
//   node server.mjs [--bind 127.0.0.1:8000] [--storage memory|PATH|rocksdb:PATH|surrealkv:PATH]
//                   [--user root] [--pass root]
//
// Prints one line to stdout once it listens ("devdb listening on ws://HOST:PORT/rpc (...)"; with
// port 0 the line carries the port actually chosen), errors to stderr, and stops cleanly (exit 0)
// on SIGINT or SIGTERM.

import { startServer } from './lib/server.mjs';

const USAGE = `usage: node server.mjs [--bind HOST:PORT] [--storage memory|PATH|rocksdb:PATH|surrealkv:PATH] [--user NAME] [--pass PASSWORD]
  --bind     address to listen on (default 127.0.0.1:8000; port 0 picks a free port)
  --storage  memory (default), or a directory (SurrealKV; prefix rocksdb: for RocksDB)
  --user     root user defined at start-up (default root)
  --pass     its password (default root)
`;

/** Exits with an error: 2 for a wrong command line, 1 when the server cannot start. */
function fail(message, code = 1) {
  process.stderr.write(`devdb: ${message}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const options = { bind: '127.0.0.1:8000', storage: 'memory', user: 'root', pass: 'root' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!['--bind', '--storage', '--user', '--pass'].includes(name)) fail(`unknown option '${arg}'\n${USAGE}`, 2);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) fail(`option ${name} needs a value`, 2);
    options[name.slice(2)] = value;
  }
  const colon = options.bind.lastIndexOf(':');
  const host = colon > 0 ? options.bind.slice(0, colon).replace(/^\[(.*)\]$/, '$1') : '127.0.0.1';
  const port = Number(colon >= 0 ? options.bind.slice(colon + 1) : options.bind);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--bind needs HOST:PORT, got '${options.bind}'`, 2);
  return { host, port, storage: options.storage, user: options.user, pass: options.pass };
}

const options = parseArgs(process.argv.slice(2));
const log = (line) => process.stderr.write(`devdb: ${line}\n`);

let server;
try {
  server = await startServer({ ...options, log });
} catch (err) {
  if (err?.code === 'EADDRINUSE') fail(`cannot listen on ${options.host}:${options.port}: address already in use`);
  if (err?.code === 'EADDRNOTAVAIL') fail(`cannot listen on ${options.host}:${options.port}: address not available`);
  fail(`cannot start: ${err?.message ?? err}`);
}

const hostInUrl = server.host.includes(':') ? `[${server.host}]` : server.host;
process.stdout.write(`devdb listening on ws://${hostInUrl}:${server.port}/rpc (storage=${options.storage}, surrealdb ${server.version})\n`);

let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  // Never hang on shutdown: whatever is still open after 2 s is abandoned.
  setTimeout(() => {
    log(`shutdown after ${signal} took too long; exiting`);
    process.exit(0);
  }, 2000).unref();
  server.close().then(
    () => process.exit(0),
    (err) => {
      log(`error while stopping: ${err?.message ?? err}`);
      process.exit(0);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
