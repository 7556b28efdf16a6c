package dev.baton.persistence;

import dev.baton.config.ConfigException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears the way for the embedded PostgreSQL after the JVM that owned it died without stopping it
 * (SIGKILL, OOM killer): {@code pg_ctl} daemonizes the postmaster, so it outlives the JVM, keeps
 * {@code postmaster.pid} and makes the next start fail ("lock file already exists").
 *
 * <p>Before the embedded server starts, {@link #clear} reads {@code <dataDir>/postmaster.pid}:
 * <ul>
 *   <li>its pid runs a PostgreSQL postmaster of this very data directory (process name
 *       {@code postgres}/{@code postgres.real}, {@code -D} naming the directory) — an orphan of a
 *       dead Baton: it is stopped (SIGINT = fast shutdown, then SIGQUIT, then SIGKILL) and waited
 *       for, together with its backends;</li>
 *   <li>its pid is dead, or now belongs to an unrelated process (pid reuse, e.g. after a container
 *       restart) — the file is stale: it is removed (PostgreSQL itself would refuse to start while
 *       the pid is alive, whatever the process);</li>
 *   <li>its pid runs a PostgreSQL that cannot be attributed with certainty — nothing is touched and
 *       start-up fails with one line.</li>
 * </ul>
 * zonky's own lock file ({@code epg-lock}, an OS file lock released when its JVM dies) is checked
 * first: while another live JVM holds it, that JVM owns the server and nothing is touched.
 *
 * <p>Signals are sent as the JVM's user: the same user, or root, which may signal the unprivileged
 * PostgreSQL it started through {@code unshare -U} or {@code setpriv}.
 */
final class StalePostmaster {
  private static final Logger LOG = LoggerFactory.getLogger(StalePostmaster.class);

  static final String PID_FILE = "postmaster.pid";
  /** zonky's lock file in the data directory. */
  static final String ZONKY_LOCK = "epg-lock";
  private static final Path PROC = Path.of("/proc");
  private static final long STEP_WAIT_MS = 5_000;

  private StalePostmaster() {}

  /** The first lines of {@code postmaster.pid} (PostgreSQL ≥ 10; later lines are not needed). */
  record PidFile(long pid, Path dataDir, Integer port) {

    /** Parses the file's text; null when it does not have the expected shape (e.g. half written). */
    static PidFile parse(String text) {
      if (text == null) {
        return null;
      }
      String[] lines = text.split("\n", -1);
      if (lines.length < 2) {
        return null;
      }
      long pid;
      try {
        // a negative pid is a standalone backend (postgres --single)
        pid = Math.abs(Long.parseLong(lines[0].strip()));
      } catch (NumberFormatException e) {
        return null;
      }
      String dir = lines[1].strip();
      if (pid <= 0 || dir.isEmpty()) {
        return null;
      }
      Integer port = null;
      if (lines.length > 3) {
        try {
          port = Integer.valueOf(lines[3].strip());
        } catch (NumberFormatException ignored) {
          // an old layout or a torn write: the port is informational only
        }
      }
      return new PidFile(pid, Path.of(dir), port);
    }
  }

  /**
   * What {@code /proc} says about a pid: {@code alive} false when there is no such process or it is
   * a zombie; {@code comm} its process name; {@code cmdline} its arguments (empty when unreadable).
   */
  record ProcessInfo(boolean alive, String comm, List<String> cmdline) {
    static final ProcessInfo GONE = new ProcessInfo(false, null, List.of());
  }

  enum Verdict {
    /** No pid file, or one PostgreSQL will handle or rewrite itself. */
    NOTHING,
    /** The pid file's process is gone: the file is stale. */
    DEAD,
    /** The pid is alive but is not a PostgreSQL of this data directory: the file is stale. */
    REUSED,
    /** The pid runs a postmaster of this data directory: an orphan to stop. */
    OURS,
    /** The pid runs some PostgreSQL we cannot attribute: leave it alone, refuse to start. */
    UNSURE
  }

  /**
   * The decision, pure. {@code isOurDir} tells whether a path names the data directory being
   * started (the caller compares file identity); {@code self} is this JVM's pid.
   */
  static Verdict decide(PidFile file, ProcessInfo proc, Predicate<Path> isOurDir, long self) {
    if (file == null) {
      return Verdict.NOTHING;
    }
    if (!proc.alive()) {
      return Verdict.DEAD;
    }
    if (file.pid() == self) {
      return Verdict.REUSED; // e.g. pid 1 in a restarted container: we are not a postmaster
    }
    boolean postgresName = "postgres".equals(proc.comm()) || "postgres.real".equals(proc.comm());
    if (!postgresName) {
      return Verdict.REUSED;
    }
    List<String> argv = proc.cmdline();
    if (argv.isEmpty()) {
      return Verdict.UNSURE;
    }
    String exe = Path.of(argv.get(0)).getFileName() == null ? "" : Path.of(argv.get(0)).getFileName().toString();
    if (!exe.equals("postgres") && !exe.equals("postgres.real")) {
      // a backend or auxiliary process shows a rewritten title ("postgres: checkpointer"); a
      // postmaster keeps its command line
      return argv.get(0).startsWith("postgres:") ? Verdict.UNSURE : Verdict.REUSED;
    }
    Path dataArg = dataDirArgument(argv);
    if (dataArg == null) {
      return Verdict.UNSURE;
    }
    if (!isOurDir.test(dataArg)) {
      return Verdict.REUSED; // another cluster's postmaster now has that pid
    }
    return isOurDir.test(file.dataDir()) ? Verdict.OURS : Verdict.UNSURE;
  }

  /** The value of {@code -D dir} or {@code -Ddir} in a postgres command line, or null. */
  static Path dataDirArgument(List<String> argv) {
    for (int i = 1; i < argv.size(); i++) {
      String a = argv.get(i);
      if (a.equals("-D") && i + 1 < argv.size()) {
        return Path.of(argv.get(i + 1));
      }
      if (a.startsWith("-D") && a.length() > 2) {
        return Path.of(a.substring(2));
      }
    }
    return null;
  }

  /**
   * Makes the data directory startable: stops an orphaned postmaster of it, removes a stale pid
   * file. Blocking (at most ~20 s when a server refuses to die). Fails with a one-line
   * {@link ConfigException} when another JVM holds the directory or a process cannot be stopped.
   */
  static void clear(Path dataDir) {
    Path pidFile = dataDir.resolve(PID_FILE);
    if (!Files.exists(pidFile)) {
      return;
    }
    checkNotHeldByAnotherJvm(dataDir);
    PidFile file = PidFile.parse(read(pidFile));
    if (file == null) {
      return; // unreadable: PostgreSQL checks it itself
    }
    ProcessInfo proc = inspect(file.pid());
    Verdict verdict = decide(file, proc, p -> sameDir(p, dataDir), ProcessHandle.current().pid());
    switch (verdict) {
      case NOTHING -> { }
      case DEAD, REUSED -> {
        deleteIfNamesPid(pidFile, file.pid());
        LOG.info("event=embedded_pg_stale_pid_file_removed pid={} reason={} data_dir=\"{}\"", file.pid(),
            verdict == Verdict.DEAD ? "process_gone" : "pid_reused", dataDir);
      }
      case UNSURE -> throw new ConfigException("embedded PostgreSQL in " + dataDir + ": " + PID_FILE + " names pid "
          + file.pid() + ", a PostgreSQL process Baton cannot attribute to this directory; stop it, or set "
          + "BATON_DATA_DIR to another directory");
      case OURS -> stop(file, dataDir, pidFile);
    }
  }

  /** zonky holds an OS lock on {@code epg-lock} while its JVM runs; a dead JVM's lock is gone. */
  private static void checkNotHeldByAnotherJvm(Path dataDir) {
    Path lockFile = dataDir.resolve(ZONKY_LOCK);
    if (!Files.exists(lockFile)) {
      return;
    }
    boolean held;
    try (FileOutputStream out = new FileOutputStream(lockFile.toFile(), true)) {
      FileLock lock = out.getChannel().tryLock();
      held = lock == null;
      if (lock != null) {
        lock.release();
      }
    } catch (OverlappingFileLockException e) {
      held = true; // this JVM runs an embedded server on the directory already
    } catch (IOException e) {
      return; // cannot tell: leave the decision to the pid file
    }
    if (held) {
      throw new ConfigException("embedded PostgreSQL in " + dataDir + " is in use by another running Baton "
          + "(or other embedded-PostgreSQL) process; stop it first, or set BATON_DATA_DIR to another directory");
    }
  }

  private static void stop(PidFile file, Path dataDir, Path pidFile) {
    long t0 = System.nanoTime();
    long pid = file.pid();
    List<Long> children = childrenOf(pid);
    String used = "none";
    for (String signal : List.of("INT", "QUIT", "KILL")) {
      if (!signal(pid, signal)) {
        if (!inspect(pid).alive()) {
          break; // it went away on its own in the meantime
        }
        throw new ConfigException("embedded PostgreSQL in " + dataDir + ": a server left running by an earlier "
            + "Baton process (pid " + pid + ") cannot be signalled by this user; stop it, or set BATON_DATA_DIR "
            + "to another directory");
      }
      used = signal;
      if (awaitGone(List.of(pid), STEP_WAIT_MS)) {
        break;
      }
    }
    if (inspect(pid).alive()) {
      throw new ConfigException("embedded PostgreSQL in " + dataDir + ": the server left running by an earlier "
          + "Baton process (pid " + pid + ") did not stop; stop it, then start again");
    }
    // after a forced stop backends may linger a moment; they hold the shared memory
    if (!awaitGone(children, STEP_WAIT_MS)) {
      for (long c : children) {
        ProcessInfo ci = inspect(c);
        if (ci.alive() && ("postgres".equals(ci.comm()) || "postgres.real".equals(ci.comm()))) {
          signal(c, "KILL");
        }
      }
      awaitGone(children, STEP_WAIT_MS);
    }
    deleteIfNamesPid(pidFile, pid); // a fast shutdown removed it; SIGQUIT/SIGKILL do not
    LOG.info("event=embedded_pg_stale_server_stopped pid={} port={} signal={} backends={} took_ms={} data_dir=\"{}\"",
        pid, file.port(), used.equals("none") ? used : "SIG" + used, children.size(), (System.nanoTime() - t0) / 1_000_000, dataDir);
  }

  // ---- /proc and signals ---------------------------------------------------------------------

  /** Reads {@code /proc/<pid>}; a zombie counts as gone. */
  static ProcessInfo inspect(long pid) {
    Path dir = PROC.resolve(Long.toString(pid));
    String stat;
    try {
      stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return ProcessInfo.GONE;
    }
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    if (open < 0 || close < open || close + 2 >= stat.length()) {
      return ProcessInfo.GONE;
    }
    char state = stat.charAt(close + 2);
    if (state == 'Z' || state == 'X' || state == 'x') {
      return ProcessInfo.GONE;
    }
    String comm = stat.substring(open + 1, close);
    List<String> argv = new ArrayList<>();
    try {
      byte[] raw = Files.readAllBytes(dir.resolve("cmdline"));
      int from = 0;
      for (int i = 0; i < raw.length; i++) {
        if (raw[i] == 0) {
          argv.add(new String(raw, from, i - from, StandardCharsets.UTF_8));
          from = i + 1;
        }
      }
      if (from < raw.length) {
        argv.add(new String(raw, from, raw.length - from, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // unreadable: decided without it
    }
    return new ProcessInfo(true, comm, argv);
  }

  /** Processes whose parent is {@code pid} (the postmaster's backends). */
  static List<Long> childrenOf(long pid) {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(PROC)) {
      s.forEach(p -> {
        String name = p.getFileName().toString();
        if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
          return;
        }
        try {
          String stat = Files.readString(p.resolve("stat"), StandardCharsets.UTF_8);
          String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          if (rest.length > 1 && Long.parseLong(rest[1]) == pid) {
            out.add(Long.parseLong(name));
          }
        } catch (IOException | RuntimeException ignored) {
          // gone meanwhile, or not readable
        }
      });
    } catch (IOException e) {
      // no /proc: nothing to wait for
    }
    return out;
  }

  /** Sends a signal with the shell's {@code kill} builtin (no procps needed); false if refused. */
  private static boolean signal(long pid, String name) {
    return Processes.run("sh", "-c", "kill -s " + name + " \"$1\"", "sh", Long.toString(pid)) == 0;
  }

  private static boolean awaitGone(List<Long> pids, long ms) {
    long end = System.nanoTime() + ms * 1_000_000;
    while (true) {
      if (pids.stream().noneMatch(p -> inspect(p).alive())) {
        return true;
      }
      if (System.nanoTime() > end) {
        return false;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null; // gone meanwhile, or unreadable
    }
  }

  /** Deletes the pid file if it still names {@code pid} (a new server may have written its own). */
  private static void deleteIfNamesPid(Path pidFile, long pid) {
    PidFile now = PidFile.parse(read(pidFile));
    if (now != null && now.pid() == pid) {
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException e) {
        LOG.warn("event=embedded_pg_pid_file_not_removed file=\"{}\" error=\"{}\"", pidFile, e.toString());
      }
    }
  }

  private static boolean sameDir(Path p, Path dataDir) {
    try {
      return Files.isSameFile(p, dataDir);
    } catch (IOException e) {
      return p.toAbsolutePath().normalize().equals(dataDir.toAbsolutePath().normalize());
    }
  }
}
