package dev.baton.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.config.ConfigException;
import dev.baton.persistence.StalePostmaster.PidFile;
import dev.baton.persistence.StalePostmaster.ProcessInfo;
import dev.baton.persistence.StalePostmaster.Verdict;
import dev.baton.testsupport.Poll;
import java.io.FileOutputStream;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pid-file parsing and the "is that process our orphaned postmaster?" decision (pure), and
 * {@link StalePostmaster#clear} against real processes that only look like PostgreSQL: an unrelated
 * process holding the pid is never signalled, a postmaster of this directory is stopped.
 */
class StalePostmasterTest {

  private static final Path DIR = Path.of("/var/lib/baton/data");
  private static final String FILE = "6973\n/var/lib/baton/data\n1796284582\n41539\n\nlocalhost\n  2154994        25\nready   \n";

  private static Verdict decide(String comm, List<String> argv) {
    return StalePostmaster.decide(PidFile.parse(FILE), new ProcessInfo(true, comm, argv), DIR::equals, 1);
  }

  @Test
  void parsesThePidFileWrittenByPostgreSQL() {
    PidFile f = PidFile.parse(FILE);
    assertEquals(6973, f.pid());
    assertEquals(DIR, f.dataDir());
    assertEquals(41539, f.port());
    assertEquals(123, PidFile.parse("-123\n/d\n").pid(), "a standalone backend writes its pid negated");
    assertNull(PidFile.parse("-123\n/d\n").port());
  }

  @Test
  void rejectsFilesWithoutAPidAndADirectory() {
    assertNull(PidFile.parse(null));
    assertNull(PidFile.parse(""));
    assertNull(PidFile.parse("6973"));
    assertNull(PidFile.parse("abc\n/d\n"));
    assertNull(PidFile.parse("0\n/d\n"));
    assertNull(PidFile.parse("12\n\n"));
  }

  @Test
  void aPostmasterOfThisDirectoryIsOurs() {
    assertEquals(Verdict.OURS, decide("postgres",
        List.of("/tmp/embedded-pg/PG-1/bin/postgres", "-D", DIR.toString(), "-p", "41539", "-F")));
    // root via setpriv: the wrapper execs postgres.real
    assertEquals(Verdict.OURS, decide("postgres.real",
        List.of("/tmp/embedded-pg/PG-1/bin/postgres.real", "-D" + DIR, "-p", "41539")));
  }

  @Test
  void anythingElseHoldingThePidIsNeverOurs() {
    assertEquals(Verdict.REUSED, decide("java", List.of("/usr/bin/java", "-D", DIR.toString())));
    // zonky's closer thread is named postgres-<uuid>-closer; as a task its comm is truncated
    assertEquals(Verdict.REUSED, decide("postgres-d48c0b", List.of("/usr/bin/java", "-jar", "baton.jar")));
    assertEquals(Verdict.REUSED, decide("postgres", List.of("/usr/bin/java", "-jar", "baton.jar")));
    // another cluster's postmaster
    assertEquals(Verdict.REUSED, decide("postgres", List.of("/usr/lib/postgresql/17/bin/postgres", "-D", "/srv/other")));
    assertEquals(Verdict.REUSED, StalePostmaster.decide(PidFile.parse(FILE),
        new ProcessInfo(true, "postgres", List.of("/bin/postgres", "-D", DIR.toString())), DIR::equals, 6973),
        "our own pid (pid 1 in a restarted container) is not a postmaster");
  }

  @Test
  void aPostgresWeCannotAttributeIsLeftAlone() {
    assertEquals(Verdict.UNSURE, decide("postgres", List.of()));
    assertEquals(Verdict.UNSURE, decide("postgres", List.of("postgres: checkpointer ")));
    assertEquals(Verdict.UNSURE, decide("postgres", List.of("/usr/bin/postgres", "-p", "5432")));
    // the process says our directory but the file says another one: something odd, do not touch
    assertEquals(Verdict.UNSURE, StalePostmaster.decide(PidFile.parse("6973\n/elsewhere\n"),
        new ProcessInfo(true, "postgres", List.of("/bin/postgres", "-D", DIR.toString())), DIR::equals, 1));
  }

  @Test
  void aDeadPidOrNoFileIsNotAServer() {
    assertEquals(Verdict.DEAD, StalePostmaster.decide(PidFile.parse(FILE), ProcessInfo.GONE, DIR::equals, 1));
    assertEquals(Verdict.NOTHING, StalePostmaster.decide(null, ProcessInfo.GONE, DIR::equals, 1));
  }

  @Test
  void procShowsThisJvmAndNotAnExitedProcess() throws Exception {
    ProcessInfo self = StalePostmaster.inspect(ProcessHandle.current().pid());
    assertTrue(self.alive());
    assertFalse(self.cmdline().isEmpty());
    Process p = new ProcessBuilder("true").start();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    assertFalse(StalePostmaster.inspect(p.pid()).alive());
  }

  @Test
  void anUnrelatedProcessWithThePidKeepsRunningAndTheStaleFileGoes(@TempDir Path tmp) throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Process unrelated = new ProcessBuilder("sleep", "60").start();
    try {
      Files.writeString(data.resolve("postmaster.pid"), unrelated.pid() + "\n" + data + "\n1\n5432\n");
      StalePostmaster.clear(data);
      assertFalse(Files.exists(data.resolve("postmaster.pid")), "the stale file is removed");
      assertTrue(unrelated.isAlive(), "the process that reuses the pid is not signalled");
    } finally {
      unrelated.destroyForcibly();
    }
    // a dead pid: the file is removed too
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor(10, TimeUnit.SECONDS);
    Files.writeString(data.resolve("postmaster.pid"), gone.pid() + "\n" + data + "\n1\n5432\n");
    StalePostmaster.clear(data);
    assertFalse(Files.exists(data.resolve("postmaster.pid")));
  }

  /**
   * After a container restart the old postmaster's pid may be a thread of the new JVM (thread ids
   * share the pid space, and PostgreSQL's own kill(pid, 0) check then refuses to start): such a
   * pid file is stale. Signalling that "pid" would signal this very JVM.
   */
  @Test
  void aPidThatIsAThreadOfThisJvmIsStale(@TempDir Path tmp) throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    long self = ProcessHandle.current().pid();
    long tid;
    try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      tid = tasks.map(p -> Long.parseLong(p.getFileName().toString())).filter(t -> t != self).findFirst().orElseThrow();
    }
    assertTrue(StalePostmaster.inspect(tid).alive(), "a thread id is visible in /proc like a pid");
    Files.writeString(data.resolve("postmaster.pid"), tid + "\n" + data + "\n1\n5432\n");
    StalePostmaster.clear(data);
    assertFalse(Files.exists(data.resolve("postmaster.pid")));
  }

  @Test
  void anOrphanedPostmasterOfThisDirectoryIsStopped(@TempDir Path tmp) throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    // a stand-in named postgres (a copy of sh) whose command line names the data directory
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path fake = bin.resolve("postgres");
    Files.copy(Path.of("/bin/sh").toRealPath(), fake, StandardCopyOption.COPY_ATTRIBUTES);
    Process pm = new ProcessBuilder(fake.toString(), "-c", "trap 'kill $! 2>/dev/null; exit 0' INT; sleep 60 & wait",
        "-D", data.toString()).start();
    try {
      // until the trap is set and the child runs
      Poll.until(10_000, 20, () -> !StalePostmaster.childrenOf(pm.pid()).isEmpty());
      assertEquals("postgres", StalePostmaster.inspect(pm.pid()).comm());
      Files.writeString(data.resolve("postmaster.pid"), pm.pid() + "\n" + data + "\n1\n5432\n");
      StalePostmaster.clear(data);
      assertTrue(pm.waitFor(5, TimeUnit.SECONDS), "the orphan was stopped");
      assertFalse(Files.exists(data.resolve("postmaster.pid")));
    } finally {
      pm.destroyForcibly();
    }
  }

  @Test
  void aPostmasterIgnoringFastShutdownGetsSigquit(@TempDir Path tmp) throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path fake = Files.createDirectories(tmp.resolve("bin")).resolve("postgres");
    Files.copy(Path.of("/bin/sh").toRealPath(), fake, StandardCopyOption.COPY_ATTRIBUTES);
    Process pm = new ProcessBuilder(fake.toString(), "-c", "trap '' INT; while :; do sleep 1; done",
        "-D", data.toString()).start();
    try {
      Poll.until(10_000, 20, () -> !StalePostmaster.childrenOf(pm.pid()).isEmpty());
      Files.writeString(data.resolve("postmaster.pid"), pm.pid() + "\n" + data + "\n1\n5432\n");
      StalePostmaster.clear(data);
      assertTrue(pm.waitFor(5, TimeUnit.SECONDS));
      assertEquals(128 + 3, pm.exitValue(), "ended by SIGQUIT, the second step");
      assertFalse(Files.exists(data.resolve("postmaster.pid")), "removed: SIGQUIT leaves the file behind");
    } finally {
      pm.destroyForcibly();
    }
  }

  @Test
  void aDirectoryLockedByAnotherLiveServerIsNotTouched(@TempDir Path tmp) throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Process other = new ProcessBuilder("sleep", "60").start();
    try (FileOutputStream lockStream = new FileOutputStream(data.resolve("epg-lock").toFile());
        FileLock lock = lockStream.getChannel().lock()) {
      Files.writeString(data.resolve("postmaster.pid"), other.pid() + "\n" + data + "\n1\n5432\n");
      ConfigException e = assertThrows(ConfigException.class, () -> StalePostmaster.clear(data));
      assertTrue(e.getMessage().contains("in use by another running Baton"), e.getMessage());
      assertTrue(Files.exists(data.resolve("postmaster.pid")));
      assertTrue(other.isAlive());
    } finally {
      other.destroyForcibly();
    }
  }
}
