package dev.baton.it;

import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.Poll;
import dev.baton.testsupport.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The default deployment — Baton with its embedded PostgreSQL — survives {@code kill -9}: the
 * postmaster the dead JVM leaves behind is stopped by the next start, which is healthy well within
 * 30 s with every committed transition; a clean stop leaves no PostgreSQL of the directory behind.
 * Baton runs as a child JVM (target/classes and the test class path), as {@code java -jar} would.
 */
class CrashRestartIT {

  @Test
  void killMinusNineThenRestartOnTheSameDataDirectory() throws Exception {
    Path dir = Files.createTempDirectory("baton-crash-");
    // as root PostgreSQL may run as nobody, which must traverse the directory
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    Path data = dir.resolve("data");
    int port = Ports.free();
    List<Process> children = new ArrayList<>();
    try {
      Process first = start(dir, data, port, "first", children);
      ApiClient api = new ApiClient(port);
      ChildBaton.awaitHealthy(api, first, 120_000, dir.resolve("first.log")); // the first start also runs initdb
      UUID run = api.createFlowRun(state("PENDING"));
      api.setFlowState(run, state("RUNNING")).expect(201);
      long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
      assertTrue(isPostgresOf(postmaster, data), "the embedded server runs as pid " + postmaster);

      first.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertTrue(first.waitFor(30, TimeUnit.SECONDS));
      assertTrue(isPostgresOf(postmaster, data), "the postmaster outlives the killed JVM (the case under test)");

      long t0 = System.nanoTime();
      Process second = start(dir, data, port, "second", children);
      ChildBaton.awaitHealthy(api, second, 30_000, dir.resolve("second.log"));
      long healthyMs = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("CrashRestartIT: healthy " + healthyMs + " ms after restarting on a kill -9'd data directory");
      assertEquals("RUNNING", api.flowRun(run).get("state_type").asText(), "the committed transition is kept");
      api.setFlowState(run, state("COMPLETED")).expect(201);
      assertTrue(postgresOf(data).stream().noneMatch(p -> p == postmaster), "the orphan was stopped");
      String log = Files.readString(dir.resolve("second.log"), StandardCharsets.UTF_8);
      assertTrue(log.contains("event=embedded_pg_stale_server_stopped pid=" + postmaster), log);

      second.destroy(); // SIGTERM: the shutdown hook stops PostgreSQL
      assertTrue(second.waitFor(60, TimeUnit.SECONDS), "Baton exits on SIGTERM");
      assertTrue(Files.readString(dir.resolve("second.log"), StandardCharsets.UTF_8)
          .contains("event=readiness_changed ready=false reason=draining"), "SIGTERM first makes the instance unready");
      Poll.until(10_000, 100, () -> postgresOf(data).isEmpty());
      assertEquals(List.of(), postgresOf(data), "no PostgreSQL of the data directory is left after a clean stop");
    } finally {
      for (Process p : children) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
      for (long pid : postgresOf(data)) { // a failed run must not leak servers
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
      dev.baton.testsupport.TestDatabase.deleteTree(dir);
    }
  }

  private static Process start(Path dir, Path data, int port, String name, List<Process> children) throws IOException {
    ProcessBuilder pb = ChildBaton.builder();
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("BATON_"));
    env.put("BATON_DATA_DIR", data.toString());
    env.put("BATON_EVENT_LOOPS", "1");
    env.put("BATON_DB_POOL_SIZE", "4");
    Process p = ChildBaton.start(pb, port, dir.resolve(name + ".log"));
    children.add(p);
    return p;
  }

  /** Live processes named postgres whose command line names {@code data} (postmasters and backends). */
  static List<Long> postgresOf(Path data) {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(Path.of("/proc"))) {
      s.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
          .map(Long::parseLong).filter(pid -> isPostgresOf(pid, data)).forEach(out::add);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  static boolean isPostgresOf(long pid, Path data) {
    try {
      Path proc = Path.of("/proc", Long.toString(pid));
      String stat = Files.readString(proc.resolve("stat"));
      String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
      return comm.startsWith("postgres") && state != 'Z' && cmdline.contains(" " + data + " ");
    } catch (IOException | RuntimeException gone) {
      return false;
    }
  }
}
