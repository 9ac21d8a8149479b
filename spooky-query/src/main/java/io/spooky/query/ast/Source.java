package io.spooky.query.ast;

import io.spooky.core.value.RecordId;
import java.util.List;
import java.util.Objects;

/**
 * The {@code FROM} clause.
 *
 * <p>Row order without {@code ORDER BY}, as SurrealDB 3 produces it: a {@link Table} scan yields
 * records in record id order ({@code Values.compare} on the ids: integer keys numerically, then
 * string keys, then uuids, arrays and objects); {@link Records} yields the listed ids in written
 * order, skipping ids that do not exist.
 */
public sealed interface Source {

  /** {@code FROM table}: every record of one table. */
  record Table(String name) implements Source {
    public Table {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** {@code FROM user:1, user:2}: the listed records, in written order, duplicates kept. */
  record Records(List<RecordId> ids) implements Source {
    public Records {
      ids = List.copyOf(ids);
      if (ids.isEmpty()) {
        throw new IllegalArgumentException("FROM lists at least one record id");
      }
    }
  }
}
