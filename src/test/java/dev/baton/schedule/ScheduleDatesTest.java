package dev.baton.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Date generation of the three schedule kinds, with the facts Prefect's
 * {@code tests/server/schemas/test_schedules.py} pins (DST included; America/New_York switched
 * forward on 2018-03-11 at 02:00 and back on 2018-11-04 at 02:00).
 */
class ScheduleDatesTest {
  static final ZoneId NY = ZoneId.of("America/New_York");
  static final ZoneId UTC = ZoneOffset.UTC;

  static Instant ny(int y, int mo, int d, int h) {
    return ZonedDateTime.of(y, mo, d, h, 0, 0, 0, NY).toInstant();
  }

  static Instant utc(int y, int mo, int d, int h, int mi) {
    return ZonedDateTime.of(y, mo, d, h, mi, 0, 0, UTC).toInstant();
  }

  static List<Integer> hours(List<ZonedDateTime> dates, ZoneId zone) {
    return dates.stream().map(d -> d.withZoneSameInstant(zone).getHour()).toList();
  }

  static IntervalSchedule interval(long seconds, Instant anchor, String tz) {
    return new IntervalSchedule(seconds * 1_000_000L, anchor.atOffset(ZoneOffset.UTC), tz);
  }

  // ---- interval ----

  @ParameterizedTest
  @ValueSource(strings = {"2018-01-01T00:00:00Z", "2021-02-02T00:00:00Z", "2025-03-03T00:00:00Z"})
  void dailyIntervalFromAStartDate(String start) {
    Instant s = Instant.parse(start);
    List<ZonedDateTime> dates = interval(86400, Instant.parse("2021-01-01T00:00:00Z"), "UTC").dates(s, null, 5);
    assertEquals(List.of(s, s.plusSeconds(86400), s.plusSeconds(2 * 86400), s.plusSeconds(3 * 86400),
        s.plusSeconds(4 * 86400)), dates.stream().map(ZonedDateTime::toInstant).toList());
  }

  @Test
  void untilAnEndDateAtMostAThousandAndOneCandidates() {
    IntervalSchedule s = interval(86400, Instant.parse("2021-01-01T00:00:00Z"), "UTC");
    Instant start = Instant.parse("2018-01-01T00:00:00Z");
    assertEquals(398, s.dates(start, Instant.parse("2019-02-02T00:00:00Z"), null).size());
    assertEquals(1000, s.dates(start, Instant.parse("2025-03-03T00:00:00Z"), null).size());
  }

  @Test
  void withoutAnEndOneDate() {
    IntervalSchedule s = interval(86400, Instant.parse("2021-01-01T00:00:00Z"), "UTC");
    assertEquals(List.of(Instant.parse("2018-01-02T00:00:00Z")),
        s.dates(Instant.parse("2018-01-01T06:00:00Z"), null, null).stream().map(ZonedDateTime::toInstant).toList());
  }

  @Test
  void anchorsBeforeAndAfterTheStartKeepTheirPhase() {
    IntervalSchedule past = interval(86400, Instant.parse("2020-02-02T23:35:00Z"), "UTC");
    assertEquals(Instant.parse("2021-07-01T23:35:00Z"), past.dates(Instant.parse("2021-07-01T00:00:00Z"), null, 5).get(0).toInstant());
    IntervalSchedule future = interval(17 * 3600, Instant.parse("2030-02-02T05:24:00Z"), "UTC");
    List<ZonedDateTime> d = future.dates(Instant.parse("2021-07-01T00:00:00Z"), null, 5);
    for (int i = 0; i < 5; i++) {
      assertEquals(Instant.parse("2021-07-01T07:24:00Z").plusSeconds(i * 17L * 3600), d.get(i).toInstant());
    }
  }

  @Test
  void aStartEqualToADateIsIncluded() {
    IntervalSchedule s = interval(86400, Instant.parse("2022-01-01T00:00:00Z"), "UTC");
    assertEquals(3, s.dates(Instant.parse("2022-01-01T00:00:00Z"), Instant.parse("2022-01-03T00:00:00Z"), null).size());
  }

  @Test
  void shortIntervalsAcrossAlongTimeStayInTheFuture() {
    // anchored in US/Pacific winter, evaluated in summer: every date is after the start
    Instant anchor = Instant.ofEpochMilli(1582002945964L);
    Instant now = Instant.ofEpochMilli(1593643144233L);
    IntervalSchedule s = new IntervalSchedule(75_000_000L, anchor.atZone(ZoneId.of("US/Pacific")).toOffsetDateTime(), "UTC");
    assertTrue(s.dates(now, null, 4).stream().allMatch(d -> d.toInstant().isAfter(now)));
  }

