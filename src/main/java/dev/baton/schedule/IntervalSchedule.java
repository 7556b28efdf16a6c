package dev.baton.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Iterator;
import java.util.Objects;

/**
 * {@code anchor_date + k · interval}, every {@code k} (before the anchor too), in {@code timezone}.
 * An interval shorter than a day steps in exact elapsed time, so an hourly schedule fires every UTC
 * hour across a DST change; the whole days of a longer interval are calendar days, so a daily
 * schedule keeps its wall-clock time across DST (the rest of it, if any, is exact time). Date
 * {@code k} is computed from the anchor, not from date {@code k-1}, so a date pushed forward by a
 * DST gap does not move the ones after it.
 *
 * @param micros the interval, positive, in microseconds (Python's {@code timedelta} resolution)
 * @param anchorDate the anchor with the offset it was given in (rendered as given)
 * @param timezone an IANA zone name, never null (Prefect infers "UTC" when none is given)
 */
public record IntervalSchedule(long micros, OffsetDateTime anchorDate, String timezone) implements Schedule {
  static final long DAY_MICROS = 86_400_000_000L;

  public IntervalSchedule {
    if (micros <= 0) {
      throw new IllegalArgumentException("interval must be positive");
    }
    Objects.requireNonNull(anchorDate, "anchorDate");
    Objects.requireNonNull(timezone, "timezone");
  }

  @Override
  public String kind() {
    return "IntervalSchedule";
  }

  /** The interval in (float) seconds, as Prefect serializes a {@code timedelta}. */
  public double seconds() {
    return micros / 1_000_000.0;
  }

  @Override
  public Iterator<ZonedDateTime> candidates(Instant start) {
    ZonedDateTime anchor = anchorDate.atZoneSameInstant(zone());
    long days = micros / DAY_MICROS;
    long rest = micros % DAY_MICROS;
    // the first k whose date is at or after start: estimated from the elapsed time, then corrected
    Duration elapsed = Duration.between(anchor.toInstant(), start);
    long first = Math.floorDiv(Math.addExact(Math.multiplyExact(elapsed.getSeconds(), 1_000_000L),
        elapsed.getNano() / 1000), micros);
    while (point(anchor, first, days, rest).toInstant().isAfter(start)) {
      first--;
    }
    while (point(anchor, first, days, rest).toInstant().isBefore(start)) {
      first++;
    }
    long k0 = first;
    return new Iterator<>() {
      long k = k0;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public ZonedDateTime next() {
        return point(anchor, k++, days, rest);
      }
    };
  }

  /** Date {@code k}: {@code k·days} calendar days from the anchor, then {@code k·rest} exact time. */
  static ZonedDateTime point(ZonedDateTime anchor, long k, long days, long rest) {
    ZonedDateTime d = days == 0 ? anchor : anchor.plusDays(k * days);
    return rest == 0 ? d : d.plus(Duration.of(Math.multiplyExact(k, rest), java.time.temporal.ChronoUnit.MICROS));
  }
}
