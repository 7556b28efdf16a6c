package dev.baton.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dmfs.rfc5545.DateTime;
import org.dmfs.rfc5545.InstanceIterator;
import org.dmfs.rfc5545.RecurrenceSet;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recurrenceset.Difference;
import org.dmfs.rfc5545.recurrenceset.Merged;
import org.dmfs.rfc5545.recurrenceset.OfList;
import org.dmfs.rfc5545.recurrenceset.OfRule;

/**
 * An RFC 5545 recurrence as Prefect takes it (dateutil's {@code rrulestr}): one or more lines of
 * {@code DTSTART}, {@code RRULE}, {@code EXRULE}, {@code RDATE}, {@code EXDATE}, or a bare rule
 * ({@code FREQ=…}). The rules are evaluated by lib-recur. Every date-time in the text is a
 * wall-clock time in {@code timezone} (UTC when null) — Prefect relabels DTSTART, UNTIL, RDATE and
 * EXDATE with the schedule's zone, whatever zone they name — so a daily 09:00 stays 09:00 local
 * across DST; a local time in a DST gap moves to the gap's end, one that occurs twice is its first
 * occurrence. Without DTSTART the rule starts 2020-01-01T00:00.
 */
public record RRuleSchedule(String rrule, String timezone) implements Schedule {

