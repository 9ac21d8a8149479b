package io.spooky.sonar.view;

import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.schema.Schema;
import io.spooky.sonar.store.Store;
import java.nio.file.Path;

/**
 * What a view may use of its collection: the schema, record loading, the node's store (for views
 * kept in RocksDB, through {@link StoredView}) and a private directory for views with their own
 * files. Thread-safe.
 */
public interface ViewContext {
  /** Name of the collection. */
  String collectionName();

  /** Node-unique numeric id of the collection, used to prefix keys. */
  int collectionId();

  /**
   * The collection's schema. It covers at least every {@code sonar/type} record up to the batch
   * being applied; use {@link Schema#resolveAt} with the record's lseq.
   */
  Schema schema();

  /** Loads the record at {@code lseq}; null for a header block or an lseq outside the log. */
  RecordVersion load(long lseq);

  /** The node's RocksDB store. */
  Store store();

  /** A directory that belongs to this view alone (created on demand by the view). */
  Path directory(String viewName);
}
