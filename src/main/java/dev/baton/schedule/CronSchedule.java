package dev.baton.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A five-field cron expression with croniter's semantics (cron-utils does the matching): minute,
 * hour, day of month ({@code L} = last), month (names allowed), day of week (0–7, 0 and 7 =
 * Sunday, names, {@code #n}, {@code L}), the {@code @yearly}/{@code @annually}/{@code @monthly}/
 * {@code @weekly}/{@code @daily}/{@code @midnight}/{@code @hourly} nicknames. With {@code day_or}
 * (the default) a restricted day of month and a restricted day of week match either (cron's OR);
 * without it both must match (fcron's AND).
 *
 * <p>Dates are wall-clock times in {@code timezone} (UTC when null), as croniter's are: the
 * expression is matched against local time, a local time that occurs twice (DST ends) fires once,
 * at its first occurrence, and one that does not exist (DST starts) fires at the instant the gap
 * ends — where it coincides with the next match it is the same date, reported once. The first date
 * is the first match at or after {@code start} rounded up to the next whole second.
 */
public record CronSchedule(String cron, String timezone, boolean dayOr) implements Schedule {

  private static final CronParser OR_PARSER = new CronParser(definition(true));
  private static final CronParser AND_PARSER = new CronParser(definition(false));
  /** Parsed expressions by (day_or, text); a deployment's schedule is parsed once per JVM. */
  private static final Map<String, ExecutionTime> PARSED = new ConcurrentHashMap<>();
  private static final int PARSED_MAX = 10_000;
  private static final Map<String, String> NICKNAMES = Map.of(
      "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
      "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");

  private static CronDefinition definition(boolean dayOr) {
    var b = CronDefinitionBuilder.defineCron()
        .withMinutes().withValidRange(0, 59).withStrictRange().and()
        .withHours().withValidRange(0, 23).withStrictRange().and()
        .withDayOfMonth().withValidRange(1, 31).supportsL().withStrictRange().and()
        .withMonth().withValidRange(1, 12).withStrictRange().and()
        .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0)
            .supportsHash().supportsL().withStrictRange().and();
    if (!dayOr) {
      b = b.matchDayOfWeekAndDayOfMonth();
    }
    return b.instance();
  }

  @Override
  public String kind() {
    return "CronSchedule";
  }

  /** Why {@code cron} is not a valid expression (Prefect's message), or null. */
  public static String invalid(String cron) {
    try {
      parse(cron, true);
      return null;
    } catch (IllegalArgumentException e) {
      return "Invalid cron string: \"" + cron + "\"";
    }
  }

  private static ExecutionTime parse(String cron, boolean dayOr) {
    String key = (dayOr ? "or:" : "and:") + cron;
    ExecutionTime t = PARSED.get(key);
    if (t != null) {
      return t;
    }
    String text = cron.trim();
    String nick = NICKNAMES.get(text.toLowerCase(Locale.ROOT));
    if (nick != null) {
      text = nick;
    }
    if (text.isEmpty() || text.split("\\s+").length != 5) {
      throw new IllegalArgumentException("a cron expression has five fields");
    }
    Cron parsed = (dayOr ? OR_PARSER : AND_PARSER).parse(text.toUpperCase(Locale.ROOT));
    parsed.validate();
    t = ExecutionTime.forCron(parsed);
    if (PARSED.size() < PARSED_MAX) {
      PARSED.put(key, t);
    }
    return t;
  }

  @Override
  public Iterator<ZonedDateTime> candidates(Instant start) {
    ZoneId zone = zone();
    ExecutionTime exec = parse(cron, dayOr);
    Instant first = start.getNano() == 0 ? start : start.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    // local wall-clock time, matched as if it were UTC (no DST inside the matcher)
    ZonedDateTime from = first.atZone(zone).toLocalDateTime().minusSeconds(1).atZone(ZoneOffset.UTC);
    return new Iterator<>() {
      ZonedDateTime cursor = from;
      ZonedDateTime next = advance();

      private ZonedDateTime advance() {
        for (int skipped = 0; skipped <= MAX_ITERATIONS; skipped++) {
          Optional<ZonedDateTime> n = exec.nextExecution(cursor);
          if (n.isEmpty()) {
            return null;
          }
          cursor = n.get();
          ZonedDateTime d = localized(cursor.toLocalDateTime(), zone, first);
          if (d != null) {
            return d;
          }
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public ZonedDateTime next() {
        ZonedDateTime d = next;
        next = advance();
        return d;
      }
    };
  }

  /**
   * The instant of local time {@code t} in {@code zone} not before {@code notBefore}: the earlier
   * of two occurrences unless it is before {@code notBefore}; a time in a gap moves to the gap's
   * end. Null when neither occurrence is at or after {@code notBefore}.
   */
  static ZonedDateTime localized(LocalDateTime t, ZoneId zone, Instant notBefore) {
    ZonedDateTime earlier = ZonedDateTime.ofLocal(t, zone, null);
    if (!earlier.toInstant().isBefore(notBefore)) {
      return earlier;
    }
    ZonedDateTime later = earlier.withLaterOffsetAtOverlap();
    return later.toInstant().isBefore(notBefore) ? null : later;
  }
}
