package io.spooky.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real appending JVM with SIGKILL ({@code destroyForcibly}) and checks that every append it
 * acknowledged under {@link FsyncPolicy#ALWAYS} survives, with dense seqs.
 */
class CrashTest {
  @TempDir Path dir;

  private static final int ACKS_BEFORE_KILL = 300;
  private static final String SEGMENT_BYTES = "16384";
  private static final int THREADS = 4;

  private record Ack(int thread, int counter) {}

  @Test
  void everyAcknowledgedAppendSurvivesSigkill() throws Exception {
    Path logDir = dir.resolve("log");
    Map<Long, Ack> acked = new HashMap<>();
    for (int round = 1; round <= 3; round++) {
      Path stderr = dir.resolve("child-" + round + ".err");
      Map<Long, Ack> thisRound = runAndKill(logDir, stderr);
      assertThat(thisRound)
          .as("round %d acknowledged appends (child stderr: %s)", round, readQuietly(stderr))
          .hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
      acked.putAll(thisRound);
      verify(logDir, acked, round);
    }
  }

  /** Starts the child, waits for enough acknowledgements, kills it, and returns all it printed. */
  private static Map<Long, Ack> runAndKill(Path logDir, Path stderr) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                classpath,
                CrashAppender.class.getName(),
                logDir.toString(),
                SEGMENT_BYTES,
                Integer.toString(THREADS))
            .redirectError(stderr.toFile())
            .start();
    Map<Long, Ack> acks = new HashMap<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acks.size() < ACKS_BEFORE_KILL && (line = out.readLine()) != null) {
        String[] f = line.split(" ");
        acks.put(Long.parseLong(f[0]), new Ack(Integer.parseInt(f[1]), Integer.parseInt(f[2])));
      }
      // SIGKILL while the appenders are mid-flight. Acknowledgements printed but not read here
      // are lost to the test (destroying closes the pipe); their entries are still checked to be
      // whole by verify.
      child.destroyForcibly();
    } finally {
      child.destroyForcibly();
      child.waitFor();
    }
    return acks;
  }

  private static void verify(Path logDir, Map<Long, Ack> acked, int round) throws IOException {
    try (EventLog log = EventLog.open(logDir, LogConfig.defaults().withSegmentBytes(16384))) {
      long maxAcked = acked.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
      assertThat(log.firstSeq()).isEqualTo(1);
      assertThat(log.lastSeq()).as("round %d", round).isGreaterThanOrEqualTo(maxAcked);
      List<LogEntry> all = new ArrayList<>();
      log.reader(1).forEachRemaining(all::add);
      assertThat(all).as("dense seqs").hasSize((int) log.lastSeq());
      for (LogEntry e : all) {
        Ack ack = acked.get(e.seq());
        if (ack != null) {
          assertThat(e.payload())
              .as("round %d seq %d", round, e.seq())
              .isEqualTo(CrashAppender.payload(ack.thread(), ack.counter()));
        } else {
          // Written but never acknowledged: it must still be a whole, well-formed entry.
          String[] f = new String(e.payload(), StandardCharsets.UTF_8).split(":", 3);
          assertThat(e.payload())
              .as("round %d unacknowledged seq %d", round, e.seq())
              .isEqualTo(CrashAppender.payload(Integer.parseInt(f[0]), Integer.parseInt(f[1])));
        }
      }
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }
}
