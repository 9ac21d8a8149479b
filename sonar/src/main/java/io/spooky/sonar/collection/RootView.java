package io.spooky.sonar.collection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spooky.sonar.SonarException;
import io.spooky.sonar.feed.FeedKey;
import io.spooky.sonar.feed.FeedStore;
import io.spooky.sonar.indexer.Indexer;
import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.schema.Schema;
import io.spooky.sonar.schema.TypeSpec;
import io.spooky.sonar.store.Keys;
import io.spooky.sonar.view.StoredView;
import io.spooky.sonar.view.ViewContext;
import io.spooky.sonar.view.ViewWriter;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code root} view: applies {@code sonar/type} records to the schema and {@code sonar/feed}
 * records to the collection's member feeds. Keys: {@code 't' str(ns/name@version) -> u64(lseq)
 * json}. New members are added to the indexer log in the same batch as the view's cursor.
 *
 * <p>A type address keeps its first definition; later records with the same address are ignored.
 * Removing a feed (a deleted {@code sonar/feed} record) does not remove it: blocks already in the
 * log stay, so membership only grows. Applied only under the node's write lock.
 */
final class RootView extends StoredView {
  static final String NAME = "root";
  private static final Logger LOG = LoggerFactory.getLogger(RootView.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FeedStore feeds;
  private final Indexer indexer;
  private volatile Schema schema;
  private Schema staged;

  RootView(ViewContext context, FeedStore feeds, Indexer indexer, String defaultNamespace) {
    super(context, NAME);
    this.feeds = feeds;
    this.indexer = indexer;
    Schema s = Schema.builtin(defaultNamespace);
    Schema[] acc = {s};
    scan(
        new byte[] {'t'},
        null,
        false,
        (k, v) -> {
          try {
            TypeSpec t =
                TypeSpec.fromJson(
                    JSON.readTree(Arrays.copyOfRange(v, 8, v.length)), defaultNamespace);
            acc[0] = acc[0].with(t, Keys.readU64(v, 0));
          } catch (IOException | SonarException e) {
            throw new IllegalStateException("stored type definition does not parse", e);
          }
          return true;
        });
    this.schema = acc[0];
  }

  @Override
  public int version() {
    return 1;
  }

  Schema schema() {
    return schema;
  }

  @Override
  protected void applyRecords(List<RecordVersion> records, ViewWriter w) {
    Schema s = schema;
    for (RecordVersion v : records) {
      if (v.record().deleted()) {
        continue;
      }
      JsonNode value = v.record().value();
      try {
        if (v.type().equals(Schema.TYPE)) {
          TypeSpec t = TypeSpec.fromJson(value, s.defaultNamespace());
          byte[] k = Keys.concat(new byte[] {'t'}, Keys.str(t.address()));
          if (w.get(k) == null) {
            w.put(k, Keys.concat(Keys.u64(v.lseq()), JSON.writeValueAsBytes(t.toJson())));
            s = s.with(t, v.lseq());
          }
        } else if (v.type().equals(Schema.FEED)) {
          JsonNode key = value == null ? null : value.get("key");
          FeedKey fk = FeedKey.parse(key == null ? null : key.asText());
          if (indexer.stageMember(feeds.intern(fk), w.batch())) {
            LOG.info(
                "event=feed_added collection={} feed={} by={}",
                context().collectionName(),
                fk,
                v.address());
          }
        }
      } catch (SonarException | IOException e) {
        // Records from remote writers are not validated by this node; an invalid definition is
        // skipped identically on every node and every rebuild.
        LOG.warn("event=root_record_skipped address={} reason=\"{}\"", v.address(), e.getMessage());
      }
    }
    staged = s;
  }

  @Override
  protected void afterCommit(long upTo) {
    indexer.publish();
    if (staged != null) {
      schema = staged;
      staged = null;
    }
  }

  @Override
  protected void afterAbort() {
    indexer.rollback();
    staged = null;
  }
}
