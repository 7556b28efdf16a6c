package dev.baton.wire;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** Datetime parsing (pydantic/speedate-like, lax) and the wire format {@code 2026-08-21T16:27:33.123456Z}. */
public final class Times {
  private Times() {}

  /** Python's datetime range: years 1..9999. */
  static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
  static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999Z");

  record Parsed(Instant value, String error, boolean dateError) {}

  private static Parsed err(String e, boolean date) {
    return new Parsed(null, e, date);
  }

  /** Unix seconds (or milliseconds when |v| > 2e10, as speedate); null when out of range. */
  static Instant fromUnix(double v, Long exact) {
    if (!Double.isFinite(v)) return null;
    Instant t;
    if (exact != null) {
      long s = exact;
      if (s == Long.MIN_VALUE) return null; // Math.abs would stay negative: no such timestamp anyway
      if (Math.abs(s) > 20_000_000_000L) {
        t = Instant.ofEpochMilli(s);
      } else {
        t = Instant.ofEpochSecond(s);
      }
    } else {
      double secs = Math.abs(v) > 2e10 ? v / 1000.0 : v;
      if (Math.abs(secs) > 4e11) return null;
      long micros = Math.round(secs * 1_000_000.0);
      t = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }
    return t.isBefore(MIN) || t.isAfter(MAX) ? null : t;
  }

  private static int digits(String s, int from, int n) {
    if (from + n > s.length()) return -1;
    int v = 0;
    for (int i = from; i < from + n; i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') return -1;
      v = v * 10 + (ch - '0');
    }
    return v;
  }

  /** Parses an ISO-8601 date or datetime (naive ⇒ UTC), or a numeric unix timestamp string. */
  static Parsed parse(String s) {
    if (s.length() < 40 && s.matches("[+-]?\\d+(\\.\\d+)?")) {
      Instant t = s.contains(".") ? fromUnix(Double.parseDouble(s), null) : fromUnixString(s);
      return t == null ? err("timestamp value is outside expected range", false) : new Parsed(t, null, false);
    }
    if (s.length() < 10) return err("input is too short", true);
    int y = digits(s, 0, 4);
    if (y < 0) return err("invalid character in year", true);
    if (s.charAt(4) != '-' || s.charAt(7) != '-') return err("invalid date separator, expected `-`", true);
    int mo = digits(s, 5, 2);
    if (mo < 0) return err("invalid character in month", true);
    int d = digits(s, 8, 2);
    if (d < 0) return err("invalid character in day", true);
    if (mo < 1 || mo > 12) return err("month value is outside expected range of 1-12", true);
    LocalDate date;
    try {
      date = LocalDate.of(y, mo, d);
    } catch (DateTimeException e) {
      return err("day value is outside expected range", true);
    }
    if (y == 0) return err("year 0 is out of range", true);
    if (s.length() == 10) return new Parsed(date.atStartOfDay().toInstant(ZoneOffset.UTC), null, false);
    char sep = s.charAt(10);
    if (sep != 'T' && sep != 't' && sep != ' ' && sep != '_') {
      return err("unexpected extra characters at the end of the input", true);
    }
    int i = 11;
    int h = digits(s, i, 2);
    if (h < 0) return err(s.length() < i + 2 ? "input is too short" : "invalid character in hour", false);
    i += 2;
    if (i >= s.length() || s.charAt(i) != ':') return err("invalid time separator, expected `:`", false);
    int mi = digits(s, i + 1, 2);
    if (mi < 0) return err("invalid character in minute", false);
    i += 3;
    int sec = 0;
    long nanos = 0;
    if (i < s.length() && s.charAt(i) == ':') {
      sec = digits(s, i + 1, 2);
      if (sec < 0) return err("invalid character in second", false);
      i += 3;
      if (i < s.length() && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
        int start = ++i;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) i++;
        if (i == start) return err("invalid character in second fraction", false);
        String frac = s.substring(start, Math.min(i, start + 6));
        nanos = Long.parseLong((frac + "000000").substring(0, 6)) * 1000L;
      }
    }
    if (h > 23) return err("hour value is outside expected range of 0-23", false);
    if (mi > 59) return err("minute value is outside expected range of 0-59", false);
    if (sec > 59) return err("second value is outside expected range of 0-59", false);
    int offsetSeconds = 0;
    if (i < s.length()) {
      char z = s.charAt(i);
      if (z == 'Z' || z == 'z') {
        i++;
      } else if (z == '+' || z == '-') {
        int oh = digits(s, i + 1, 2);
        if (oh < 0) return err("invalid timezone sign", false);
        int j = i + 3;
        if (j < s.length() && s.charAt(j) == ':') j++;
        int om = j < s.length() ? digits(s, j, 2) : 0;
        if (om < 0) return err("invalid timezone sign", false);
        if (j < s.length()) j += 2;
        if (oh > 23 || om > 59) return err("timezone offset must be less than 24 hours", false);
        offsetSeconds = (z == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        i = j;
      } else {
        return err("invalid timezone sign", false);
      }
    }
    if (i != s.length()) return err("unexpected extra characters at the end of the input", false);
    Instant t = LocalDateTime.of(date, java.time.LocalTime.of(h, mi, sec, (int) nanos))
        .toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds));
    if (t.isBefore(MIN) || t.isAfter(MAX)) return err("datetime is outside the supported range", false);
    return new Parsed(t, null, false);
  }

  private static Instant fromUnixString(String s) {
    try {
      return fromUnix(Double.parseDouble(s), Long.parseLong(s));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Truncates to microseconds (PostgreSQL timestamptz precision). */
  public static Instant micros(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
  }

  /** {@code 2026-08-21T16:27:33.123456Z}; the fraction (6 digits) only when non-zero. */
  public static String format(Instant t) {
    char[] buf = new char[32];
    int n = format(t, buf);
    return new String(buf, 0, n);
  }

  /** Formats into {@code buf} (≥ 32 chars) and returns the length. */
  public static int format(Instant t, char[] buf) {
    long epochSec = t.getEpochSecond();
    long days = Math.floorDiv(epochSec, 86400L);
    int secOfDay = (int) Math.floorMod(epochSec, 86400L);
    LocalDate d = LocalDate.ofEpochDay(days);
    int p = 0;
    int y = d.getYear();
    if (y < 0 || y > 9999) {
      String s = t.truncatedTo(ChronoUnit.MICROS).toString();
      s.getChars(0, s.length(), buf, 0);
      return s.length();
    }
    p = put(buf, p, y, 4);
    buf[p++] = '-';
    p = put(buf, p, d.getMonthValue(), 2);
    buf[p++] = '-';
    p = put(buf, p, d.getDayOfMonth(), 2);
    buf[p++] = 'T';
    p = put(buf, p, secOfDay / 3600, 2);
    buf[p++] = ':';
    p = put(buf, p, (secOfDay / 60) % 60, 2);
    buf[p++] = ':';
    p = put(buf, p, secOfDay % 60, 2);
    int micros = t.getNano() / 1000;
    if (micros != 0) {
      buf[p++] = '.';
      p = put(buf, p, micros, 6);
    }
    buf[p++] = 'Z';
    return p;
  }

  private static int put(char[] buf, int p, int v, int width) {
    for (int i = width - 1; i >= 0; i--) {
      buf[p + i] = (char) ('0' + v % 10);
      v /= 10;
    }
    return p + width;
  }
}
