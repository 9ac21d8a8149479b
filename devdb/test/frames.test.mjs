// The framing helpers against @surrealdb/cbor's encoder: item boundaries of random values, maps
// rebuilt from spliced bytes, and rejection of malformed input. Random cases are reproducible
// from the printed seed (set DEVDB_TEST_SEED to replay one).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode, Tagged } from '@surrealdb/cbor';
import { FrameError, isAbsent, itemEnd, map, readMap, text, uuidKey } from '../lib/frames.mjs';

const seed = Number(process.env.DEVDB_TEST_SEED ?? Date.now() % 2 ** 31);

/** A small deterministic generator (mulberry32). */
function random(s) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function value(rnd, depth) {
  const pick = Math.floor(rnd() * (depth > 3 ? 8 : 11));
  switch (pick) {
    case 0: return Math.floor(rnd() * 2 ** 40) - 2 ** 39;
    case 1: return rnd() * 1e6; // float64
    case 2: return BigInt(Math.floor(rnd() * 2 ** 30)) * 2n ** 33n; // large integer
    case 3: return 'x'.repeat(Math.floor(rnd() * 300));
    case 4: return rnd() < 0.5;
    case 5: return null;
    case 6: return new Uint8Array(Math.floor(rnd() * 70));
    case 7: return new Tagged(6, null);
    case 8: return Array.from({ length: Math.floor(rnd() * 5) }, () => value(rnd, depth + 1));
    case 9: return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 5) }, (_, i) => [`k${i}`, value(rnd, depth + 1)]));
    default: return new Tagged(8, ['t', value(rnd, depth + 1)]);
  }
}

describe(`frames (seed ${seed})`, () => {
  it('finds the end of every item, nested or not', () => {
    const rnd = random(seed);
    for (let i = 0; i < 500; i++) {
      const items = [value(rnd, 0), value(rnd, 0)].map((v) => Buffer.from(encode(v)));
      const joined = Buffer.concat(items);
      assert.equal(itemEnd(joined, 0), items[0].length, `case ${i}, seed ${seed}`);
      assert.equal(itemEnd(joined, items[0].length), joined.length, `case ${i}, seed ${seed}`);
    }
  });

  it('splits a request map and rebuilds it from the original bytes', () => {
    const rnd = random(seed + 1);
    for (let i = 0; i < 200; i++) {
      const request = { id: i, method: 'query', params: [value(rnd, 0), value(rnd, 0)] };
      const frame = Buffer.from(encode(request));
      const entries = readMap(frame);
      assert.deepEqual(entries.map(([k]) => k), ['id', 'method', 'params']);
      assert.deepEqual(map(entries), frame, `case ${i}, seed ${seed}`);
    }
  });

  it('handles indefinite-length items', () => {
    // {_ "a": [_ 1, 2], "b": (_ h'01', h'02')} followed by a break
    const frame = Buffer.from([0xbf, 0x61, 0x61, 0x9f, 0x01, 0x02, 0xff, 0x61, 0x62, 0x5f, 0x41, 0x01, 0x41, 0x02, 0xff, 0xff]);
    const entries = readMap(frame);
    assert.deepEqual(entries.map(([k, v]) => [k, v.toString('hex')]), [['a', '9f0102ff'], ['b', '5f41014102ff']]);
  });

  it('rejects truncated, trailing and non-map input', () => {
    assert.throws(() => readMap(Buffer.from([0xa1, 0x61])), FrameError);
    assert.throws(() => readMap(Buffer.from([0xa0, 0x00])), FrameError);
    assert.throws(() => readMap(Buffer.from([0x80])), FrameError);
    assert.throws(() => readMap(Buffer.from([0xa1, 0x01, 0x02])), FrameError);
    assert.throws(() => itemEnd(Buffer.from([0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 0), FrameError);
    assert.throws(() => itemEnd(Buffer.from([0x1c]), 0), FrameError);
  });

  it('survives deep nesting without exhausting the stack', () => {
    const depth = 200_000;
    const frame = Buffer.concat([Buffer.alloc(depth, 0x81), Buffer.from([0x00])]);
    assert.equal(itemEnd(frame, 0), frame.length);
  });

  it('recognises NONE and UUIDs', () => {
    assert.ok(isAbsent(undefined));
    assert.ok(isAbsent(Buffer.from(encode(new Tagged(6, null)))));
    assert.ok(isAbsent(Buffer.from([0xf6])));
    assert.ok(!isAbsent(text('x')));
    const bytes = new Uint8Array(16).fill(0xab);
    assert.equal(uuidKey(decode(encode(new Tagged(37, bytes)))), 'ab'.repeat(16));
    assert.equal(uuidKey(new Tagged(9, 'ABABABAB-ABAB-ABAB-ABAB-ABABABABABAB')), 'ab'.repeat(16));
    assert.equal(uuidKey('not a uuid'), undefined);
  });
});