  /** Prefect's limit on the rrule text. */
  public static final int MAX_LENGTH = 6500;
  static final LocalDateTime DEFAULT_DTSTART = LocalDateTime.of(2020, 1, 1, 0, 0);
  private static final Pattern DATE_TIME = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})(?:T(\\d{2})(\\d{2})(\\d{2})Z?)?");
  private static final Pattern UNTIL_UTC = Pattern.compile("(UNTIL=\\d{8}(?:T\\d{6})?)Z");
  private static final DateTimeFormatter FLOATING = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT);

  @Override
  public String kind() {
    return "RRuleSchedule";
  }

  /** The parsed text: its start, rules and dates, all floating (wall-clock). */
  record Parsed(LocalDateTime dtstart, boolean hasDtstart, List<RecurrenceRule> rules, List<RecurrenceRule> exrules,
      List<LocalDateTime> rdates, List<LocalDateTime> exdates) {
    int components() {
      return rules.size() + exrules.size() + rdates.size() + exdates.size();
    }
  }

  /** Parses the text; IllegalArgumentException with a reason when it is not a recurrence. */
  static Parsed parse(String text) {
    LocalDateTime dtstart = null;
    List<RecurrenceRule> rules = new ArrayList<>();
    List<RecurrenceRule> exrules = new ArrayList<>();
    List<LocalDateTime> rdates = new ArrayList<>();
    List<LocalDateTime> exdates = new ArrayList<>();
    List<String> lines = unfold(text);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("empty string");
    }
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        rules.add(rule(line)); // a line without a name is a rule, among others too (as dateutil reads it)
        continue;
      }
      String head = line.substring(0, colon).toUpperCase(Locale.ROOT);
      String value = line.substring(colon + 1);
      String name = head.contains(";") ? head.substring(0, head.indexOf(';')) : head;
      switch (name) {
        case "DTSTART" -> dtstart = dateTime(value);
        case "RRULE" -> rules.add(rule(value));
        case "EXRULE" -> exrules.add(rule(value));
        case "RDATE" -> rdates.addAll(dateTimes(value));
        case "EXDATE" -> exdates.addAll(dateTimes(value));
        default -> throw new IllegalArgumentException("unsupported property: " + name);
      }
    }
    if (rules.isEmpty() && rdates.isEmpty()) {
      throw new IllegalArgumentException("no RRULE or RDATE");
    }
    return new Parsed(dtstart == null ? DEFAULT_DTSTART : dtstart, dtstart != null, rules, exrules, rdates, exdates);
  }

  private static List<String> unfold(String text) {
    List<String> out = new ArrayList<>();
    for (String raw : text.split("\r?\n")) {
      if (!out.isEmpty() && (raw.startsWith(" ") || raw.startsWith("\t"))) {
        out.set(out.size() - 1, out.get(out.size() - 1) + raw.substring(1));
      } else if (!raw.isBlank()) {
        out.add(raw.strip());
      }
    }
    return out;
  }

  private static RecurrenceRule rule(String value) {
    String v = UNTIL_UTC.matcher(value.strip().toUpperCase(Locale.ROOT)).replaceAll("$1");
    if (!v.contains("FREQ=")) {
      throw new IllegalArgumentException("FREQ is required");
    }
    try {
      return new RecurrenceRule(v, RecurrenceRule.RfcMode.RFC5545_STRICT);
    } catch (InvalidRecurrenceRuleException | RuntimeException e) {
      throw new IllegalArgumentException(String.valueOf(e.getMessage()), e);
    }
  }

  private static List<LocalDateTime> dateTimes(String value) {
    List<LocalDateTime> out = new ArrayList<>();
    for (String v : value.split(",")) {
      out.add(dateTime(v));
    }
    return out;
  }

  private static LocalDateTime dateTime(String value) {
    Matcher m = DATE_TIME.matcher(value.strip().toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("unknown date-time format: " + value.strip());
    }
    try {
      return LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
          m.group(4) == null ? 0 : Integer.parseInt(m.group(4)), m.group(5) == null ? 0 : Integer.parseInt(m.group(5)),
          m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Why {@code text} is not a recurrence Prefect would take (its message), or null. */
  public static String invalid(String text) {
    try {
      parse(text);
    } catch (IllegalArgumentException e) {
      return "Invalid RRule string \"" + text + "\": " + e.getMessage();
    }
    if (text.length() > MAX_LENGTH) {
      return "Invalid RRule string \"" + text.substring(0, 40) + "...\"\nMax length is " + MAX_LENGTH + ", got "
          + text.length();
    }
    return null;
  }

  /**
   * The text with an explicit {@code DTSTART}, as Prefect stores a schedule it is given (its
   * #21362): unchanged when it has one (or is not a recurrence); a rule of every second or minute
   * without COUNT starts at the last date of its phase from 2020-01-01 not after {@code now}
   * (local time in {@code timezone}), so the same dates come out; anything else starts at
   * 2020-01-01T00:00.
   */
  public static String normalize(String text, String timezone, Instant now) {
    if (text.toUpperCase(Locale.ROOT).contains("DTSTART")) {
      return text;
    }
    Parsed p;
    try {
      p = parse(text);
    } catch (IllegalArgumentException e) {
      return text;
    }
    LocalDateTime start = DEFAULT_DTSTART;
    if (p.components() == 1 && p.rules().size() == 1) {
      RecurrenceRule r = p.rules().get(0);
      long unit = switch (r.getFreq()) {
        case SECONDLY -> 1;
        case MINUTELY -> 60;
        default -> 0;
      };
      if (unit > 0 && r.getCount() == null) {
        long period = unit * Math.max(1, r.getInterval());
        ZoneId zone = timezone == null || !Timezones.known(timezone) ? ZoneId.of("UTC") : ZoneId.of(timezone);
        LocalDateTime local = LocalDateTime.ofInstant(now, zone);
        long elapsed = java.time.Duration.between(DEFAULT_DTSTART, local).getSeconds();
        if (elapsed > 0) {
          start = DEFAULT_DTSTART.plusSeconds((elapsed / period) * period);
        }
      }
    }
    return "DTSTART:" + FLOATING.format(start) + "\n" + text;
  }

  @Override
  public Iterator<ZonedDateTime> candidates(Instant start) {
    ZoneId zone = zone();
    Parsed p = parse(rrule);
    DateTime dtstart = floating(p.dtstart());
    List<RecurrenceSet> includes = new ArrayList<>();
    for (RecurrenceRule r : p.rules()) {
      includes.add(new OfRule(r, dtstart));
    }
    if (!p.rdates().isEmpty()) {
      includes.add(new OfList(p.rdates().stream().map(RRuleSchedule::floating).toList()));
    }
    List<RecurrenceSet> excludes = new ArrayList<>();
    for (RecurrenceRule r : p.exrules()) {
      excludes.add(new OfRule(r, dtstart));
    }
    if (!p.exdates().isEmpty()) {
      excludes.add(new OfList(p.exdates().stream().map(RRuleSchedule::floating).toList()));
    }
    RecurrenceSet set = includes.size() == 1 ? includes.get(0) : new Merged(includes);
    if (!excludes.isEmpty()) {
      set = new Difference(set, excludes.size() == 1 ? excludes.get(0) : new Merged(excludes));
    }
    InstanceIterator it = set.iterator();
    // margin: around a DST change local times and instants differ by up to the change (≤ 2 h)
    it.fastForward(floating(LocalDateTime.ofInstant(start, zone).minusHours(3)));
    return new Iterator<>() {
      ZonedDateTime next = advance();

      private ZonedDateTime advance() {
        while (it.hasNext()) {
          ZonedDateTime d = ZonedDateTime.ofLocal(local(it.next()), zone, null);
          if (!d.toInstant().isBefore(start)) {
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

  private static DateTime floating(LocalDateTime t) {
    return new DateTime(t.getYear(), t.getMonthValue() - 1, t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
  }

  private static LocalDateTime local(DateTime t) {
    return LocalDateTime.of(t.getYear(), t.getMonth() + 1, t.getDayOfMonth(), t.getHours(), t.getMinutes(),
        t.getSeconds());
  }
}
