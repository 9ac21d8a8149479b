package io.spooky.core.value;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * SurrealDB's comparison rules over {@link Value}s: the total order used by {@code ORDER BY} and by
 * {@code <}, {@code >}, and the equality used by {@code =}.
 *
 * <p>Values of different types compare by the rank of their type, which is the declaration order of
 * SurrealDB 3.x's {@code Value} enum:
 *
 * <pre>
 * none &lt; null &lt; bool &lt; number &lt; string &lt; duration &lt; datetime &lt; uuid
 *      &lt; array &lt; object &lt; geometry &lt; bytes &lt; record
 * </pre>
 *
 * <p>Within a type:
 *
 * <ul>
 *   <li>Numbers compare by mathematical value across {@code int}, {@code float} and {@code
 *       decimal}, so {@code 1 = 1.0 = 1dec}. {@code -0.0} equals {@code 0.0}. Every NaN is one
 *       value that sorts above {@code +inf} (SurrealDB uses {@code f64::total_cmp}, where the
 *       default, positive NaN is the greatest number). A float is compared with a decimal by its
 *       shortest decimal representation ({@code 0.1f = 0.1dec}, as in SurrealDB); for floats beyond
 *       2<sup>53</sup> the same rule applies against ints, which differs from SurrealDB's exact
 *       int/float comparison only for an int lying strictly within the float's rounding interval.
 *   <li>Strings compare by Unicode code point, which is UTF-8 byte order, as Rust compares {@code
 *       String}s (Java's {@code String.compareTo} differs for characters outside the BMP).
 *   <li>Arrays compare lexicographically, element by element, a proper prefix first.
 *   <li>Objects compare as SurrealDB's {@code BTreeMap}: lexicographically over their entries in
 *       key order, each entry by key and then by value.
 *   <li>Record ids compare by table name, then by key, keys of different kinds ranking {@code int
 *       &lt; string &lt; uuid &lt; array &lt; object}.
 *   <li>Durations, datetimes compare chronologically; uuids and bytes as unsigned byte strings.
 *   <li>Geometries compare by kind (point &lt; line &lt; polygon &lt; multipoint &lt; multiline
 *       &lt; multipolygon &lt; collection), then by their coordinates in SurrealDB's traversal
 *       order (a polygon's interior rings before its exterior), collections by their members.
 * </ul>
 *
 * <p>{@link #equal} is exactly {@code compare(a, b) == 0}, and {@link #hashCode(Value)} is
 * consistent with it, so values can key hash maps that group by SurrealDB equality: wrap them in
 * {@link Key}. All methods are pure and thread-safe.
 */
public final class Values {
  private static final Comparator<Value> ORDER = Values::compare;

  /** Code-point string order, SurrealDB's (UTF-8 byte) order for strings and object keys. */
  private static final Comparator<String> STRING_ORDER = Values::compareStrings;

  /** 2^53: below this magnitude every integer is exactly representable as a double. */
  private static final double EXACT_DOUBLE_LIMIT = 9007199254740992.0;

  private static final long EXACT_LONG_LIMIT = 1L << 53;

  private Values() {}

  /**
   * A value wrapped for hash-based collections under SurrealDB equality: {@code new Key(1)} and
   * {@code new Key(1.0f)} are equal map keys, and keys sort in SurrealDB's order. Use it for
   * grouping and hash indexes; plain {@link Value}s as keys are type-strict.
   */
  public record Key(Value value) implements Comparable<Key> {
    public Key {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Values.equal(value, k.value);
    }

    @Override
    public int hashCode() {
      return Values.hashCode(value);
    }

    @Override
    public int compareTo(Key other) {
      return Values.compare(value, other.value);
    }
  }

  /** SurrealDB's total order over values, as a comparator. */
  public static Comparator<Value> order() {
    return ORDER;
  }

  /** Strings in SurrealDB's order (Unicode code point order), as a comparator. */
  public static Comparator<String> stringOrder() {
    return STRING_ORDER;
  }

  /** SurrealDB's {@code =}: true when {@code compare(a, b) == 0}, e.g. {@code 1 = 1.0}. */
  public static boolean equal(Value a, Value b) {
    return compare(a, b) == 0;
  }

  /**
   * Compares two values in SurrealDB's total order: negative when {@code a} sorts before {@code b},
   * zero when they are equal, positive otherwise.
   */
  public static int compare(Value a, Value b) {
    if (a == b) {
      return 0;
    }
    int ra = rank(a);
    int rb = rank(b);
    if (ra != rb) {
      return Integer.compare(ra, rb);
    }
    return switch (a) {
      case NoneValue n -> 0;
      case NullValue n -> 0;
      case BoolValue x -> Boolean.compare(x.value(), ((BoolValue) b).value());
      case IntValue x -> compareNumbers(a, b);
      case FloatValue x -> compareNumbers(a, b);
      case DecimalValue x -> compareNumbers(a, b);
      case StringValue x -> compareStrings(x.value(), ((StringValue) b).value());
      case DurationValue x -> x.value().compareTo(((DurationValue) b).value());
      case DatetimeValue x -> x.value().compareTo(((DatetimeValue) b).value());
      case UuidValue x -> compareUuids(x, (UuidValue) b);
      case ArrayValue x -> compareLists(x.items(), ((ArrayValue) b).items());
      case ObjectValue x -> compareObjects(x, (ObjectValue) b);
      case GeometryValue x -> compareGeometries(x, (GeometryValue) b);
      case BytesValue x -> Arrays.compareUnsigned(x.bytes(), ((BytesValue) b).bytes());
      case RecordId x -> compareRecordIds(x, (RecordId) b);
    };
  }

  /**
   * A hash code consistent with {@link #equal}: equal values (including {@code 1}, {@code 1.0} and
   * {@code 1dec}) hash alike. Not the same as {@link Object#hashCode()}, which is type-strict.
   */
  public static int hashCode(Value v) {
    return switch (v) {
      case NoneValue n -> 0x4e4f4e45;
      case NullValue n -> 0x4e554c4c;
      case BoolValue b -> b.value() ? 1231 : 1237;
      case IntValue i -> hashLong(i.value());
      case FloatValue f -> hashDouble(f.value());
      case DecimalValue d -> hashDecimal(d.value());
      case StringValue s -> s.value().hashCode();
      case DurationValue d -> 31 * 5 + d.value().hashCode();
      case DatetimeValue d -> 31 * 6 + d.value().hashCode();
      case UuidValue u -> 31 * 7 + u.value().hashCode();
      case ArrayValue a -> {
        int h = 8;
        for (Value item : a.items()) {
          h = 31 * h + hashCode(item);
        }
        yield h;
      }
      case ObjectValue o -> {
        int h = 9;
        for (Map.Entry<String, Value> e : o.fields().entrySet()) {
          h = 31 * h + (e.getKey().hashCode() ^ hashCode(e.getValue()));
        }
        yield h;
      }
      case GeometryValue g -> {
        int h = 31 * 10 + g.kind().ordinal();
        if (g.kind() == GeometryValue.Kind.COLLECTION) {
          yield 31 * h + hashCode(g.coordinates());
        }
        for (double d : flatten(g)) {
          h = 31 * h + hashDouble(d);
        }
        yield h;
      }
      case BytesValue b -> 31 * 11 + Arrays.hashCode(b.bytes());
      case RecordId r -> 31 * (31 * 12 + r.table().hashCode()) + hashCode(r.key());
    };
  }

  /** Compares strings by Unicode code point, the order of their UTF-8 encodings. */
  public static int compareStrings(String a, String b) {
    if (a.equals(b)) {
      return 0;
    }
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char ca = a.charAt(i);
      char cb = b.charAt(i);
      if (ca != cb) {
        return Integer.compare(codePointRank(ca), codePointRank(cb));
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  /**
   * Maps a UTF-16 code unit so that unit order equals code point order: surrogates (which encode
   * code points above U+FFFF) move above U+E000..U+FFFF.
   */
  private static int codePointRank(char c) {
    if (c < 0xD800) {
      return c;
    }
    return c >= 0xE000 ? c - 0x800 : c + 0x2000;
  }

  /** The rank of a value's type in SurrealDB's cross-type order. */
  static int rank(Value v) {
    return switch (v) {
      case NoneValue n -> 0;
      case NullValue n -> 1;
      case BoolValue b -> 2;
      case IntValue i -> 3;
      case FloatValue f -> 3;
      case DecimalValue d -> 3;
      case StringValue s -> 4;
      case DurationValue d -> 5;
      case DatetimeValue d -> 6;
      case UuidValue u -> 7;
      case ArrayValue a -> 8;
      case ObjectValue o -> 9;
      case GeometryValue g -> 10;
      case BytesValue b -> 11;
      case RecordId r -> 12;
    };
  }

  /** The rank of a record key's kind, as SurrealDB 3.x's {@code RecordIdKey} enum orders them. */
  private static int keyRank(Value key) {
    return switch (key) {
      case IntValue i -> 0;
      case StringValue s -> 1;
      case UuidValue u -> 2;
      case ArrayValue a -> 3;
      case ObjectValue o -> 4;
      default -> throw new AssertionError("RecordId admits no key of type " + key.typeName());
    };
  }

  private static int compareRecordIds(RecordId a, RecordId b) {
    int c = compareStrings(a.table(), b.table());
    if (c != 0) {
      return c;
    }
    int ka = keyRank(a.key());
    int kb = keyRank(b.key());
    if (ka != kb) {
      return Integer.compare(ka, kb);
    }
    return compare(a.key(), b.key());
  }

  private static int compareUuids(UuidValue a, UuidValue b) {
    int c =
        Long.compareUnsigned(
            a.value().getMostSignificantBits(), b.value().getMostSignificantBits());
    return c != 0
        ? c
        : Long.compareUnsigned(
            a.value().getLeastSignificantBits(), b.value().getLeastSignificantBits());
  }

  private static int compareLists(List<Value> a, List<Value> b) {
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      int c = compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static int compareObjects(ObjectValue a, ObjectValue b) {
    Iterator<Map.Entry<String, Value>> ia = a.fields().entrySet().iterator();
    Iterator<Map.Entry<String, Value>> ib = b.fields().entrySet().iterator();
    while (ia.hasNext() && ib.hasNext()) {
      Map.Entry<String, Value> ea = ia.next();
      Map.Entry<String, Value> eb = ib.next();
      int c = compareStrings(ea.getKey(), eb.getKey());
      if (c != 0) {
        return c;
      }
      c = compare(ea.getValue(), eb.getValue());
      if (c != 0) {
        return c;
      }
    }
    return Boolean.compare(ia.hasNext(), ib.hasNext());
  }

  // ---------------------------------------------------------------- numbers

  private static int compareNumbers(Value a, Value b) {
    if (a instanceof IntValue x && b instanceof IntValue y) {
      return Long.compare(x.value(), y.value());
    }
    if (a instanceof FloatValue x && b instanceof FloatValue y) {
      return compareDoubles(x.value(), y.value());
    }
    if (a instanceof IntValue x && b instanceof FloatValue y) {
      return compareLongDouble(x.value(), y.value());
    }
    if (a instanceof FloatValue x && b instanceof IntValue y) {
      return -compareLongDouble(y.value(), x.value());
    }
    // At least one decimal; floats that are not finite order outside every decimal.
    if (a instanceof FloatValue x && !Double.isFinite(x.value())) {
      return Double.isNaN(x.value()) || x.value() > 0 ? 1 : -1;
    }
    if (b instanceof FloatValue y && !Double.isFinite(y.value())) {
      return Double.isNaN(y.value()) || y.value() > 0 ? -1 : 1;
    }
    return toBigDecimal(a).compareTo(toBigDecimal(b));
  }

  /** Numeric order on doubles with {@code -0.0 == 0.0} and every NaN equal and greatest. */
  private static int compareDoubles(double x, double y) {
    if (x < y) {
      return -1;
    }
    if (x > y) {
      return 1;
    }
    boolean nx = Double.isNaN(x);
    boolean ny = Double.isNaN(y);
    return nx == ny ? 0 : (nx ? 1 : -1);
  }

  private static int compareLongDouble(long i, double d) {
    if (Double.isNaN(d)) {
      return -1;
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? -1 : 1;
    }
    if (i >= -EXACT_LONG_LIMIT && i <= EXACT_LONG_LIMIT && Math.abs(d) <= EXACT_DOUBLE_LIMIT) {
      return compareDoubles((double) i, d);
    }
    return BigDecimal.valueOf(i).compareTo(BigDecimal.valueOf(d));
  }

  /** The number as a decimal: exact for ints and decimals, shortest representation for floats. */
  private static BigDecimal toBigDecimal(Value v) {
    return switch (v) {
      case IntValue i -> BigDecimal.valueOf(i.value());
      case FloatValue f -> BigDecimal.valueOf(f.value());
      case DecimalValue d -> d.value();
      default -> throw new AssertionError("not a number: " + v.typeName());
    };
  }

  private static int hashLong(long v) {
    return Long.hashCode(v);
  }

  private static int hashDouble(double d) {
    if (Double.isNaN(d)) {
      return 0x7ff80000;
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? 0x7ff00000 : 0xfff00000;
    }
    if (Math.abs(d) < EXACT_DOUBLE_LIMIT && d == Math.rint(d)) {
      return hashLong((long) d);
    }
    return hashDecimal(BigDecimal.valueOf(d));
  }

  private static int hashDecimal(BigDecimal d) {
    if (d.signum() == 0) {
      return hashLong(0);
    }
    BigDecimal s = d.stripTrailingZeros();
    if (s.scale() <= 0 && s.precision() - s.scale() <= 19) {
      try {
        return hashLong(s.longValueExact());
      } catch (ArithmeticException outOfLongRange) {
        return s.hashCode();
      }
    }
    return s.hashCode();
  }

  // ---------------------------------------------------------------- geometry

  private static int compareGeometries(GeometryValue a, GeometryValue b) {
    int c = Integer.compare(a.kind().ordinal(), b.kind().ordinal());
    if (c != 0) {
      return c;
    }
    if (a.kind() == GeometryValue.Kind.COLLECTION) {
      return compare(a.coordinates(), b.coordinates());
    }
    double[] x = flatten(a);
    double[] y = flatten(b);
    int n = Math.min(x.length, y.length);
    for (int i = 0; i < n; i++) {
      c = compareDoubles(x[i], y[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }

  /**
   * The geometry's coordinates in SurrealDB's comparison order: depth first, except that a
   * polygon's interior rings come before its exterior ring.
   */
  static double[] flatten(GeometryValue g) {
    List<Double> out = new ArrayList<>();
    switch (g.kind()) {
      case POLYGON -> flattenPolygon(g.coordinates(), out);
      case MULTIPOLYGON -> {
        if (g.coordinates() instanceof ArrayValue polygons) {
          for (Value p : polygons.items()) {
            flattenPolygon(p, out);
          }
        } else {
          flattenNumbers(g.coordinates(), out);
        }
      }
      default -> flattenNumbers(g.coordinates(), out);
    }
    double[] result = new double[out.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = out.get(i);
    }
    return result;
  }

  private static void flattenPolygon(Value polygon, List<Double> out) {
    if (polygon instanceof ArrayValue rings && !rings.items().isEmpty()) {
      for (int i = 1; i < rings.size(); i++) {
        flattenNumbers(rings.get(i), out);
      }
      flattenNumbers(rings.get(0), out);
    } else {
      flattenNumbers(polygon, out);
    }
  }

  private static void flattenNumbers(Value v, List<Double> out) {
    switch (v) {
      case ArrayValue a -> {
        for (Value item : a.items()) {
          flattenNumbers(item, out);
        }
      }
      case IntValue i -> out.add((double) i.value());
      case FloatValue f -> out.add(f.value());
      case DecimalValue d -> out.add(d.value().doubleValue());
      default -> {
        // Anything else in a coordinate position is not a coordinate and takes no part.
      }
    }
  }
}
