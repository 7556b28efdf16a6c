package dev.baton.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A deployment schedule (dispatch.md §1.3): an interval, a cron expression or an RFC 5545
 * recurrence rule, each evaluated in its time zone. {@link #dates} is Prefect's
 * {@code get_dates}: the schedule's dates at or after {@code start}, at most {@code n}, none after
 * {@code end} (when given), looking at no more than {@value #MAX_ITERATIONS} candidates past the
 * first; each date carries the schedule's zone (it names the run's idempotency key).
 */
public sealed interface Schedule permits IntervalSchedule, CronSchedule, RRuleSchedule {

  /** Candidate dates looked at past the first, per call (Prefect's {@code MAX_ITERATIONS}). */
  int MAX_ITERATIONS = 1000;

  /** The schedule's dates at or after {@code start}, ascending (a DST change may repeat one); endless or not. */
  Iterator<ZonedDateTime> candidates(Instant start);

  /** The name Prefect gives this kind of schedule ({@code created_by.display_value} of its runs). */
  String kind();

  /** The stored {@code timezone}: null where Prefect keeps none (cron, rrule without one). */
  String timezone();

  /** The zone dates are computed in: the schedule's, else UTC. */
  default ZoneId zone() {
    return ZoneId.of(timezone() == null ? "UTC" : timezone());
  }

  /**
   * @param n most dates returned; null = 1000 with an {@code end}, 1 without
   * @param end latest date returned, or null
   */
  default List<ZonedDateTime> dates(Instant start, Instant end, Integer n) {
    return dates(start, end, n, taken -> true);
  }

  /**
   * {@link #dates(Instant, Instant, Integer)} that also stops once {@code more} answers false for
   * the dates taken so far (asked after each new one): the scheduler's "enough runs and far enough".
   */
  default List<ZonedDateTime> dates(Instant start, Instant end, Integer n, Predicate<List<ZonedDateTime>> more) {
    int max = n != null ? n : end != null ? MAX_ITERATIONS : 1;
    List<ZonedDateTime> out = new ArrayList<>();
    if (max <= 0) {
      return out;
    }
    Set<Instant> seen = new HashSet<>();
    Iterator<ZonedDateTime> it = candidates(start);
    for (int counter = 0; it.hasNext(); counter++) {
      ZonedDateTime d = it.next();
      if (end != null && d.toInstant().isAfter(end)) {
        break;
      }
      if (seen.add(d.toInstant())) {
        out.add(d);
        if (!more.test(out)) {
          break;
        }
      }
      if (out.size() >= max || counter > MAX_ITERATIONS) {
        break;
      }
    }
    return out;
  }
}
