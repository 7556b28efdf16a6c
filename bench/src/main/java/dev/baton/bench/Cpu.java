package dev.baton.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time of processes from {@code /proc/<pid>/stat} (utime + stime, in clock ticks). For
 * PostgreSQL's postmaster the times of its reaped children (cutime + cstime) and of its live
 * children are added, so backends that exit during the window are not lost.
 */
final class Cpu {
  private static final long TICKS_PER_SECOND = ticksPerSecond();

  private Cpu() {}

  /** The fields after the command name: index 0 is field 3 (state) of proc(5). */
  static String[] statFields(long pid) {
    String pidPart = pid < 0 ? "self" : Long.toString(pid);
    try {
      String s = Files.readString(Path.of("/proc", pidPart, "stat"));
      int close = s.lastIndexOf(')');
      return s.substring(close + 2).trim().split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static String comm(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** utime+stime (and cutime+cstime when {@code withChildren}) in ms, or -1 when unreadable. */
  static long processMs(long pid, boolean withChildren) {
    String[] f = statFields(pid);
    if (f == null) {
      return -1;
    }
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    if (withChildren) {
      ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
    return ticks * 1000 / TICKS_PER_SECOND;
  }

  static long selfMs() {
    return processMs(-1, false);
  }

  static List<Long> allPids() {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"))) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
          out.add(Long.parseLong(n));
        }
      }
    } catch (IOException e) {
      // no /proc: nothing to measure
    }
    return out;
  }

  /** Postmaster (with reaped children) plus its live children. */
  static long postmasterTreeMs(long postmaster) {
    long total = processMs(postmaster, true);
    if (total < 0) {
      return -1;
    }
    for (long pid : allPids()) {
      String[] f = statFields(pid);
      if (f != null && Long.parseLong(f[1]) == postmaster) {
        total += Long.parseLong(f[11]) * 1000 / TICKS_PER_SECOND + Long.parseLong(f[12]) * 1000 / TICKS_PER_SECOND;
      }
    }
    return total;
  }

  /** Every process whose command name is {@code postgres} (any server on the machine). */
  static long allPostgresMs() {
    long total = 0;
    boolean any = false;
    for (long pid : allPids()) {
      if ("postgres".equals(comm(pid))) {
        long ms = processMs(pid, false);
        if (ms >= 0) {
          total += ms;
          any = true;
        }
      }
    }
    return any ? total : -1;
  }

  static long sumMs(List<Long> pids) {
    long total = 0;
    for (long pid : pids) {
      long ms = processMs(pid, false);
      if (ms < 0) {
        return -1;
      }
      total += ms;
    }
    return total;
  }

  private static long ticksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Long.parseLong(out);
    } catch (Exception e) {
      return 100;
    }
  }

  /** A snapshot of the CPU time of Baton, PostgreSQL and this generator. */
  record Sample(long batonMs, long pgMs, long selfMs, long wallNanos) {
    static Sample take(Options o) {
      long baton = o.batonPid > 0 ? processMs(o.batonPid, false) : -1;
      long pg;
      if (o.pgPid > 0) {
        pg = postmasterTreeMs(o.pgPid);
      } else if (!o.pgPids.isEmpty()) {
        pg = sumMs(o.pgPids);
      } else {
        pg = allPostgresMs();
      }
      return new Sample(baton, pg, Cpu.selfMs(), System.nanoTime());
    }
  }

  static String pgSource(Options o) {
    if (o.pgPid > 0) {
      return "postmaster " + o.pgPid + " and its children";
    }
    if (!o.pgPids.isEmpty()) {
      return "pids " + o.pgPids;
    }
    return "every process named postgres";
  }
}
