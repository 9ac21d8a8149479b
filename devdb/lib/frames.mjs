// CBOR framing for the RPC server: finds item boundaries and writes map headers, so that request
// and response frames are rewritten by splicing the original bytes. Values are never decoded and
// re-encoded on their way through (a decode/encode round trip would, for example, turn the float
// 1.0 into the integer 1), so every tag and every number keeps the exact encoding the engine or the
// client chose.

import { decode } from '@surrealdb/cbor';

/** A frame that is not well-formed CBOR, or not the shape the protocol requires. */
export class FrameError extends Error {}

const BREAK = 0xff;
const INDEFINITE = -1;

/**
 * Reads the head of the item at `pos`: major type, argument (length, value or tag number; -1 for
 * an indefinite length) and the offset just after the head.
 */
function readHead(buf, pos) {
  if (pos >= buf.length) throw new FrameError('truncated CBOR item');
  const initial = buf[pos];
  const major = initial >> 5;
  const info = initial & 0x1f;
  let next = pos + 1;
  let arg;
  if (info < 24) {
    arg = info;
  } else if (info <= 27) {
    const size = 1 << (info - 24);
    if (next + size > buf.length) throw new FrameError('truncated CBOR item');
    arg = 0;
    for (let i = 0; i < size; i++) arg = arg * 256 + buf[next + i];
    // Only lengths must be exact; for integers, floats and tags the argument is skipped unread.
    if (major >= 2 && major <= 5 && arg > Number.MAX_SAFE_INTEGER) throw new FrameError('CBOR length out of range');
    next += size;
  } else if (info === 31 && major >= 2 && major <= 5) {
    arg = INDEFINITE;
  } else {
    throw new FrameError(`invalid CBOR initial byte 0x${initial.toString(16)}`);
  }
  return { major, arg, next };
}

/**
 * Returns the offset just after the complete CBOR item starting at `pos`. Iterative, so deeply
 * nested input cannot exhaust the stack.
 */
export function itemEnd(buf, pos) {
  const stack = [];
  let need = 1; // items still expected at the current nesting level, INDEFINITE until a break
  for (;;) {
    if (need === 0) {
      if (stack.length === 0) return pos;
      need = stack.pop();
      continue;
    }
    if (need === INDEFINITE && buf[pos] === BREAK) {
      pos += 1;
      need = 0;
      continue;
    }
    const { major, arg, next } = readHead(buf, pos);
    pos = next;
    if (major === 6) continue; // a tag and the item it wraps fill one slot
    if (need > 0) need -= 1;
    if (major === 2 || major === 3) {
      if (arg === INDEFINITE) {
        stack.push(need);
        need = INDEFINITE;
      } else {
        if (pos + arg > buf.length) throw new FrameError('truncated CBOR string');
        pos += arg;
      }
    } else if (major === 4 || major === 5) {
      const count = arg === INDEFINITE ? INDEFINITE : major === 5 ? arg * 2 : arg;
      stack.push(need);
      need = count;
    }
  }
}

/**
 * Splits a frame that must hold exactly one CBOR map with text keys into its entries, in order.
 * Each entry is `[key, rawValueBytes]`; the raw bytes are views into `buf`.
 */
export function readMap(buf) {
  const { major, arg, next } = readHead(buf, 0);
  if (major !== 5) throw new FrameError('expected a CBOR map');
  const entries = [];
  let pos = next;
  for (let i = 0; arg === INDEFINITE || i < arg; i++) {
    if (arg === INDEFINITE && buf[pos] === BREAK) {
      pos += 1;
      break;
    }
    const keyEnd = itemEnd(buf, pos);
    const key = decode(buf.subarray(pos, keyEnd));
    if (typeof key !== 'string') throw new FrameError('map keys must be text strings');
    const valueEnd = itemEnd(buf, keyEnd);
    entries.push([key, buf.subarray(keyEnd, valueEnd)]);
    pos = valueEnd;
  }
  if (pos !== buf.length) throw new FrameError('trailing bytes after the CBOR map');
  return entries;
}

/** The head of a definite-length item of the given major type and argument. */
export function head(major, arg) {
  const base = major << 5;
  if (arg < 24) return Buffer.from([base | arg]);
  if (arg < 0x100) return Buffer.from([base | 24, arg]);
  if (arg < 0x10000) return Buffer.from([base | 25, arg >> 8, arg & 0xff]);
  if (arg <= 0xffffffff) {
    const b = Buffer.alloc(5);
    b[0] = base | 26;
    b.writeUInt32BE(arg, 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = base | 27;
  b.writeBigUInt64BE(BigInt(arg), 1);
  return b;
}

/** A CBOR text string. */
export function text(value) {
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([head(3, bytes.length), bytes]);
}

/** A CBOR map of text keys to already-encoded values, in the given order. */
export function map(entries) {
  const parts = [head(5, entries.length)];
  for (const [key, raw] of entries) parts.push(text(key), raw);
  return Buffer.concat(parts);
}

/** A CBOR array of already-encoded items. */
export function array(raws) {
  return Buffer.concat([head(4, raws.length), ...raws]);
}

/** A SurrealDB UUID (tag 37 around 16 bytes) holding `bytes`. */
export function uuid(bytes) {
  return Buffer.concat([Buffer.from([0xd8, 37, 0x50]), bytes]);
}

/** True when the raw value is NONE (tag 6), null or undefined: "no value given". */
export function isAbsent(raw) {
  if (raw === undefined || raw.length === 0) return true;
  return raw[0] === 0xc6 || raw[0] === 0xf6 || raw[0] === 0xf7;
}

/**
 * A stable key for a decoded UUID value (tag 37 with 16 bytes, or tag 9 with text), or undefined
 * when the value is not a UUID.
 */
export function uuidKey(value) {
  if (value === null || typeof value !== 'object' || !('tag' in value)) return undefined;
  const tag = Number(value.tag);
  if (tag === 37) {
    const bytes = value.value instanceof ArrayBuffer ? new Uint8Array(value.value) : value.value;
    if (bytes instanceof Uint8Array && bytes.length === 16) return Buffer.from(bytes).toString('hex');
  }
  if (tag === 9 && typeof value.value === 'string') return value.value.replaceAll('-', '').toLowerCase();
  return undefined;
}

/** Encodes the standard error reply for a request the server rejects itself. */
export function errorValue(code, message) {
  return map([
    ['code', code < 0 ? head(1, -code - 1) : head(0, code)],
    ['message', text(message)],
  ]);
}
