package dev.baton.schedule;

import java.time.ZoneId;
import java.util.Set;
import java.util.TreeSet;

/** IANA time-zone names, as Prefect accepts them for a schedule's {@code timezone}. */
public final class Timezones {
  private Timezones() {}

  private static final Set<String> NAMES = new TreeSet<>(ZoneId.getAvailableZoneIds());

  /** True for a zone name this JVM's tz database knows (e.g. {@code America/New_York}, {@code UTC}). */
  public static boolean known(String name) {
    return name != null && NAMES.contains(name);
  }

  /** Every known name, sorted (the pattern of Prefect's {@code TimeZone} type). */
  public static Set<String> names() {
    return java.util.Collections.unmodifiableSet(NAMES);
  }

  /** Prefect's message for an unknown interval/cron time zone. */
  public static String invalid(String name) {
    return "Invalid timezone: \"" + name + "\" (specify in IANA tzdata format, for example, America/New_York)";
  }
}
