// SurrealDB's WebSocket RPC protocol (CBOR) on top of one shared engine.
//
// Every connection owns an engine session (a fresh UUID, attached on open and detached on close),
// and requests that carry no session run in it, so connections never share namespace, database,
// variables or authentication. Requests that name a session of their own (SurrealDB 3 multi-session
// clients) pass through unchanged; the connection remembers the sessions it attached and detaches
// them when it closes.
//
// Live-query notifications come from one engine-wide stream; LiveRouter sends each to the
// connection that started the live query, found by live-query id (learnt from the result of a
// `live` call or of a LIVE SELECT statement inside `query`).

import { randomBytes } from 'node:crypto';
import { decode } from '@surrealdb/cbor';
import { array, errorValue, head, isAbsent, map, readMap, text, uuid, uuidKey } from './frames.mjs';

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;

/** How long a notification for a not-yet-known live query waits for its owner to be learnt. */
const UNROUTED_GRACE_MS = 2000;

/**
 * Methods that change session state, and queries that change it or the schema. They wait for every
 * earlier request of the connection, and later requests wait for them, so a pipelined `use` then
 * `query` (or `DEFINE TABLE` then `live`) runs in order. Other requests run concurrently.
 */
const SESSION_METHODS = new Set([
  'use', 'signin', 'signup', 'authenticate', 'invalidate', 'let', 'set', 'unset', 'reset',
  'attach', 'detach', 'begin', 'commit', 'cancel',
]);
const SESSION_STATEMENTS = /\b(USE|LET|BEGIN|COMMIT|CANCEL|REMOVE|DEFINE)\b/i;

/** Routes engine notifications to the connections that own the live queries. */
export class LiveRouter {
  #owners = new Map(); // live id key -> RpcConnection
  #sessions = new Map(); // session key -> RpcConnection
  #retired = new Set(); // live ids of closed connections, awaiting their KILLED notification
  #unrouted = new Map(); // live id key -> { frames, timer }
  #log;

  constructor(log) {
    this.#log = log;
  }

  addSession(key, conn) {
    this.#sessions.set(key, conn);
  }

  removeSession(key) {
    this.#sessions.delete(key);
  }

  /** Records that `conn` owns live query `key`; notifications that arrived early are then sent. */
  register(key, conn) {
    this.#owners.set(key, conn);
    this.#retired.delete(key);
  }

  /** Sends notifications that arrived for `key` before its owner was known. */
  flush(key) {
    const pending = this.#unrouted.get(key);
    const owner = this.#owners.get(key);
    if (!pending || !owner) return;
    clearTimeout(pending.timer);
    this.#unrouted.delete(key);
    for (const frame of pending.frames) owner.notify(frame);
  }

  /** Forgets every live query of a closing connection. */
  release(conn, keys) {
    for (const key of keys) {
      if (this.#owners.get(key) === conn) {
        this.#owners.delete(key);
        this.#retired.add(key);
      }
    }
  }

  /** Handles one raw notification from the engine. */
  route(raw) {
    let fields;
    try {
      fields = new Map(readMap(raw));
    } catch (err) {
      this.#log(`dropping an undecodable notification: ${err.message}`);
      return;
    }
    const idRaw = fields.get('id');
    const key = idRaw && uuidKey(decode(idRaw));
    if (!key) return;
    const action = fields.get('action') ? decode(fields.get('action')) : undefined;
    const entries = [['id', idRaw]];
    for (const name of ['action', 'record', 'result']) {
      if (fields.has(name)) entries.push([name, fields.get(name)]);
    }
    const frame = map([['result', map(entries)]]);

    let owner = this.#owners.get(key);
    if (!owner && !this.#retired.has(key) && fields.has('session') && !isAbsent(fields.get('session'))) {
      owner = this.#sessions.get(uuidKey(decode(fields.get('session'))));
      if (owner) this.register(key, owner);
    }
    if (action === 'KILLED') {
      this.#owners.delete(key);
      this.#retired.delete(key);
    }
    if (owner) {
      owner.notify(frame);
    } else if (!this.#retired.has(key)) {
      this.#hold(key, frame);
    }
  }

