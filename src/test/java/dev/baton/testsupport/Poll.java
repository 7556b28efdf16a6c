package dev.baton.testsupport;

import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Waiting in a test for something that happens in the background (a service's next round, a
 * commit the statistics see late, a lock wait starting): check, sleep, check again, up to a limit.
 */
public final class Poll {
  /** The pause of {@link #eventually(long, Check)} between two checks. */
  public static final long DEFAULT_EVERY_MS = 100;

  private Poll() {}

  /** Assertions to run again until they pass. */
  @FunctionalInterface
  public interface Check {
    void run() throws Exception;
  }

  /** Runs {@code check} every 100 ms until it passes; past {@code withinMs} its last failure is thrown. */
  public static void eventually(long withinMs, Check check) throws Exception {
    eventually(withinMs, DEFAULT_EVERY_MS, check);
  }

  /**
   * Runs {@code check} every {@code everyMs} until it throws no {@link AssertionError}; past
   * {@code withinMs} its last failure is thrown. Any other exception ends the wait at once.
   */
  public static void eventually(long withinMs, long everyMs, Check check) throws Exception {
    long end = System.currentTimeMillis() + withinMs;
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError e) {
        if (System.currentTimeMillis() > end) {
          throw e;
        }
        Thread.sleep(everyMs);
      }
    }
  }

  /**
   * Checks {@code condition} every {@code everyMs} until it holds, for up to {@code withinMs};
   * whether it held at the last check (the caller asserts what it needs).
   */
  public static boolean until(long withinMs, long everyMs, Callable<Boolean> condition) throws Exception {
    return until(withinMs, everyMs, condition, Boolean::booleanValue);
  }

  /**
   * Reads {@code value} every {@code everyMs} until {@code done} accepts it, for up to
   * {@code withinMs}; the last value read (the caller asserts on it).
   */
  public static <T> T until(long withinMs, long everyMs, Callable<T> value, Predicate<? super T> done) throws Exception {
    long end = System.currentTimeMillis() + withinMs;
    while (true) {
      T v = value.call();
      if (done.test(v) || System.currentTimeMillis() >= end) {
        return v;
      }
      Thread.sleep(everyMs);
    }
  }
}
