// Drives the dev SurrealDB with the official SurrealDB JavaScript SDK, an independent client: if
// the server's framing, sessions or notifications deviated from SurrealDB's protocol, the SDK
// would reject them.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DateTime, Decimal, RecordId, Surreal, Table, Uuid } from 'surrealdb';
import WebSocket from 'ws';
import { startDevDb } from '../testkit/child.mjs';

let devdb;
const clients = [];

async function connect({ namespace, database, signin = true } = {}) {
  const db = new Surreal({ websocketImpl: WebSocket });
  clients.push(db);
  await db.connect(devdb.rpcUrl);
  if (signin) await db.signin({ username: 'root', password: 'root' });
  if (namespace) await db.use({ namespace, database });
  return db;
}

/**
 * Returns next(): a promise of the subscription's next message (fails after 10 s).
 *
 * Writes in these tests wait for each notification before the next write: the engine may deliver
 * notifications of consecutive writes in any order, and SDK 2.0.8's ChannelIterator drops a message
 * when two arrive in one tick (its submit() resolves a waiter it never clears).
 */
function messages(subscription) {
  const queue = [];
  const waiters = [];
  subscription.subscribe((message) => {
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  return () => {
    if (queue.length > 0) return Promise.resolve(queue.shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no notification within 10 s')), 10_000);
      waiters.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  };
}

describe('dev SurrealDB with the official JS SDK', () => {
  before(async () => {
    devdb = await startDevDb();
  });

  after(async () => {
    for (const db of clients) await db.close().catch(() => {});
    if (devdb) await devdb.stop('SIGKILL');
  });

  it('reports the embedded engine version over RPC', async () => {
    const db = await connect({ signin: false });
    const { version } = await db.version();
    assert.equal(version, `surrealdb-${devdb.version}`);
  });

  it('signs in as the configured root user and rejects a wrong password', async () => {
    const db = await connect({ signin: false });
    const tokens = await db.signin({ username: 'root', password: 'root' });
    assert.match(tokens.access, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const other = await connect({ signin: false });
    await assert.rejects(other.signin({ username: 'root', password: 'wrong' }));
  });

  it('creates and selects records, keeping SurrealDB types intact', async () => {
    const db = await connect({ namespace: 'sdk', database: 'crud' });
    await db.query('CREATE person:tobie SET name = "Tobie", born = d"1990-01-02T03:04:05Z", weight = 80.5dec, tags = ["a", "b"]');
    const [rows] = await db.query('SELECT * FROM person');
    assert.equal(rows.length, 1);
    const row = rows[0];
    assert.ok(row.id instanceof RecordId);
    assert.equal(row.id.table.name, 'person');
    assert.equal(row.id.id, 'tobie');
    assert.ok(row.born instanceof DateTime, 'datetime keeps its CBOR tag');
    assert.equal(row.born.toISOString(), '1990-01-02T03:04:05.000Z');
    assert.ok(row.weight instanceof Decimal, 'decimal keeps its CBOR tag');
    assert.equal(row.weight.toString(), '80.5');
    assert.deepEqual(row.tags, ['a', 'b']);
    const selected = await db.select(new RecordId('person', 'tobie'));
    assert.equal(selected.name, 'Tobie');
    const [echoed] = await db.query('RETURN $v', { v: { f: 1.5, big: 2n ** 60n, neg: -7, when: new Date('2001-02-03T04:05:06Z') } });
    assert.equal(echoed.f, 1.5);
    assert.equal(BigInt(echoed.big), 2n ** 60n);
    assert.equal(echoed.neg, -7);
    assert.equal(echoed.when.toISOString(), '2001-02-03T04:05:06.000Z');
  });

  it('delivers CREATE, UPDATE and DELETE to a live query started with live()', async () => {
    const watcher = await connect({ namespace: 'sdk', database: 'live' });
    const writer = await connect({ namespace: 'sdk', database: 'live' });
    await writer.query('DEFINE TABLE item SCHEMALESS');
    const subscription = await watcher.live(new Table('item'));
    await subscription.ready();
    const next = messages(subscription);

    await writer.query('CREATE item:1 SET n = 1');
    const created = await next();
    await writer.query('UPDATE item:1 SET n = 2');
    const updated = await next();
    await writer.query('DELETE item:1');
    const deleted = await next();

    assert.deepEqual([created, updated, deleted].map((m) => m.action), ['CREATE', 'UPDATE', 'DELETE']);
    for (const m of [created, updated, deleted]) {
      assert.ok(m.recordId instanceof RecordId);
      assert.equal(m.recordId.id, 1);
    }
    assert.equal(created.value.n, 1);
    assert.equal(updated.value.n, 2);
    await subscription.kill();
  });

  it('delivers notifications of a LIVE SELECT started through query()', async () => {
    const watcher = await connect({ namespace: 'sdk', database: 'livesql' });
    const writer = await connect({ namespace: 'sdk', database: 'livesql' });
    await writer.query('DEFINE TABLE event SCHEMALESS');
    const [id] = await watcher.query('LIVE SELECT * FROM event WHERE level > 1');
    assert.ok(id instanceof Uuid);
    const next = messages(await watcher.liveOf(id));

    await writer.query('CREATE event:low SET level = 1; CREATE event:high SET level = 5');
    const created = await next();
    await writer.query('UPDATE event:high SET level = 6');
    const updated = await next();
    await writer.query('DELETE event:high');
    const deleted = await next();

    assert.deepEqual(
      [created, updated, deleted].map((m) => [m.action, m.recordId.id]),
      [['CREATE', 'high'], ['UPDATE', 'high'], ['DELETE', 'high']],
      'event:low does not match the WHERE clause and is never announced',
    );
    assert.equal(updated.value.level, 6);
    await watcher.query(`KILL u"${id.toString()}"`);
  });

  it('isolates connections: namespace, database and tables are per connection', async () => {
    const a = await connect({ namespace: 'iso_a', database: 'db' });
    const b = await connect({ namespace: 'iso_b', database: 'db' });
    await a.query('CREATE secret:1 SET v = 1');
    const [aTables] = await a.query('RETURN object::keys((INFO FOR DB).tables)');
    const [bTables] = await b.query('RETURN object::keys((INFO FOR DB).tables)');
    assert.deepEqual(aTables, ['secret']);
    assert.deepEqual(bTables, []);
    const [[ns]] = await b.query('RETURN [session::ns()]');
    assert.equal(ns, 'iso_b', 'a use() on one connection does not move another');
  });

  it('answers a bad query with an error and keeps the connection usable', async () => {
    const db = await connect({ namespace: 'sdk', database: 'errors' });
    await assert.rejects(db.query('SELEC nonsense'), /Parse error/);
    await assert.rejects(db.query('THROW "boom"'), /boom/);
    const [value] = await db.query('RETURN 40 + 2');
    assert.equal(value, 42);
  });
});
