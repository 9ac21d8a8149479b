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
  // import.meta.resolve is synchronous from Node 20.6; older 20.x use devdb's own node_modules.
  const dist = typeof import.meta.resolve === 'function'
    ? path.dirname(fileURLToPath(import.meta.resolve('@surrealdb/node')))
    : fileURLToPath(new URL('../node_modules/@surrealdb/node/dist/', import.meta.url));
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
 * The engine behind a guard: the native execute() aborts the whole process (a Rust panic) when
 * called after free(), so calls after free() are refused here with an Error instead. free()
 * itself waits for the calls already running (the binding takes a write lock).
 */
class Engine {
  #native;
  #freed = false;

  constructor(native) {
    this.#native = native;
  }

  /** Runs one encoded RPC request; resolves to the encoded result or `{error}`. */
  execute(request) {
    if (this.#freed) return Promise.reject(new Error('the engine is shutting down'));
    return this.#native.execute(request);
  }

  /** The engine-wide live-query notification receiver (`recv()` resolves to null once freed). */
  notifications() {
    if (this.#freed) return Promise.reject(new Error('the engine is shutting down'));
    return this.#native.notifications();
  }

  /** Closes the datastore (flushing a disk store). Idempotent. */
  async free() {
    if (this.#freed) return;
    this.#freed = true;
    await this.#native.free();
  }
}

/**
 * Opens an engine on `storage` with every capability enabled (a dev database: scripting, network
 * functions and experimental features behave as on `surreal start --allow-all`).
 * Returns `{ engine, version }`, where version is the embedded SurrealDB version (e.g. "3.0.2").
 */
export async function openEngine(storage) {
  const SurrealNodeEngine = loadBinding();
  const native = await SurrealNodeEngine.connect(storageUrl(storage), { capabilities: true });
  return { engine: new Engine(native), version: SurrealNodeEngine.version() };
}
