package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.testsupport.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Baton as a child JVM, as {@code java -jar} runs it: {@code dev.baton.Main} on this JVM's class
 * path (target/classes and the test class path), for the tests that kill, signal or cluster it.
 */
final class ChildBaton {
  private ChildBaton() {}

  /** {@code java -cp <this class path> dev.baton.Main}; the caller sets its environment and output. */
  static ProcessBuilder builder() {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.baton.Main");
  }

  /**
   * Starts {@code pb} (from {@link #builder()}, its environment set) serving HTTP on
   * 127.0.0.1:{@code httpPort}, its output and errors written to {@code log}.
   */
  static Process start(ProcessBuilder pb, int httpPort, Path log) throws IOException {
    pb.environment().put("BATON_HTTP_HOST", "127.0.0.1");
    pb.environment().put("BATON_HTTP_PORT", String.valueOf(httpPort));
    return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /**
   * Waits until the child answers {@code /api/health} with 200, polling every 100 ms for up to
   * {@code withinMs}; fails at once, with the end of its log, when the child has exited.
   */
  static void awaitHealthy(ApiClient api, Process child, long withinMs, Path log) throws Exception {
    Poll.eventually(withinMs, () -> {
      if (!child.isAlive()) {
        throw new IllegalStateException("Baton exited with status " + child.exitValue() + " before it was healthy; log "
            + log + ":\n" + tail(log));
      }
      int status;
      try {
        status = api.get("/api/health").status();
      } catch (RuntimeException notYet) { // connection refused while starting
        throw new AssertionError("Baton not healthy within " + withinMs + " ms", notYet);
      }
      assertEquals(200, status, "Baton not healthy within " + withinMs + " ms");
    });
  }

  /** The end of a child's log (its last 4000 characters), for a failure message. */
  static String tail(Path log) {
    try {
      String s = Files.readString(log);
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return log.toString();
    }
  }
}
