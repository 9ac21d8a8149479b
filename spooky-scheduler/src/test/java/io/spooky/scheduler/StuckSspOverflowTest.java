package io.spooky.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SSP that stops answering in the middle of a delivery (a process stopped with SIGSTOP, a
 * black-holed network) is flagged for re-bootstrap as soon as its lag passes {@code
 * max_buffer_per_ssp}, while the scheduler's request to it is still waiting for an answer, not only
 * when that request times out; its next heartbeat is answered 409.
 */
class StuckSspOverflowTest {
  @TempDir Path dir;

  @Test
  void anSspStuckInADeliveryIsFlaggedWhileTheRequestIsStillOpen() throws Exception {
    SchedulerConfig config =
        SchedulerConfig.defaults()
            .withHost("127.0.0.1")
            .withPort(0)
            .withPaths(dir.resolve("replica"), dir.resolve("wal"))
            .withTimings(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMillis(50))
            .withMaxBufferPerSsp(5);
    try (HungSsp ssp = new HungSsp();
        Scheduler s = Scheduler.start(config);
        Http http = new Http(s.port())) {
      http.post("/ssp/register", "{\"ssp_id\":\"ssp-h\",\"url\":\"" + ssp.url() + "\"}");
      Http.await("ssp-h ready", () -> stateOf(http, "ssp-h").equals("ready"));
      assertThat(http.post("/ingest", SchedulerLifecycleTest.events(1, 1)).status()).isEqualTo(200);
      Http.await("a delivery waits on the hung SSP", () -> ssp.held.get() == 1);
      assertThat(http.post("/ingest", SchedulerLifecycleTest.events(2, 10)).status())
          .isEqualTo(200);
      Http.await("ssp-h flagged overflowed", () -> stateOf(http, "ssp-h").equals("overflowed"));
      assertThat(ssp.heldClosed.get())
          .as("the scheduler's request to the hung SSP was still open when it was flagged")
          .isFalse();
      Http.Response r =
          http.post("/ssp/heartbeat", "{\"ssp_id\":\"ssp-h\",\"views\":0,\"cpu\":1,\"memory\":1}");
      assertThat(r.status()).as(r.body()).isEqualTo(409);
    }
  }

  private static String stateOf(Http http, String sspId) {
    try {
      for (Value v : ((ArrayValue) http.get("/ssps").json()).items()) {
        ObjectValue o = (ObjectValue) v;
        if (((StringValue) o.get("ssp_id")).value().equals(sspId)) {
          return ((StringValue) o.get("state")).value();
        }
      }
      return "absent";
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * An HTTP/1.1 peer on a raw socket: answers {@code GET /health} with {@code ok} and never answers
   * {@code POST /ingest}; it holds that connection and notes when the scheduler closes it.
   */
  private static final class HungSsp implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    final AtomicInteger held = new AtomicInteger();
    final AtomicBoolean heldClosed = new AtomicBoolean();

    HungSsp() throws IOException {
      Thread.ofVirtual().start(this::accept);
    }

    String url() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket c = server.accept();
          Thread.ofVirtual().start(() -> serve(c));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket c) {
      boolean holding = false;
      try (c) {
        InputStream in = c.getInputStream();
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        OutputStream out = c.getOutputStream();
        while (true) {
          String line = reader.readLine();
          if (line == null) {
            return;
          }
          int length = 0;
          for (String h = reader.readLine(); h != null && !h.isEmpty(); h = reader.readLine()) {
            if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
              length = Integer.parseInt(h.substring(15).trim());
            }
          }
          if (line.startsWith("POST /ingest")) {
            holding = true;
            held.incrementAndGet();
            // Never answer; the read returns -1 (or fails) once the scheduler gives up.
            while (reader.read() >= 0) {
              // discard the body and anything after it
            }
            heldClosed.set(true);
            return;
          }
          reader.skip(length);
          byte[] body = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
          out.write(
              ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                      + body.length
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          out.write(body);
          out.flush();
        }
      } catch (IOException e) {
        if (holding) {
          heldClosed.set(true);
        }
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
