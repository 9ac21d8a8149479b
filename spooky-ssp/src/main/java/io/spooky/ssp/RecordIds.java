package io.spooky.ssp;

import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import java.util.regex.Pattern;

/** Parsing of record ids written as SurrealDB renders them in JSON ({@code table:key}). */
final class RecordIds {
  private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,18}");

  private RecordIds() {}

  /** True for a table name that may be written into SurrealQL unquoted. */
  static boolean isTableName(String s) {
    return TABLE.matcher(s).matches();
  }

  /**
   * Parses {@code table:key}; an integer key becomes an int key, {@code ⟨...⟩} or backticks quote a
   * string key.
   *
   * @throws IllegalArgumentException when the text is not a record id of that form
   */
  static RecordId parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("not a record id (table:key): '" + text + "'");
    }
    String table = text.substring(0, colon);
    if (!isTableName(table)) {
      throw new IllegalArgumentException("invalid table name in record id: '" + text + "'");
    }
    String key = text.substring(colon + 1);
    if ((key.startsWith("⟨") && key.endsWith("⟩") && key.length() >= 2)
        || (key.startsWith("`") && key.endsWith("`") && key.length() >= 2)) {
      return new RecordId(table, Value.of(key.substring(1, key.length() - 1)));
    }
    if (INTEGER.matcher(key).matches()) {
      return new RecordId(table, Value.of(Long.parseLong(key)));
    }
    return new RecordId(table, Value.of(key));
  }
}