  #hold(key, frame) {
    let pending = this.#unrouted.get(key);
    if (!pending) {
      pending = { frames: [], timer: setTimeout(() => this.#unrouted.delete(key), UNROUTED_GRACE_MS) };
      pending.timer.unref();
      this.#unrouted.set(key, pending);
    }
    if (pending.frames.length < 10_000) pending.frames.push(frame);
  }
}

/** One WebSocket client: its session, its live queries and the ordering of its requests. */
export class RpcConnection {
  #ws;
  #engine;
  #router;
  #log;
  #sessionBytes = randomBytes(16);
  #session = uuid(this.#sessionBytes);
  #sessionKey = this.#sessionBytes.toString('hex');
  #explicitSessions = new Map(); // key -> raw session value the client attached
  #lives = new Map(); // live id key -> raw session it runs in
  #barrier; // resolves when the last session-changing request has finished
  #inflight = new Set();
  #closed = false;

  constructor(ws, engine, router, log) {
    this.#ws = ws;
    this.#engine = engine;
    this.#router = router;
    this.#log = log;
    router.addSession(this.#sessionKey, this);
    this.#barrier = this.#call('attach', this.#session)
      .then((out) => {
        if (errorOf(out)) throw new Error(describe(out));
      })
      .catch((err) => {
        this.#log(`cannot attach a session: ${err?.message ?? err}`);
        ws.close(1011, 'devdb: cannot create a session');
      });
  }

  /** Sends a notification frame to the client unless it has gone. */
  notify(frame) {
    if (!this.#closed) this.#ws.send(frame);
  }

  /** Handles one WebSocket message. Never throws: a bad frame gets an error reply. */
  onMessage(data, isBinary) {
    if (this.#closed) return;
    if (!isBinary) {
      this.#reply(undefined, errorValue(PARSE_ERROR, 'devdb speaks CBOR (subprotocol "cbor"): send binary frames'), true);
      return;
    }
    const frame = Buffer.isBuffer(data) ? data : Buffer.concat(data);
    let request;
    try {
      request = parseRequest(frame);
    } catch (err) {
      // A FrameError from the framing, or a CborError (not an Error subclass) from @surrealdb/cbor.
      this.#reply(undefined, errorValue(PARSE_ERROR, `Parse error: ${err?.message ?? String(err)}`), true);
      return;
    }
    if (request.error) {
      this.#reply(request.id, errorValue(INVALID_REQUEST, request.error), true);
      return;
    }
    const ordered = SESSION_METHODS.has(request.method)
      || (request.method === 'query' && SESSION_STATEMENTS.test(queryText(request)));
    const run = () => this.#execute(request);
    let task;
    if (ordered) {
      const earlier = [...this.#inflight];
      task = this.#barrier.then(() => Promise.allSettled(earlier)).then(run);
      this.#barrier = task.catch(() => {});
    } else {
      task = this.#barrier.then(run);
    }
    this.#inflight.add(task);
    task.catch((err) => this.#log(`request failed unexpectedly: ${err?.stack ?? err}`))
      .finally(() => this.#inflight.delete(task));
  }

  async #execute(request) {
    const explicit = !isAbsent(request.session);
    const session = explicit ? request.session : this.#session;
    const entries = request.entries.filter(([k]) => k !== 'session');
    entries.push(['session', session]);
    let out;
    try {
      out = Buffer.from(await this.#engine.execute(map(entries)));
    } catch (err) {
      this.#reply(request.id, errorValue(INVALID_REQUEST, `Invalid request: ${err?.message ?? err}`), true);
      return;
    }
    const error = errorOf(out);
    if (error) {
      this.#reply(request.id, error, true);
      return;
    }
    let learnt = [];
    try {
      learnt = this.#learn(request, explicit, session, out);
    } catch (err) {
      this.#log(`cannot track the effects of '${request.method}': ${err?.message ?? err}`);
    }
    if (request.method === 'sessions') out = this.#ownSessions(out);
    this.#reply(request.id, out, false);
    for (const key of learnt) this.#router.flush(key);
  }

  /** Tracks sessions and live queries a successful request created; returns new live ids. */
  #learn(request, explicit, session, out) {
    const learnt = [];
    const own = (value) => {
      const key = uuidKey(value);
      if (!key) return;
      this.#lives.set(key, session);
      this.#router.register(key, this);
      learnt.push(key);
    };
    switch (request.method) {
      case 'attach':
        if (explicit) {
          const key = uuidKey(decode(session));
          this.#explicitSessions.set(key, session);
          this.#router.addSession(key, this);
        }
        break;
      case 'detach':
        if (explicit) {
          const key = uuidKey(decode(session));
          this.#explicitSessions.delete(key);
          this.#router.removeSession(key);
        }
        break;
      case 'live':
        own(decode(out));
        break;
      case 'query':
        if (/\bLIVE\b/i.test(queryText(request))) {
          const results = decode(out);
          if (Array.isArray(results)) {
            for (const r of results) {
              if (r && r.status === 'OK' && r.type === 'live') own(r.result);
            }
          }
        }
        break;
      case 'kill': {
        const params = request.fields.has('params') ? decode(request.fields.get('params')) : undefined;
        if (Array.isArray(params)) this.#lives.delete(uuidKey(params[0]));
        break;
      }
      default:
        break;
    }
    return learnt;
  }

  /** `sessions` lists every session of the engine; a client sees only those it attached. */
  #ownSessions(out) {
    const listed = decode(out);
    if (!Array.isArray(listed)) return out;
    const kept = listed.map(uuidKey).filter((k) => this.#explicitSessions.has(k));
    return array(kept.map((k) => this.#explicitSessions.get(k)));
  }

  #reply(idRaw, value, isError) {
    if (this.#closed) return;
    const entries = [];
    if (idRaw !== undefined) entries.push(['id', idRaw]);
    entries.push([isError ? 'error' : 'result', value]);
    this.#ws.send(map(entries));
  }

  #call(method, session, params) {
    const request = map([
      ['id', head(0, 0)],
      ['method', text(method)],
      ['params', params ?? array([])],
      ['session', session],
    ]);
    return this.#engine.execute(request).then((out) => Buffer.from(out));
  }

  /**
   * Releases everything the connection holds in the engine: its live queries are killed (the
   * engine keeps them running after a detach otherwise) and its sessions detached.
   */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([this.#barrier, ...this.#inflight]);
    this.#router.release(this, [...this.#lives.keys()]);
    for (const [key, session] of this.#lives) {
      await this.#call('kill', session, array([uuid(Buffer.from(key, 'hex'))])).catch(() => {});
    }
    this.#lives.clear();
    for (const [key, session] of this.#explicitSessions) {
      this.#router.removeSession(key);
      await this.#call('detach', session).catch(() => {});
    }
    this.#router.removeSession(this.#sessionKey);
    await this.#call('detach', this.#session).catch(() => {});
  }
}

/** Splits a request frame; `error` is set when the frame is CBOR but not a valid request. */
function parseRequest(frame) {
  const entries = readMap(frame);
  const fields = new Map(entries);
  const id = fields.get('id');
  const methodRaw = fields.get('method');
  const method = methodRaw && decode(methodRaw);
  if (typeof method !== 'string') return { id, error: 'Invalid request: "method" must be a string' };
  return { id, method, entries, fields, session: fields.get('session') };
}

/** The SurrealQL text of a `query` request, or '' when its params hold none. */
function queryText(request) {
  if (request.text === undefined) {
    let decoded;
    try {
      const params = request.fields.get('params');
      decoded = params ? decode(params) : undefined;
    } catch {
      decoded = undefined; // the engine reports malformed params itself
    }
    request.text = Array.isArray(decoded) && typeof decoded[0] === 'string' ? decoded[0] : '';
  }
  return request.text;
}

/**
 * The engine returns either the encoded result or `{error: {code, message, ...}}`. A result can
 * itself be an object with an `error` field (a record, a function's return value), so only a
 * one-entry map whose `error` holds a numeric code and a message counts as an error.
 */
function errorOf(out) {
  if (out[0] !== 0xa1) return undefined;
  let entries;
  try {
    entries = readMap(out);
  } catch {
    return undefined;
  }
  const [key, raw] = entries[0];
  if (key !== 'error') return undefined;
  const value = decode(raw);
  if (value && typeof value === 'object' && typeof value.code === 'number' && typeof value.message === 'string') {
    return raw;
  }
  return undefined;
}

function describe(out) {
  try {
    return JSON.stringify(decode(out), (k, v) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return `${out.length} bytes`;
  }
}