  @Test
  void hourlyIntervalStepsEveryUtcHourAcrossSpringForward() {
    List<ZonedDateTime> d = interval(3600, Instant.now(), "America/New_York").dates(ny(2018, 3, 10, 23), null, 5);
    assertEquals(List.of(23, 0, 1, 3, 4), hours(d, NY));
    assertEquals(List.of(4, 5, 6, 7, 8), hours(d, UTC));
    List<ZonedDateTime> u = interval(3600, Instant.now(), "UTC").dates(ny(2018, 3, 10, 23), null, 5);
    assertEquals(List.of(4, 5, 6, 7, 8), hours(u, UTC));
  }

  @Test
  void hourlyIntervalStepsEveryUtcHourAcrossFallBack() {
    List<ZonedDateTime> d = interval(3600, Instant.now(), "America/New_York").dates(ny(2018, 11, 3, 23), null, 5);
    assertEquals(List.of(23, 0, 1, 1, 2), hours(d, NY));
    assertEquals(List.of(3, 4, 5, 6, 7), hours(d, UTC));
  }

  @Test
  void dailyIntervalKeepsItsWallClockAcrossDst() {
    Instant forward = ny(2018, 3, 8, 9);
    List<ZonedDateTime> d = new IntervalSchedule(86_400_000_000L, forward.atZone(NY).toOffsetDateTime(), "America/New_York")
        .dates(forward, null, 5);
    assertEquals(List.of(9, 9, 9, 9, 9), hours(d, NY));
    assertEquals(List.of(14, 14, 14, 13, 13), hours(d, UTC));
    Instant back = ny(2018, 11, 1, 9);
    d = new IntervalSchedule(86_400_000_000L, back.atZone(NY).toOffsetDateTime(), "America/New_York").dates(back, null, 5);
    assertEquals(List.of(9, 9, 9, 9, 9), hours(d, NY));
    assertEquals(List.of(13, 13, 13, 14, 14), hours(d, UTC));
  }

  @Test
  void dailyIntervalAnchoredInWinterKeepsItsWallClockInSummer() {
    // Prefect jumps from the anchor in exact seconds and lands on 10:00 here; Baton keeps 09:00
    Instant anchor = ny(2018, 1, 8, 9);
    List<ZonedDateTime> d = new IntervalSchedule(86_400_000_000L, anchor.atZone(NY).toOffsetDateTime(), "America/New_York")
        .dates(ny(2018, 7, 1, 0), null, 3);
    assertEquals(List.of(9, 9, 9), hours(d, NY));
  }

  @Test
  void daysDifferFromHoursAcrossDst() {
    ZoneId ams = ZoneId.of("Europe/Amsterdam");
    Instant anchor = ZonedDateTime.of(2023, 3, 24, 10, 0, 0, 0, ams).toInstant();
    OffsetDateTime a = anchor.atZone(ams).toOffsetDateTime();
    assertEquals(10, new IntervalSchedule(2 * 86_400_000_000L, a, "Europe/Amsterdam").dates(anchor, null, 2).get(1)
        .withZoneSameInstant(ams).getHour());
    Instant back = ny(2018, 11, 1, 9);
    assertEquals(9, new IntervalSchedule(3 * 86_400_000_000L, back.atZone(NY).toOffsetDateTime(), "America/New_York")
        .dates(back, null, 2).get(1).withZoneSameInstant(NY).getHour());
  }

  @Test
  void datesCarryTheScheduleZone() {
    Instant anchor = Instant.parse("2024-06-30T16:15:00Z"); // 01:15 in Tokyo
    List<ZonedDateTime> d = new IntervalSchedule(86_400_000_000L, anchor.atOffset(ZoneOffset.ofHours(9)), "Asia/Tokyo")
        .dates(Instant.parse("2025-10-23T00:00:00Z"), null, 3);
    assertEquals(ZonedDateTime.of(2025, 10, 24, 1, 15, 0, 0, ZoneId.of("Asia/Tokyo")), d.get(0));
    assertTrue(d.stream().allMatch(x -> x.getZone().equals(ZoneId.of("Asia/Tokyo")) && x.getHour() == 1 && x.getMinute() == 15));
  }

  // ---- cron ----

  @Test
  void cronEveryDayAndEveryHour() {
    Instant start = Instant.parse("2026-01-01T10:30:00Z");
    assertEquals(List.of(utc(2026, 1, 2, 0, 0), utc(2026, 1, 3, 0, 0)),
        new CronSchedule("0 0 * * *", null, true).dates(start, null, 2).stream().map(ZonedDateTime::toInstant).toList());
    assertEquals(List.of(utc(2026, 1, 1, 11, 0), utc(2026, 1, 1, 12, 0)),
        new CronSchedule("0 * * * *", null, true).dates(start, null, 2).stream().map(ZonedDateTime::toInstant).toList());
    assertEquals(utc(2026, 1, 1, 10, 30), new CronSchedule("* * * * *", null, true).dates(start, null, 1).get(0).toInstant(),
        "a start on a match is included");
    assertEquals(utc(2026, 1, 1, 10, 31), new CronSchedule("* * * * *", null, true)
        .dates(start.plusNanos(1000), null, 1).get(0).toInstant(), "a fraction rounds up");
  }

