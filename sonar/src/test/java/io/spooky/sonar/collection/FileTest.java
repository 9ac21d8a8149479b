package io.spooky.sonar.collection;

import static io.spooky.sonar.collection.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.sonar.record.FeedHeader;
import io.spooky.sonar.record.RecordCodec;
import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.schema.InvalidValueException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTest {
  @TempDir Path dir;

  private static final int CHUNK = Collection.CHUNK_SIZE;

  private static byte[] bytes(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void roundTripsAtChunkBoundariesAndSurvivesReopen() throws Exception {
    // Sizes around the 64 KiB chunk and the 16-chunk append group, including 0 and exact multiples.
    int[] sizes = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 16 * CHUNK, 16 * CHUNK + 7};
    String[] ids = new String[sizes.length];
    byte[][] contents = new byte[sizes.length][];
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("files");
      for (int i = 0; i < sizes.length; i++) {
        contents[i] = bytes(i, sizes[i]);
        RecordVersion v =
            c.putFile(
                new ByteArrayInputStream(contents[i]),
                new FileMeta("f" + i + ".bin", null, json("{'n': " + i + "}")));
        assertThat(v.type()).isEqualTo("sonar/file@1");
        assertThat(v.record().value().get("contentLength").asLong()).isEqualTo(sizes[i]);
        assertThat(v.record().value().get("contentHash").asText()).isEqualTo(sha256(contents[i]));
        assertThat(
                v.record().value().at("/blob/to").asLong()
                    - v.record().value().at("/blob/from").asLong())
            .as("blocks of a %d-byte file", sizes[i])
            .isEqualTo((sizes[i] + CHUNK - 1) / CHUNK);
        ids[i] = v.id();
      }
      for (int i = 0; i < sizes.length; i++) {
        assertContent(c.openFile(ids[i]), contents[i], "f" + i + ".bin");
      }
    }
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("files");
      for (int i = 0; i < sizes.length; i++) {
        assertContent(c.openFile(ids[i]), contents[i], "f" + i + ".bin");
      }
      // The blob feed is kept across reopen: a new file continues it.
      RecordVersion more =
          c.putFile(
              new ByteArrayInputStream(new byte[] {1, 2}), new FileMeta(null, "text/plain", null));
      assertThat(more.record().value().at("/blob/feed").asText())
          .isEqualTo(c.openFile(ids[1]).record().record().value().at("/blob/feed").asText());
      assertThat(c.openFile(more.id()).contentType()).isEqualTo("text/plain");
    }
  }

  private static void assertContent(FileHandle f, byte[] expected, String filename)
      throws Exception {
    assertThat(f.filename()).isEqualTo(filename);
    assertThat(f.contentType()).isEqualTo(FileMeta.DEFAULT_CONTENT_TYPE);
    assertThat(f.contentLength()).isEqualTo(expected.length);
    try (InputStream in = f.open()) {
      byte[] got = in.readAllBytes();
      assertThat(sha256(got)).isEqualTo(f.contentHash());
      assertThat(got).isEqualTo(expected);
    }
  }

  @Test
  void rangesCrossChunks() throws Exception {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    byte[] content = bytes(seed, 5 * CHUNK + 123);
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("files");
      FileHandle f =
          c.openFile(
              c.putFile(new ByteArrayInputStream(content), new FileMeta("x", null, null)).id());
      for (int i = 0; i < 50; i++) {
        int a = r.nextInt(content.length);
        int b = a + r.nextInt(content.length - a);
        try (InputStream in = f.open(a, b)) {
          assertThat(in.readAllBytes())
              .as("range %d-%d, seed %d", a, b, seed)
              .isEqualTo(Arrays.copyOfRange(content, a, b + 1));
        }
      }
      // The end is clamped to the last byte; an empty range is empty.
      try (InputStream in = f.open(content.length - 2, Long.MAX_VALUE - 1)) {
        assertThat(in.readAllBytes()).hasSize(2);
      }
      try (InputStream in = f.open(10, 9)) {
        assertThat(in.readAllBytes()).isEmpty();
      }
    }
  }

  @Test
  void blobBlocksAreNotRecords() throws Exception {
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("files");
      c.putType(
          json(
              "{'name': 'note', 'fields': {'title': {'type': 'string', 'index': {'basic': true}}}}"));
      c.put("note", "n1", json("{'title': 'hello'}"));
      long headBefore = c.indexer().head();
      RecordVersion file =
          c.putFile(new ByteArrayInputStream(bytes(1, 3 * CHUNK)), new FileMeta("a", null, null));
      // Only the record entered the log: not the blob feed's header nor its three chunks.
      assertThat(c.indexer().head()).isEqualTo(headBefore + 1);
      c.sync();
      assertThat(c.query(new Query.Records("sonar/file", null, true)))
          .extracting(RecordVersion::id)
          .containsExactly(file.id());
      assertThat(c.query(new Query.Records("note", null, true))).hasSize(1);
      assertThat(c.query(new Query.History(0L, Long.MAX_VALUE, false, 1000, true)))
          .extracting(RecordVersion::type)
          .doesNotContainNull()
          .allMatch(t -> t.startsWith("sonar/") || t.equals("default/note@1"));
      String blobKey = file.record().value().at("/blob/feed").asText();
      assertThat(c.feeds()).extracting(k -> k.hex()).doesNotContain(blobKey);
      // Block 0 of the blob feed marks its kind.
      var key = io.spooky.sonar.feed.FeedKey.parse(blobKey);
      assertThat(RecordCodec.decodeHeader(sonar.feeds().block(key, 0).data()).type())
          .isEqualTo(FeedHeader.BLOBS);
      // Even when a sonar/feed record names the blob feed, its chunks are not indexed.
      c.putFeed(key, "blobs");
      long head = c.indexer().head();
      c.sync();
      assertThat(c.indexer().head()).isEqualTo(head);
    }
  }

  @Test
  void unknownFileFailingStreamAndBadMetadata() {
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("files");
      assertThatThrownBy(() -> c.openFile("nope")).isInstanceOf(UnknownRecordException.class);
      assertThatThrownBy(
              () ->
                  c.putFile(
                      new ByteArrayInputStream(new byte[1]), new FileMeta(null, null, json("[1]"))))
          .isInstanceOf(InvalidValueException.class);
      InputStream failing =
          new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
              if (n++ > CHUNK * 2) {
                throw new IOException("disk gone");
              }
              return 7;
            }
          };
      assertThatThrownBy(() -> c.putFile(failing, new FileMeta("f", null, null)))
          .isInstanceOf(UncheckedIOException.class);
      c.sync();
      assertThat(c.query(new Query.Records("sonar/file", null, true))).isEmpty();
    }
  }
}
