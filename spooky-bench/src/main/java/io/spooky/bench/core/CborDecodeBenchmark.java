package io.spooky.bench.core;

import io.spooky.core.value.Value;
import io.spooky.surreal.cbor.Cbor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of turning one record off the wire into a value: decoding SurrealDB's CBOR of the same
 * ~1 KB record {@link DigestBenchmark} digests (what the RPC client does for every row of a query
 * result and every change the capture reads).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CborDecodeBenchmark {
  private byte[] cbor;

  @Setup
  public void setUp() {
    cbor = Cbor.encode(DigestBenchmark.typicalRecord());
    if (!Cbor.decode(cbor).equals(DigestBenchmark.typicalRecord())) {
      throw new IllegalStateException("the record does not survive a CBOR round trip");
    }
  }

  @Benchmark
  public Value decode() {
    return Cbor.decode(cbor);
  }
}
