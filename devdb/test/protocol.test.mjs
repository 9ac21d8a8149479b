// The server's own contract, checked on the wire with a bare WebSocket client: framing and error
// replies, notification routing, HTTP endpoints, flags and shutdown.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decode, encode, Tagged } from '@surrealdb/cbor';
import WebSocket from 'ws';
import { startDevDb } from '../testkit/child.mjs';

/** A minimal RPC client: call() resolves to the whole reply; notifications are collected. */
async function rpc(url, protocol = 'cbor') {
  const ws = new WebSocket(url, protocol);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const pending = new Map();
  const notifications = [];
  const unanswered = [];
  let nextId = 1;
  ws.on('message', (data) => {
    const message = decode(new Uint8Array(data));
    if (message.id !== undefined && pending.has(message.id)) {
      pending.get(message.id)(message);
      pending.delete(message.id);
    } else if (message.id === undefined && message.error) {
      unanswered.push(message);
    } else {
      notifications.push(message);
    }
  });
  const closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return {
    ws,
    notifications,
    unanswered,
    closed,
    call(method, params = [], extra = {}) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        ws.send(encode({ id, method, params, ...extra }));
      });
    },
    async ok(method, params, extra) {
      const reply = await this.call(method, params, extra);
      assert.equal(reply.error, undefined, `${method} failed: ${JSON.stringify(reply.error)}`);
      return reply.result;
    },
    close() {
      ws.close();
      return closed;
    },
  };
}

const until = async (condition, what) => {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
};

describe('RPC protocol on the wire', () => {
  let devdb;
  const open = [];
  const client = async (protocol) => {
    const c = await rpc(devdb.rpcUrl, protocol);
    open.push(c);
    return c;
  };

  before(async () => {
    devdb = await startDevDb();
  });

  after(async () => {
    for (const c of open) c.ws.terminate();
    if (devdb) await devdb.stop('SIGKILL');
  });

  it('wraps results as {id, result} and keeps the engine\'s exact encoding', async () => {
    const c = await client();
    await c.ok('use', ['wire', 'encoding']);
    const reply = await c.call('query', ['RETURN 1.0; RETURN 1']);
    assert.deepEqual(Object.keys(reply).sort(), ['id', 'result']);
    // Re-encode nothing: the float must still be a CBOR float, the integer an integer.
    const raw = await new Promise((resolve) => {
      c.ws.once('message', (data) => resolve(Buffer.from(data)));
      c.ws.send(encode({ id: 'raw', method: 'query', params: ['RETURN 1.0'] }));
    });
    assert.ok(raw.includes(Buffer.from([0xfb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0])) || raw.includes(Buffer.from([0xf9, 0x3c, 0x00])),
      `1.0 arrives as a CBOR float: ${raw.toString('hex')}`);
    assert.equal(decode(raw).id, 'raw', 'the request id comes back as sent');
  });

  it('answers an undecodable frame with a parse error and stays usable', async () => {
    const c = await client();
    c.ws.send(Buffer.from([0xa1, 0x62, 0x69])); // a map whose key is cut short
    c.ws.send(Buffer.from([0x82, 0x01, 0x02])); // CBOR, but not a map
    c.ws.send('{"id":1,"method":"ping"}'); // a text frame
    await until(() => c.unanswered.length === 3, 'three error replies');
    for (const reply of c.unanswered) assert.equal(reply.error.code, -32700);
    const bad = await c.call(42);
    assert.equal(bad.error.code, -32600);
    const unknown = await c.call('no_such_method');
    assert.ok(unknown.error.message.length > 0);
    assert.equal((await c.call('ping')).error, undefined);
  });

  it('routes notifications only to the connection that started the live query', async () => {
    const watcher = await client();
    const bystander = await client();
    const writer = await client();
    for (const c of [watcher, bystander, writer]) await c.ok('use', ['wire', 'routing']);
    await writer.ok('query', ['DEFINE TABLE thing SCHEMALESS']);
    const viaLive = await watcher.ok('live', ['thing']);
    const [viaQuery] = await watcher.ok('query', ['LIVE SELECT * FROM thing']);
    assert.equal(viaQuery.type, 'live');
    await writer.ok('query', ['CREATE thing:1']);
    await until(() => watcher.notifications.length === 2, 'two notifications');
    const ids = watcher.notifications.map((n) => Buffer.from(n.result.id.value).toString('hex')).sort();
    const expected = [viaLive, viaQuery.result].map((u) => Buffer.from(u.value).toString('hex')).sort();
    assert.deepEqual(ids, expected);
    for (const n of watcher.notifications) {
      assert.deepEqual(Object.keys(n), ['result']);
      assert.equal(n.result.action, 'CREATE');
      assert.ok(n.result.record instanceof Tagged && n.result.record.tag === 8);
    }
    await writer.ok('ping');
    assert.deepEqual(bystander.notifications, []);
    assert.deepEqual(writer.notifications, []);
  });

  it('sends KILLED after kill and nothing more afterwards', async () => {
    const watcher = await client();
    const writer = await client();
    for (const c of [watcher, writer]) await c.ok('use', ['wire', 'kill']);
    await writer.ok('query', ['DEFINE TABLE k SCHEMALESS']);
    const id = await watcher.ok('live', ['k']);
    await watcher.ok('kill', [id]);
    await until(() => watcher.notifications.length === 1, 'KILLED');
    assert.equal(watcher.notifications[0].result.action, 'KILLED');
    await writer.ok('query', ['CREATE k:1']);
    await watcher.ok('ping');
    assert.equal(watcher.notifications.length, 1);
  });

  it('keeps explicit sessions of one connection apart and lists only its own', async () => {
    const c = await client();
    const other = await client();
    const session = new Tagged(37, new Uint8Array(16).fill(7));
    await c.ok('attach', [], { session });
    await c.ok('use', ['wire', 'sessions_a'], { session });
    await c.ok('use', ['wire', 'sessions_b']);
    const [[inSession]] = await c.ok('query', ['RETURN [session::db()]'], { session }).then((r) => r.map((x) => x.result));
    const [[inDefault]] = await c.ok('query', ['RETURN [session::db()]']).then((r) => r.map((x) => x.result));
    assert.equal(inSession, 'sessions_a');
    assert.equal(inDefault, 'sessions_b');
    assert.equal((await c.ok('sessions')).length, 1);
    assert.deepEqual(await other.ok('sessions'), []);
    await c.ok('detach', [], { session });
    assert.deepEqual(await c.ok('sessions'), []);
  });

  it('closes a connection whose message exceeds 64 MiB with code 1009', async () => {
    const c = await client();
    c.ws.send(Buffer.alloc(64 * 1024 * 1024 + 1));
    const { code } = await c.closed;
    assert.equal(code, 1009);
    const again = await client();
    assert.equal((await again.call('ping')).error, undefined, 'the server is still up');
  });

  it('refuses a WebSocket that asks only for the JSON protocol', async () => {
    await assert.rejects(rpc(devdb.rpcUrl, 'json'), /400/);
  });

  it('answers /health, /status and /version like SurrealDB', async () => {
    assert.equal((await fetch(`${devdb.httpUrl}/health`)).status, 200);
    assert.equal((await fetch(`${devdb.httpUrl}/status`)).status, 200);
    const version = await fetch(`${devdb.httpUrl}/version`);
    assert.equal(version.status, 200);
    assert.equal(await version.text(), `surrealdb-${devdb.version}`);
    assert.match(devdb.version, /^\d+\.\d+\.\d+/);
    assert.equal((await fetch(`${devdb.httpUrl}/nope`)).status, 404);
  });
});

