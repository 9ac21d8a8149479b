// Opens the genuine SurrealDB engine shipped (as a native Node-API addon) inside @surrealdb/node.
//
// The package's JavaScript entry point only exposes an SDK engine that decodes and re-encodes
// every message; the server needs the raw binding (SurrealNodeEngine: connect, execute,
// notifications, free, version), so it loads the addon file for this platform directly.

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

function isMusl() {
  if (process.platform !== 'linux') return false;
  const report = process.report?.getReport?.();
  return !(report && report.header && report.header.glibcVersionRuntime);
}

/** The addon file name for this platform, as @surrealdb/node 3.x names them. */
function addonName() {
  const { platform, arch } = process;
  if (platform === 'linux' && (arch === 'x64' || arch === 'arm64')) {
    return `surrealdb-node.linux-${arch}-${isMusl() ? 'musl' : 'gnu'}.node`;
  }
  if (platform === 'darwin' && (arch === 'x64' || arch === 'arm64')) return `surrealdb-node.darwin-${arch}.node`;
  if (platform === 'win32' && (arch === 'x64' || arch === 'arm64')) return `surrealdb-node.win32-${arch}-msvc.node`;
  throw new Error(`@surrealdb/node has no engine for ${platform}/${arch}`);
}

function loadBinding() {
  const dist = path.dirname(fileURLToPath(import.meta.resolve('@surrealdb/node')));
  const binding = require(path.join(dist, addonName()));
  if (typeof binding.SurrealNodeEngine?.connect !== 'function') {
    throw new Error('@surrealdb/node does not expose SurrealNodeEngine.connect; check the pinned version');
  }
  return binding.SurrealNodeEngine;
}

/**
 * Maps the `--storage` flag to an engine URL: `memory` (or `mem://`) keeps everything in memory;
 * `rocksdb:PATH`, `surrealkv:PATH` (or the `://` forms) pick a disk engine; any other value is a
 * directory for SurrealKV.
 */
export function storageUrl(storage) {
  if (storage === 'memory' || storage === 'mem://' || storage === 'mem') return 'mem://';
  const m = /^(rocksdb|surrealkv):(?:\/\/)?(.+)$/.exec(storage);
  if (m) return `${m[1]}://${path.resolve(m[2])}`;
  return `surrealkv://${path.resolve(storage)}`;
}

/**
 * Opens an engine on `storage` with every capability enabled (a dev database: scripting, network
 * functions and experimental features behave as on `surreal start --allow-all`).
 * Returns `{ engine, version }`, where version is the embedded SurrealDB version (e.g. "3.0.2").
 */
export async function openEngine(storage) {
  const SurrealNodeEngine = loadBinding();
  const engine = await SurrealNodeEngine.connect(storageUrl(storage), { capabilities: true });
  return { engine, version: SurrealNodeEngine.version() };
}
