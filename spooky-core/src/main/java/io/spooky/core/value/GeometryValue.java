package io.spooky.core.value;

import java.util.Objects;

/**
 * A SurrealDB geometry, carried through intact. {@code coordinates} holds the GeoJSON-shaped body:
 * for a point an array of two floats; for lines and polygons nested arrays of points; for a
 * collection an array of {@link GeometryValue}s.
 */
public record GeometryValue(Kind kind, Value coordinates) implements Value {
  /** The seven geometry kinds, in SurrealDB's order. */
  public enum Kind {
    POINT,
    LINE,
    POLYGON,
    MULTIPOINT,
    MULTILINE,
    MULTIPOLYGON,
    COLLECTION
  }

  public GeometryValue {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(coordinates, "coordinates");
  }
}
