package io.spooky.sonar.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spooky.sonar.feed.FeedKey;
import io.spooky.sonar.feed.SignedBlock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The replication wire form of a feed's blocks: {@code {key, length, blocks: [{seq, data,
 * signature}]}} with base64 bytes (an unsigned block has an empty signature). Decoding checks only
 * the shape; signatures are verified by the receiving node when it ingests.
 */
public final class BlockJson {
  private BlockJson() {}

  /** The response body of {@code GET …/feed/:key/blocks}. */
  public static ObjectNode encode(FeedKey key, long length, List<SignedBlock> blocks) {
    Base64.Encoder e = Base64.getEncoder();
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("key", key.hex()).put("length", length);
    ArrayNode a = o.putArray("blocks");
    for (SignedBlock b : blocks) {
      a.addObject()
          .put("seq", b.seq())
          .put("data", e.encodeToString(b.data()))
          .put("signature", e.encodeToString(b.signature()));
    }
    return o;
  }

  /** The blocks of an {@link #encode}d body; {@link ReplicationException} if malformed. */
  public static List<SignedBlock> decode(FeedKey key, JsonNode body) {
    JsonNode a = body == null ? null : body.get("blocks");
    if (a == null || !a.isArray()) {
      throw new ReplicationException("blocks response without a 'blocks' array");
    }
    Base64.Decoder d = Base64.getDecoder();
    List<SignedBlock> out = new ArrayList<>(a.size());
    for (JsonNode b : a) {
      if (!b.path("seq").canConvertToLong()
          || !b.path("data").isTextual()
          || !b.path("signature").isTextual()) {
        throw new ReplicationException("malformed block in blocks response of " + key);
      }
      try {
        out.add(
            new SignedBlock(
                key,
                b.get("seq").asLong(),
                d.decode(b.get("data").asText()),
                d.decode(b.get("signature").asText())));
      } catch (IllegalArgumentException e) {
        throw new ReplicationException("malformed block in blocks response of " + key, e);
      }
    }
    return out;
  }
}
