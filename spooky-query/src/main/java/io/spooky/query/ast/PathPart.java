package io.spooky.query.ast;

import java.util.Objects;

/** One step of a path: {@code .name} or {@code [index]}. */
public sealed interface PathPart {

  /**
   * {@code .name}: the field of an object. Applied to a record id, the record is first fetched from
   * the snapshot (record-link traversal); applied to an array, the step maps over its items.
   */
  record Field(String name) implements PathPart {
    public Field {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** {@code [n]}: the n-th item of an array (NONE when out of range or not an array). */
  record Index(long index) implements PathPart {
    @Override
    public String toString() {
      return "[" + index + "]";
    }
  }
}
