package io.spooky.ivm.merkle;

import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import java.nio.charset.StandardCharsets;

/** TEMPORARY until spooky-core's ContentDigest lands. */
public final class Digests {
  private Digests() {}

  public static MerkleHash id(RecordId id) {
    return content(id);
  }

  public static MerkleHash content(Value v) {
    return new Sha().of(v.toString().getBytes(StandardCharsets.UTF_8));
  }
}
