package io.spooky.sonar.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * What a record block stores: one version of the record {@code (type, id)}. {@code type} is a
 * resolved type address {@code namespace/name@version}; {@code links} are the {@code key@seq}
 * addresses of the versions this one supersedes; a deleted record is a tombstone whose value is
 * null. The feed key, seq and lseq are not stored: they come from the block's position ({@link
 * RecordVersion}). Treat {@code value} as immutable.
 */
public record Record(
    String id, String type, JsonNode value, long timestamp, List<String> links, boolean deleted) {
  public Record {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    links = List.copyOf(links);
  }
}
