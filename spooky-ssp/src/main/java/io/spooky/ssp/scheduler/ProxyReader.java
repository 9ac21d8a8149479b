package io.spooky.ssp.scheduler;

import io.spooky.core.value.Value;
import java.util.List;

/**
 * Runs one read-only {@code SELECT} against the scheduler's snapshot replica ({@code POST
 * /proxy/query}, docs/PROTOCOL.md section 9.2). Throws {@link SchedulerException} when the
 * scheduler cannot be reached or refuses the query.
 */
@FunctionalInterface
public interface ProxyReader {
  /** The rows of {@code surql} and the replica seq they were read at. */
  Page query(String surql);

  /**
   * One result of the proxy.
   *
   * @param seq the replica seq the query read at
   * @param rows the rows as SurrealDB JSON (record ids as {@code "table:key"} strings)
   */
  record Page(long seq, List<Value> rows) {
    public Page {
      rows = List.copyOf(rows);
    }
  }
}