describe('process lifecycle', () => {
  for (const signal of ['SIGTERM', 'SIGINT']) {
    it(`stops cleanly with exit code 0 on ${signal}, with a client connected`, async () => {
      const devdb = await startDevDb();
      const c = await rpc(devdb.rpcUrl);
      await c.ok('use', ['life', 'cycle']);
      await c.ok('query', ['DEFINE TABLE x SCHEMALESS']);
      await c.ok('live', ['x']);
      // Requests still running or queued at shutdown must not touch the freed engine.
      c.call('query', ['SLEEP 300ms']);
      c.call('use', ['life', 'other']);
      c.call('query', ['CREATE x:1']);
      const exit = await devdb.stop(signal);
      assert.deepEqual(exit, { code: 0, signal: null });
      const { code } = await c.closed;
      assert.ok(code === 1001 || code === 1006, `socket closed (${code})`);
      assert.equal(devdb.stderr(), '', 'nothing on stderr');
    });
  }

  it('says clearly when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      await assert.rejects(startDevDb(['--bind', `127.0.0.1:${blocker.address().port}`]), /address already in use/);
    } finally {
      blocker.close();
    }
  });

  it('rejects unknown flags with exit code 2', async () => {
    await assert.rejects(startDevDb(['--colour', 'blue']), /code=2[\s\S]*unknown option/);
  });

  it('keeps data in a directory across restarts', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'devdb-test-'));
    try {
      const first = await startDevDb(['--storage', dir]);
      assert.match(first.stdout(), /storage=/);
      let c = await rpc(first.rpcUrl);
      await c.ok('signin', [{ user: 'root', pass: 'root' }]);
      await c.ok('use', ['disk', 'db']);
      await c.ok('query', ['CREATE kept:1 SET v = 1']);
      c.ws.terminate();
      assert.equal((await first.stop()).code, 0);

      const second = await startDevDb(['--storage', dir]);
      c = await rpc(second.rpcUrl);
      await c.ok('use', ['disk', 'db']);
      const [rows] = (await c.ok('query', ['SELECT VALUE v FROM kept'])).map((r) => r.result);
      assert.deepEqual(rows, [1]);
      c.ws.terminate();
      assert.equal((await second.stop()).code, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
