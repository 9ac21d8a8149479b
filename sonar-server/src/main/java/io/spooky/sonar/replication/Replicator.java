package io.spooky.sonar.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spooky.sonar.collection.Collection;
import io.spooky.sonar.collection.Sonar;
import io.spooky.sonar.feed.FeedKey;
import io.spooky.sonar.feed.InvalidBlockException;
import io.spooky.sonar.feed.SignedBlock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls a collection's feeds from one peer over HTTP: reads the peer's collection status for its
 * member feeds, fetches every block this node lacks ({@code GET <collection>/feed/:key/blocks?from=
 * <local length>}) and ingests them through {@link Sonar#ingest}, which verifies the signatures and
 * writes nothing on failure. Blob feeds (file contents) listed by {@code GET <collection>/blobs}
 * are pulled the same way; they are stored but not indexed. Repeats until a round brings nothing
 * new, so feeds that join the collection through pulled {@code sonar/feed} records are pulled in
 * the same call.
 *
 * <p>{@code collectionUrl} is the peer's collection resource, e.g. {@code
 * http://127.0.0.1:9191/api/v1/default/collection/notes}. Not thread-safe: one pull at a time.
 */
public final class Replicator {
  private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where blocks come from; the HTTP peer in production, a wrapper in tests. */
  public interface BlockSource {
    /** Keys of the peer's member feeds of the collection. */
    List<FeedKey> feeds();

    /** Keys of the blob feeds the peer's file records reference; none for peers without files. */
    default List<FeedKey> blobFeeds() {
      return List.of();
    }

    /**
     * The peer's blocks of {@code key} from {@code from} on (a prefix ending at a signed block).
     */
    List<SignedBlock> blocks(FeedKey key, long from);
  }

  private final Sonar node;
  private final Collection collection;
  private final BlockSource source;

  public Replicator(Sonar node, Collection collection, BlockSource source) {
    this.node = node;
    this.collection = collection;
    this.source = source;
  }

  /** A source reading the peer's HTTP API at {@code collectionUrl}, with an optional token. */
  public static BlockSource http(URI collectionUrl, String token) {
    return new HttpSource(collectionUrl, token);
  }

  /**
   * Pulls until nothing is new; returns the number of blocks ingested. Throws {@link
   * ReplicationException} (with {@link ReplicationException#rejected()} for blocks that do not
   * verify) at the first failing feed; blocks ingested before it stay.
   */
  public long pullOnce() {
    long total = 0;
    while (true) {
      TreeSet<FeedKey> keys = new TreeSet<>(source.feeds());
      keys.addAll(collection.feeds());
      keys.addAll(source.blobFeeds());
      long round = 0;
      for (FeedKey k : keys) {
        round += pullFeed(k);
      }
      total += round;
      if (round == 0) {
        return total;
      }
    }
  }

  private long pullFeed(FeedKey key) {
    long n = 0;
    while (true) {
      long from = node.feeds().length(key);
      List<SignedBlock> blocks = source.blocks(key, from);
      if (blocks.isEmpty()) {
        return n;
      }
      long added;
      try {
        added = node.ingest(key, blocks);
      } catch (InvalidBlockException e) {
        LOG.warn(
            "event=replication_rejected collection={} feed={} from={} reason=\"{}\"",
            collection.name(),
            key,
            from,
            e.getMessage());
        throw new ReplicationException(
            "blocks of " + key + " from " + from + " rejected: " + e.getMessage(), e, true);
      }
      if (added == 0) {
        return n;
      }
      n += added;
      LOG.info(
          "event=replication_ingested collection={} feed={} from={} blocks={}",
          collection.name(),
          key,
          from,
          added);
    }
  }

  private record HttpSource(URI collectionUrl, String token) implements BlockSource {
    private static final HttpClient CLIENT =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public List<FeedKey> feeds() {
      JsonNode status = get(collectionUrl.toString());
      List<FeedKey> out = new java.util.ArrayList<>();
      for (JsonNode f : status.path("feeds")) {
        out.add(FeedKey.parse(f.path("key").asText()));
      }
      return out;
    }

    @Override
    public List<FeedKey> blobFeeds() {
      List<FeedKey> out = new java.util.ArrayList<>();
      for (JsonNode f : get(collectionUrl + "/blobs").path("feeds")) {
        out.add(FeedKey.parse(f.asText()));
      }
      return out;
    }

    @Override
    public List<SignedBlock> blocks(FeedKey key, long from) {
      return BlockJson.decode(
          key, get(collectionUrl + "/feed/" + key.hex() + "/blocks?from=" + from));
    }

    private JsonNode get(String url) {
      HttpRequest.Builder r =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
      if (token != null) {
        r.header("Authorization", "Bearer " + token);
      }
      try {
        HttpResponse<byte[]> res = CLIENT.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (res.statusCode() != 200) {
          throw new ReplicationException(
              "peer answered " + res.statusCode() + " for " + url + ": " + new String(res.body()));
        }
        return JSON.readTree(res.body());
      } catch (IOException e) {
        throw new ReplicationException("peer unreachable at " + url + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ReplicationException("interrupted while pulling from " + url, e);
      }
    }
  }
}
