package io.spooky.sonar.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.spooky.sonar.collection.Collection;
import io.spooky.sonar.collection.FileHandle;
import io.spooky.sonar.collection.FileMeta;
import io.spooky.sonar.record.RecordVersion;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file routes: {@code POST …/file?metadata=<json>} streams the request body into the
 * collection's blob feed ({@link Collection#putFile}) and answers the {@code sonar/file} record;
 * {@code GET …/file/:id} streams the content with {@code Content-Type}, {@code Content-Length} and
 * single-range {@code Range} support (206 with {@code Content-Range}, 416 when unsatisfiable).
 * Uploads larger than {@code maxFileBytes} are refused with 413, before any byte is stored when the
 * request declares its length.
 */
final class FileRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private static final String FORM = "application/x-www-form-urlencoded";

  private final long maxFileBytes;

  FileRoutes(long maxFileBytes) {
    this.maxFileBytes = maxFileBytes;
  }

  /**
   * Stores the body. File name and media type come from {@code metadata.filename} / {@code
   * metadata.contentType}, else from the {@code X-Filename} and {@code Content-Type} headers
   * (curl's default form type counts as none); the rest of {@code metadata} is stored as the file's
   * metadata.
   */
  RecordVersion upload(Context ctx, Collection c) {
    ObjectNode meta = JSON.createObjectNode();
    String m = ctx.queryParam("metadata");
    if (m != null && !m.isBlank()) {
      JsonNode parsed;
      try {
        parsed = JSON.readTree(m);
      } catch (IOException e) {
        throw new ApiException(400, "metadata is not JSON: " + e.getMessage());
      }
      if (!parsed.isObject()) {
        throw new ApiException(400, "metadata must be a JSON object");
      }
      meta = (ObjectNode) parsed;
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxFileBytes) {
      throw new ApiException(413, "file is larger than the limit of " + maxFileBytes + " bytes");
    }
    String filename = text(meta.remove("filename"));
    if (filename == null) {
      filename = ctx.header("X-Filename");
    }
    String type = text(meta.remove("contentType"));
    if (type == null) {
      String h = ctx.header("Content-Type");
      type = h == null || h.startsWith(FORM) ? null : h;
    }
    try (InputStream body = new Limited(ctx.req().getInputStream(), maxFileBytes)) {
      return c.putFile(body, new FileMeta(filename, type, meta.isEmpty() ? null : meta));
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof TooLarge t) {
        throw new ApiException(413, t.getMessage());
      }
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(JsonNode n) {
    return n == null || !n.isTextual() ? null : n.asText();
  }

  /** Streams the file, whole or one range. */
  void download(Context ctx, Collection c) throws IOException {
    FileHandle f = c.openFile(ctx.pathParam("id"));
    long length = f.contentLength();
    long from = 0;
    long to = length - 1;
    int status = 200;
    String range = ctx.header("Range");
    Matcher r = range == null ? null : RANGE.matcher(range.trim());
    // Malformed and multi-range requests are answered whole, as RFC 9110 allows.
    if (r != null && r.matches() && !(r.group(1).isEmpty() && r.group(2).isEmpty())) {
      if (r.group(1).isEmpty()) {
        long suffix = parse(r.group(2));
        from = Math.max(0, length - suffix);
        if (suffix == 0 || length == 0) {
          unsatisfiable(ctx, length);
          return;
        }
      } else {
        from = parse(r.group(1));
        if (!r.group(2).isEmpty()) {
          to = Math.min(to, parse(r.group(2)));
          if (parse(r.group(2)) < from) {
            unsatisfiable(ctx, length);
            return;
          }
        }
        if (from >= length) {
          unsatisfiable(ctx, length);
          return;
        }
      }
      status = 206;
      ctx.header("Content-Range", "bytes " + from + "-" + to + "/" + length);
    }
    ctx.status(status);
    ctx.header("Accept-Ranges", "bytes");
    ctx.header("ETag", "\"" + f.contentHash() + "\"");
    ctx.res().setContentType(f.contentType());
    ctx.res().setContentLengthLong(to - from + 1);
    try (InputStream in = f.open(from, to)) {
      OutputStream out = ctx.res().getOutputStream();
      in.transferTo(out);
      out.flush();
    }
  }

  private static long parse(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static void unsatisfiable(Context ctx, long length) {
    ctx.header("Content-Range", "bytes */" + length);
    throw new ApiException(416, "range not satisfiable for a file of " + length + " bytes");
  }

  /** The request body is larger than the file limit. */
  private static final class TooLarge extends IOException {
    TooLarge(long limit) {
      super("file is larger than the limit of " + limit + " bytes");
    }
  }

  /** Fails with {@link TooLarge} once more than {@code limit} bytes were read. */
  private static final class Limited extends FilterInputStream {
    private final long limit;
    private long count;

    Limited(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(long n) throws TooLarge {
      count += n;
      if (count > limit) {
        throw new TooLarge(limit);
      }
    }
  }
}