  @Test
  void cronDayOrMatchesEitherDayFieldAndDayAndBoth() {
    Instant start = Instant.parse("2026-01-01T00:00:00Z"); // a Thursday
    List<Instant> or = new CronSchedule("0 0 13 * 5", "UTC", true).dates(start, null, 3).stream().map(ZonedDateTime::toInstant).toList();
    assertEquals(List.of(utc(2026, 1, 2, 0, 0), utc(2026, 1, 9, 0, 0), utc(2026, 1, 13, 0, 0)), or);
    List<Instant> and = new CronSchedule("0 0 13 * 5", "UTC", false).dates(start, null, 2).stream().map(ZonedDateTime::toInstant).toList();
    assertEquals(List.of(utc(2026, 2, 13, 0, 0), utc(2026, 3, 13, 0, 0)), and);
  }

  @Test
  void cronHourlyAcrossDst() {
    CronSchedule s = new CronSchedule("0 * * * *", "America/New_York", true);
    List<ZonedDateTime> f = s.dates(ny(2018, 3, 10, 23), null, 5);
    assertEquals(List.of(23, 0, 1, 3, 4), hours(f, NY));
    assertEquals(List.of(4, 5, 6, 7, 8), hours(f, UTC));
    List<ZonedDateTime> b = s.dates(ny(2018, 11, 3, 23), null, 5);
    assertEquals(List.of(23, 0, 1, 2, 3), hours(b, NY));
    assertEquals(List.of(3, 4, 5, 7, 8), hours(b, UTC));
  }

  @Test
  void cronDailyKeepsItsWallClockAcrossDst() {
    CronSchedule s = new CronSchedule("0 9 * * *", "America/New_York", true);
    List<ZonedDateTime> f = s.dates(ny(2018, 3, 8, 9), null, 5);
    assertEquals(List.of(9, 9, 9, 9, 9), hours(f, NY));
    assertEquals(List.of(14, 14, 14, 13, 13), hours(f, UTC));
    List<ZonedDateTime> b = s.dates(ny(2018, 11, 1, 9), null, 5);
    assertEquals(List.of(13, 13, 13, 14, 14), hours(b, UTC));
  }

  @Test
  void cronNearADstBoundary() {
    List<ZonedDateTime> d = new CronSchedule("10 0 * * *", "America/Montreal", true)
        .dates(Instant.parse("2023-03-12T05:10:02Z"), null, 5);
    assertEquals(List.of(0, 0, 0, 0, 0), hours(d, NY));
    assertEquals(List.of(4, 4, 4, 4, 4), hours(d, UTC));
  }

  @Test
  void cronValidation() {
    assertNull(CronSchedule.invalid("*/5 * * * *"));
    assertNull(CronSchedule.invalid("@daily"));
    assertNull(CronSchedule.invalid("0 0 * * 7"));
    assertNull(CronSchedule.invalid("0 0 L * *"));
    assertNull(CronSchedule.invalid("0 9 * * mon-fri"));
    assertEquals("Invalid cron string: \"bad cron\"", CronSchedule.invalid("bad cron"));
    assertNotNull(CronSchedule.invalid("H 0 * * *"));
    assertNotNull(CronSchedule.invalid("0 0 * * * H"));
    assertNotNull(CronSchedule.invalid("61 * * * *"));
  }

  // ---- rrule ----

  @Test
  void rruleHourlyAcrossDst() {
    RRuleSchedule utc = new RRuleSchedule("DTSTART:20180311T040000\nRRULE:FREQ=HOURLY", "UTC");
    List<ZonedDateTime> u = utc.dates(utc(2018, 3, 11, 4, 0), null, 5);
    assertEquals(List.of(23, 0, 1, 3, 4), hours(u, NY));
    assertEquals(List.of(4, 5, 6, 7, 8), hours(u, UTC));
    RRuleSchedule s = new RRuleSchedule("DTSTART:20180310T230000\nRRULE:FREQ=HOURLY", "America/New_York");
    List<ZonedDateTime> f = s.dates(ny(2018, 3, 10, 23), null, 5);
    assertEquals(List.of(23, 0, 1, 3, 4), hours(f, NY));
    assertEquals(List.of(4, 5, 6, 7, 8), hours(f, UTC));
    RRuleSchedule b = new RRuleSchedule("DTSTART:20181103T230000\nRRULE:FREQ=HOURLY", "America/New_York");
    List<ZonedDateTime> bd = b.dates(ny(2018, 11, 3, 23), null, 5);
    assertEquals(List.of(23, 0, 1, 2, 3), hours(bd, NY));
    assertEquals(List.of(3, 4, 5, 7, 8), hours(bd, UTC));
  }

