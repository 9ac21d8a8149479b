package io.spooky.sonar.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File upload and download over HTTP against a real server on loopback. */
class FileRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  private SonarServer server;
  private String base;

  @BeforeEach
  void start() throws Exception {
    server =
        SonarServer.start(
            new SonarServer.Config("127.0.0.1", 0, dir, false, null, 1 << 16, 1 << 20));
    base = server.baseUri() + "/default";
    send(
        HttpRequest.newBuilder(URI.create(base + "/collection"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"c\"}")));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static HttpResponse<byte[]> send(HttpRequest.Builder b) throws Exception {
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private JsonNode upload(byte[] content, String metadata, String contentType) throws Exception {
    String q =
        metadata == null ? "" : "?metadata=" + URLEncoder.encode(metadata, StandardCharsets.UTF_8);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + "/collection/c/file" + q))
            .POST(HttpRequest.BodyPublishers.ofByteArray(content));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    HttpResponse<byte[]> r = send(b);
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private HttpResponse<byte[]> download(String id, String range) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + "/collection/c/file/" + id)).GET();
    if (range != null) {
      b.header("Range", range);
    }
    return send(b);
  }

  @Test
  void uploadDownloadAndRanges() throws Exception {
    byte[] content = new byte[200_000];
    new Random(42).nextBytes(content);
    JsonNode rec =
        upload(content, "{\"filename\": \"photo.jpg\", \"camera\": \"x100\"}", "image/jpeg");
    assertThat(rec.get("type").asText()).isEqualTo("sonar/file@1");
    JsonNode v = rec.get("value");
    assertThat(v.get("filename").asText()).isEqualTo("photo.jpg");
    assertThat(v.get("contentType").asText()).isEqualTo("image/jpeg");
    assertThat(v.get("contentLength").asLong()).isEqualTo(content.length);
    assertThat(v.get("contentHash").asText())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
    assertThat(v.at("/metadata/camera").asText()).isEqualTo("x100");
    String id = rec.get("id").asText();

    HttpResponse<byte[]> full = download(id, null);
    assertThat(full.statusCode()).isEqualTo(200);
    assertThat(full.body()).isEqualTo(content);
    assertThat(full.headers().firstValue("Content-Type")).hasValue("image/jpeg");
    assertThat(full.headers().firstValue("Content-Length")).hasValue("200000");
    assertThat(full.headers().firstValue("Accept-Ranges")).hasValue("bytes");

    HttpResponse<byte[]> first = download(id, "bytes=0-99");
    assertThat(first.statusCode()).isEqualTo(206);
    assertThat(first.body()).isEqualTo(Arrays.copyOfRange(content, 0, 100));
    assertThat(first.headers().firstValue("Content-Range")).hasValue("bytes 0-99/200000");
    assertThat(first.headers().firstValue("Content-Length")).hasValue("100");

    HttpResponse<byte[]> middle = download(id, "bytes=65530-131080");
    assertThat(middle.statusCode()).isEqualTo(206);
    assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(content, 65530, 131081));
    assertThat(middle.headers().firstValue("Content-Range")).hasValue("bytes 65530-131080/200000");

    HttpResponse<byte[]> suffix = download(id, "bytes=-500");
    assertThat(suffix.statusCode()).isEqualTo(206);
    assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(content, 199_500, 200_000));
    assertThat(suffix.headers().firstValue("Content-Range")).hasValue("bytes 199500-199999/200000");

    HttpResponse<byte[]> open = download(id, "bytes=199990-");
    assertThat(open.statusCode()).isEqualTo(206);
    assertThat(open.body()).isEqualTo(Arrays.copyOfRange(content, 199_990, 200_000));

    HttpResponse<byte[]> beyond = download(id, "bytes=200000-");
    assertThat(beyond.statusCode()).isEqualTo(416);
    assertThat(beyond.headers().firstValue("Content-Range")).hasValue("bytes */200000");
    assertThat(JSON.readTree(beyond.body()).has("error")).isTrue();
  }

  @Test
  void defaultsEmptyFilesUnknownIdsAndLimits() throws Exception {
    JsonNode empty = upload(new byte[0], null, null);
    assertThat(empty.at("/value/contentType").asText()).isEqualTo("application/octet-stream");
    HttpResponse<byte[]> e = download(empty.get("id").asText(), null);
    assertThat(e.statusCode()).isEqualTo(200);
    assertThat(e.body()).isEmpty();
    assertThat(download(empty.get("id").asText(), "bytes=0-0").statusCode()).isEqualTo(416);

    // The content type can come from the metadata instead of the header.
    JsonNode text =
        upload("hi".getBytes(StandardCharsets.UTF_8), "{\"contentType\": \"text/plain\"}", null);
    assertThat(download(text.get("id").asText(), null).headers().firstValue("Content-Type"))
        .hasValue("text/plain");

    HttpResponse<byte[]> missing = download("nope", null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(missing.body()).get("error").asText()).contains("nope");

    // Files may exceed the JSON body limit (64 KiB here) up to the file limit (1 MiB).
    byte[] big = new byte[300_000];
    assertThat(download(upload(big, null, null).get("id").asText(), null).body()).isEqualTo(big);
    HttpResponse<byte[]> tooBig =
        send(
            HttpRequest.newBuilder(URI.create(base + "/collection/c/file"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[(1 << 20) + 1])));
    assertThat(tooBig.statusCode()).isEqualTo(413);

    HttpResponse<byte[]> badMeta =
        send(
            HttpRequest.newBuilder(URI.create(base + "/collection/c/file?metadata=%5B1%5D"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1])));
    assertThat(badMeta.statusCode()).isEqualTo(400);
  }
}
