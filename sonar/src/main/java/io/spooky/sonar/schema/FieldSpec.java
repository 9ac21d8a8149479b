package io.spooky.sonar.schema;

/**
 * One field of a type: its JSON kind, whether it holds an array of such values ({@code multiple}),
 * and its index settings ({@code basic}: the indexes view; {@code searchMode}: {@code fulltext} or
 * {@code facet} for a search view, null when not searched).
 */
public record FieldSpec(
    String name,
    FieldType type,
    boolean multiple,
    boolean indexBasic,
    String searchMode,
    String title,
    String description) {

  /** The JSON kinds a field may declare. */
  public enum FieldType {
    STRING,
    NUMBER,
    INTEGER,
    BOOLEAN,
    OBJECT,
    ARRAY,
    RELATION,
    ANY;

    /** The lower-case name used in type definitions. */
    public String jsonName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