  @Test
  void rruleDailyAcrossDst() {
    RRuleSchedule f = new RRuleSchedule("DTSTART:20180308T090000\nRRULE:FREQ=DAILY", "America/New_York");
    assertEquals(List.of(14, 14, 14, 13, 13), hours(f.dates(ny(2018, 3, 8, 9), null, 5), UTC));
    RRuleSchedule b = new RRuleSchedule("DTSTART:20181101T090000\nRRULE:FREQ=DAILY", "America/New_York");
    assertEquals(List.of(13, 13, 13, 14, 14), hours(b.dates(ny(2018, 11, 1, 9), null, 5), UTC));
    RRuleSchedule u = new RRuleSchedule("DTSTART:20181101T090000\nRRULE:FREQ=DAILY", "UTC");
    List<ZonedDateTime> ud = u.dates(utc(2018, 11, 1, 9, 0), null, 5);
    assertEquals(List.of(5, 5, 5, 4, 4), hours(ud, NY));
    assertEquals(List.of(9, 9, 9, 9, 9), hours(ud, UTC));
  }

  @Test
  void rruleNothingBeforeDtstartAndCountAndSets() {
    RRuleSchedule s = new RRuleSchedule("DTSTART:20300101T000000\nRRULE:FREQ=DAILY", "UTC");
    assertEquals(utc(2030, 1, 1, 0, 0), s.dates(utc(2026, 1, 1, 0, 0), null, 1).get(0).toInstant());
    RRuleSchedule count = new RRuleSchedule("DTSTART:20300101T000000\nRRULE:FREQ=DAILY;COUNT=3", "UTC");
    assertEquals(3, count.dates(utc(2026, 1, 1, 0, 0), utc(2031, 1, 1, 0, 0), null).size());
    RRuleSchedule set = new RRuleSchedule("DTSTART:20300101T090000\nRRULE:FREQ=DAILY;COUNT=5\n"
        + "EXDATE:20300102T090000,20300104T090000\nRDATE:20300110T120000", "UTC");
    assertEquals(List.of(utc(2030, 1, 1, 9, 0), utc(2030, 1, 3, 9, 0), utc(2030, 1, 5, 9, 0), utc(2030, 1, 10, 12, 0)),
        set.dates(utc(2026, 1, 1, 0, 0), utc(2031, 1, 1, 0, 0), null).stream().map(ZonedDateTime::toInstant).toList());
    RRuleSchedule bare = new RRuleSchedule("FREQ=WEEKLY;BYDAY=MO,WE", "UTC"); // from 2020-01-01
    assertEquals(List.of(utc(2026, 1, 5, 0, 0), utc(2026, 1, 7, 0, 0)),
        bare.dates(utc(2026, 1, 1, 0, 0), null, 2).stream().map(ZonedDateTime::toInstant).toList());
  }

  @Test
  void rruleValidationAndNormalization() {
    assertNull(RRuleSchedule.invalid("FREQ=DAILY"));
    assertNull(RRuleSchedule.invalid("DTSTART;TZID=America/New_York:20200101T090000\nRRULE:FREQ=DAILY;UNTIL=20300101T000000Z"));
    assertTrue(RRuleSchedule.invalid("FREQ=BOGUS").startsWith("Invalid RRule string \"FREQ=BOGUS\": "));
    assertTrue(RRuleSchedule.invalid("X".repeat(10)).startsWith("Invalid RRule string"));
    String longRule = "RRULE:FREQ=DAILY\nRDATE:" + "20300101T000000,".repeat(420) + "20300101T000000";
    assertTrue(RRuleSchedule.invalid(longRule).contains("Max length is 6500, got " + longRule.length()));
    Instant now = Instant.parse("2026-12-07T23:29:43Z");
    assertEquals("DTSTART:20200101T000000\nFREQ=DAILY", RRuleSchedule.normalize("FREQ=DAILY", "UTC", now));
    assertEquals("DTSTART:20261207T232300\nFREQ=MINUTELY;INTERVAL=7", RRuleSchedule.normalize("FREQ=MINUTELY;INTERVAL=7", "UTC", now));
    assertEquals("DTSTART:20200102T000000\nRRULE:FREQ=DAILY", RRuleSchedule.normalize("DTSTART:20200102T000000\nRRULE:FREQ=DAILY", "UTC", now));
  }
}
