package io.spooky.sonar.collection;

import com.fasterxml.jackson.databind.JsonNode;
import io.spooky.sonar.feed.FeedStore;
import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.schema.FieldSpec;
import io.spooky.sonar.schema.Schema;
import io.spooky.sonar.schema.TypeSpec;
import io.spooky.sonar.store.Keys;
import io.spooky.sonar.view.ViewContext;
import io.spooky.sonar.view.ViewWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code indexes} view: values of the fields whose type definition sets {@code index.basic},
 * for current (head, non-deleted) versions only; superseded and deleted versions are removed.
 *
 * <p>Keys: its own {@link Heads}; {@code 'x' str(ns/name@version#field) value u64(lseq) -> ''}
 * where value is {@code 0x10 u8} (boolean), {@code 0x20 f64} (number; integers beyond 2^53 lose
 * precision in the order) or {@code 0x30 str} (string, relation). Values of other kinds are not
 * indexed; each element of a {@code multiple} field is indexed.
 */
final class IndexesView extends HeadsView {
  static final String NAME = "indexes";

  IndexesView(ViewContext context, FeedStore feeds) {
    super(context, NAME, feeds);
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  void onHeadAdded(RecordVersion v, Heads.Change c, ViewWriter w) {
    for (Heads.Head h : c.removed()) {
      if (h.deleted()) {
        continue;
      }
      RecordVersion old = context().load(h.lseq());
      if (old != null) {
        for (byte[] k : entries(old)) {
          w.delete(k);
        }
      }
    }
    if (!v.record().deleted()) {
      for (byte[] k : entries(v)) {
        w.put(k, new byte[0]);
      }
    }
  }

  private Set<byte[]> entries(RecordVersion v) {
    Set<byte[]> out = new LinkedHashSet<>();
    Schema schema = context().schema();
    TypeSpec t;
    try {
      t = schema.resolveAt(v.type(), v.lseq());
    } catch (RuntimeException e) {
      return out;
    }
    JsonNode value = v.record().value();
    if (t == null || value == null || !value.isObject()) {
      return out;
    }
    for (Map.Entry<String, FieldSpec> e : schema.fieldsAt(t, v.lseq()).entrySet()) {
      if (!e.getValue().indexBasic()) {
        continue;
      }
      JsonNode fv = value.get(e.getKey());
      if (fv == null) {
        continue;
      }
      byte[] prefix = fieldPrefix(t.address() + "#" + e.getKey());
      if (fv.isArray()) {
        for (JsonNode item : fv) {
          add(out, prefix, item, v.lseq());
        }
      } else {
        add(out, prefix, fv, v.lseq());
      }
    }
    return out;
  }

  private static void add(Set<byte[]> out, byte[] prefix, JsonNode value, long lseq) {
    byte[] enc = encode(value);
    if (enc != null) {
      out.add(Keys.concat(prefix, enc, Keys.u64(lseq)));
    }
  }

  static byte[] fieldPrefix(String fieldAddress) {
    return Keys.concat(new byte[] {'x'}, Keys.str(fieldAddress));
  }

  /** The order-preserving encoding of an indexable JSON value, or null. */
  static byte[] encode(JsonNode v) {
    if (v.isBoolean()) {
      return new byte[] {0x10, (byte) (v.asBoolean() ? 1 : 0)};
    }
    if (v.isNumber()) {
      return Keys.concat(new byte[] {0x20}, Keys.f64(v.asDouble()));
    }
    if (v.isTextual()) {
      return Keys.concat(new byte[] {0x30}, Keys.str(v.asText()));
    }
    return null;
  }

  /** lseqs matching a query on one resolved field, after offset and limit, without duplicates. */
  List<Long> query(String fieldAddress, Query.Indexes q) {
    byte[] prefix = fieldPrefix(fieldAddress);
    byte[] lo;
    byte[] hi;
    if (q.value() != null) {
      byte[] enc = encodeOrFail(q.value());
      lo = Keys.concat(prefix, enc);
      hi = Keys.prefixEnd(lo);
    } else {
      JsonNode lower = q.gte() != null ? q.gte() : q.gt();
      JsonNode upper = q.lte() != null ? q.lte() : q.lt();
      if (lower == null && upper == null) {
        lo = prefix;
        hi = Keys.prefixEnd(prefix);
      } else {
        byte[] lenc = lower == null ? null : encodeOrFail(lower);
        byte[] uenc = upper == null ? null : encodeOrFail(upper);
        if (lenc != null && uenc != null && lenc[0] != uenc[0]) {
          throw new InvalidQueryException(
              "range bounds of different kinds: " + lower + ", " + upper);
        }
        byte[] tag = {(lenc != null ? lenc : uenc)[0]};
        byte[] kind = Keys.concat(prefix, tag);
        lo =
            lenc == null
                ? kind
                : q.gte() != null
                    ? Keys.concat(prefix, lenc)
                    : Keys.prefixEnd(Keys.concat(prefix, lenc));
        hi =
            uenc == null
                ? Keys.prefixEnd(kind)
                : q.lte() != null
                    ? Keys.prefixEnd(Keys.concat(prefix, uenc))
                    : Keys.concat(prefix, uenc);
      }
    }
    List<Long> out = new ArrayList<>();
    if (java.util.Arrays.compareUnsigned(lo, hi) >= 0 || q.limit() <= 0) {
      return out;
    }
    Set<Long> seen = new java.util.HashSet<>();
    int[] skipped = {0};
    scan(
        lo,
        hi,
        q.reverse(),
        (k, v) -> {
          long lseq = Keys.readU64(k, k.length - 8);
          if (!seen.add(lseq)) {
            return true;
          }
          if (skipped[0] < q.offset()) {
            skipped[0]++;
            return true;
          }
          out.add(lseq);
          return out.size() < q.limit();
        });
    return out;
  }

  private static byte[] encodeOrFail(JsonNode v) {
    byte[] enc = encode(v);
    if (enc == null) {
      throw new InvalidQueryException("only strings, numbers and booleans are indexed: " + v);
    }
    return enc;
  }
}
