package io.spooky.bench.ivm;

import io.spooky.core.digest.Digest;
import io.spooky.core.value.RecordId;
import io.spooky.ivm.merkle.MerkleTree;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of keeping a view's Merkle tree current: replacing one member's version ({@code put} of
 * an existing id, what an updated row costs) and removing then re-adding a member (what a row
 * leaving and entering the view costs), followed by reading the root, in a tree of {@code members}
 * rows.
 *
 * <p>Run: {@code java -jar spooky-bench/target/benchmarks.jar MerkleBenchmark -f 1 -wi 2 -i 3}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MerkleBenchmark {
  @Param({"1000", "100000"})
  public int members;

  private MerkleTree tree;
  private RecordId[] ids;
  private long version;
  private int next;

  @Setup
  public void setUp() {
    SplittableRandom r = new SplittableRandom(1);
    tree = new MerkleTree();
    ids = new RecordId[members];
    for (int i = 0; i < members; i++) {
      ids[i] = RecordId.of("product", i);
      tree.put(ids[i], new Digest(r.nextLong(), r.nextLong()));
    }
  }

  @Benchmark
  public Digest putExisting() {
    RecordId id = ids[next];
    next = next + 1 == members ? 0 : next + 1;
    tree.put(id, new Digest(++version, version * 31));
    return tree.root();
  }

  @Benchmark
  public Digest removeAndPut() {
    RecordId id = ids[next];
    next = next + 1 == members ? 0 : next + 1;
    tree.remove(id);
    tree.put(id, new Digest(++version, version * 31));
    return tree.root();
  }
}
