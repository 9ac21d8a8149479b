package io.spooky.bench.core;

import io.spooky.core.digest.ContentDigest;
import io.spooky.core.digest.Digest;
import io.spooky.core.encoding.CanonicalEncoding;
import io.spooky.core.encoding.EncodingBuffer;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of computing a record's version: canonical encoding plus XXH3-128 of a typical record of
 * about 1 KB (a user document with strings, numbers, a datetime, record links, tags and a nested
 * address), the operation run for every change Spooky sees. Also the SurrealDB comparison of two
 * such records, which sorting and grouping pay per pair.
 *
 * <p>Run: {@code java -jar spooky-bench/target/benchmarks.jar DigestBenchmark -f 1 -wi 3 -i 5 -w 1s
 * -r 1s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DigestBenchmark {
  /** The record's canonical encoding is this long, so figures are per ~1 KB. */
  static final int EXPECTED_ENCODED_BYTES = 1_000;

  private ObjectValue record;
  private ObjectValue sameContentOtherInstance;
  private EncodingBuffer buffer;

  @Setup
  public void setUp() {
    record = typicalRecord();
    sameContentOtherInstance = typicalRecord();
    buffer = new EncodingBuffer(2048);
    int size = CanonicalEncoding.encode(record).length;
    if (Math.abs(size - EXPECTED_ENCODED_BYTES) > 100) {
      throw new IllegalStateException("benchmark record encodes to " + size + " bytes, not ~1 KB");
    }
  }

  static ObjectValue typicalRecord() {
    Map<String, Value> address = new TreeMap<>();
    address.put("street", Value.of("1 Infinite Loop, Building 4, Floor 2"));
    address.put("city", Value.of("London"));
    address.put("postcode", Value.of("EC1A 1BB"));
    address.put("location", Value.array(Value.of(-0.1276), Value.of(51.5072)));
    Map<String, Value> fields = new TreeMap<>();
    fields.put("id", RecordId.of("user", "tobie_morgan_hitchcock"));
    fields.put("name", Value.of("Tobie Morgan Hitchcock"));
    fields.put("email", Value.of("tobie@surrealdb.example.com"));
    fields.put("age", Value.of(37L));
    fields.put("score", Value.of(0.87312));
    fields.put("balance", Value.of(new BigDecimal("12873.55")));
    fields.put("active", Value.TRUE);
    fields.put("created_at", Value.of(Instant.parse("2024-03-14T15:09:26.535897932Z")));
    fields.put("updated_at", Value.of(Instant.parse("2025-11-02T08:00:00.000000001Z")));
    fields.put("address", Value.object(address));
    fields.put(
        "tags",
        Value.array(
            List.of(
                Value.of("founder"),
                Value.of("rust"),
                Value.of("databases"),
                Value.of("realtime"),
                Value.of("speaker"))));
    fields.put(
        "friends",
        Value.array(
            List.of(
                RecordId.of("user", "jaime"),
                RecordId.of("user", "micha"),
                RecordId.of("user", "alexander"),
                RecordId.of("user", 1024))));
    fields.put(
        "bio",
        Value.of(
            "Co-founder of a multi-model database. Writes about query engines, storage, "
                + "distributed systems and real-time sync. Enjoys long walks between regions, "
                + "strong consistency, and very fast hashes. This text pads the record so that "
                + "the canonical encoding lands near one kilobyte, which is the size the "
                + "figure in BENCHMARKS.md is quoted for. Lorem ipsum dolor sit amet, consectetur "
                + "adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna "
                + "aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris "
                + "nisi ut aliquip ex ea commodo consequat."));
    fields.put("visits", Value.of(98_213L));
    fields.put(
        "settings", Value.object(Map.of("theme", Value.of("dark"), "lang", Value.of("en-GB"))));
    return new ObjectValue(new TreeMap<>(fields));
  }

  /** Canonical encoding into a reused buffer. */
  @Benchmark
  public int encode() {
    buffer.reset();
    CanonicalEncoding.encode(record, buffer);
    return buffer.size();
  }

  /** Encoding plus XXH3-128 with a reused buffer: the hot path for record versions. */
  @Benchmark
  public Digest encodeAndDigest() {
    return ContentDigest.of(record, buffer);
  }

  /**
   * The convenience form without a buffer argument (it encodes into a per-thread scratch buffer;
   * before {@code fd528d3} it grew a fresh one per call, hence the name).
   */
  @Benchmark
  public Digest encodeAndDigestFreshBuffer() {
    return ContentDigest.of(record);
  }

  /** SurrealDB comparison of two equal ~1 KB records (the worst case: every field is visited). */
  @Benchmark
  public int compareEqualRecords() {
    return Values.compare(record, sameContentOtherInstance);
  }
}
