package io.spooky.log;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of {@link CrashTest}: appends with {@link FsyncPolicy#ALWAYS} from several threads
 * until killed, printing {@code <seq> <thread> <counter>} on stdout for every acknowledged append.
 *
 * <p>Usage: {@code CrashAppender <dir> <segmentBytes> <threads>}.
 */
public final class CrashAppender {
  private CrashAppender() {}

  /** The payload thread {@code t} appends as its {@code c}-th entry. */
  static byte[] payload(int thread, int counter) {
    StringBuilder sb = new StringBuilder().append(thread).append(':').append(counter).append(':');
    char fill = (char) ('a' + (thread + counter) % 26);
    sb.append(String.valueOf(fill).repeat(counter * 7 % 300));
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    LogConfig config =
        LogConfig.defaults()
            .withFsyncPolicy(FsyncPolicy.ALWAYS)
            .withSegmentBytes(Long.parseLong(args[1]));
    int threads = Integer.parseInt(args[2]);
    PrintStream out = System.out;
    EventLog log = EventLog.open(dir, config);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      workers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      for (int c = 0; ; c++) {
                        long seq = log.append(payload(thread, c));
                        synchronized (out) {
                          out.println(seq + " " + thread + " " + c);
                          out.flush();
                        }
                      }
                    } catch (Exception e) {
                      e.printStackTrace();
                      System.exit(2);
                    }
                  }));
    }
    for (Thread w : workers) {
      w.join();
    }
  }
}
