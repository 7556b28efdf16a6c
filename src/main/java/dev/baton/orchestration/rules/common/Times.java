package dev.baton.orchestration.rules.common;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Small time helpers shared by rules (microsecond precision, like stored timestamps). */
public final class Times {
  private Times() {}

  /** {@code t + seconds}, rounded to the microsecond. */
  public static Instant plusSeconds(Instant t, double seconds) {
    long micros = Math.round(seconds * 1_000_000d);
    return t.plus(micros, ChronoUnit.MICROS);
  }

  /** Whole microseconds from {@code a} to {@code b} (negative when b is before a). */
  public static long microsBetween(Instant a, Instant b) {
    Duration d = Duration.between(a, b);
    return d.getSeconds() * 1_000_000L + d.getNano() / 1_000;
  }
}
