package io.spooky.surreal.cbor;

/**
 * The CBOR tags SurrealDB's RPC protocol uses (RFC 8949 tags 0 and 37 plus SurrealDB's own). See
 * docs/PROTOCOL.md section 3 for the content each one carries.
 */
final class SurrealTags {
  static final long DATETIME_TEXT = 0;
  static final long NONE = 6;
  static final long TABLE = 7;
  static final long RECORD_ID = 8;
  static final long UUID_TEXT = 9;
  static final long DECIMAL_TEXT = 10;
  static final long DATETIME_COMPACT = 12;
  static final long DURATION_TEXT = 13;
  static final long DURATION_COMPACT = 14;
  static final long FUTURE = 15;
  static final long UUID_BINARY = 37;
  static final long RANGE = 49;
  static final long BOUND_INCLUDED = 50;
  static final long BOUND_EXCLUDED = 51;
  static final long GEOMETRY_POINT = 88;
  static final long GEOMETRY_LINE = 89;
  static final long GEOMETRY_POLYGON = 90;
  static final long GEOMETRY_MULTIPOINT = 91;
  static final long GEOMETRY_MULTILINE = 92;
  static final long GEOMETRY_MULTIPOLYGON = 93;
  static final long GEOMETRY_COLLECTION = 94;

  private SurrealTags() {}
}
