package dev.baton.wire;

import static dev.baton.wire.Types.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.command.ScheduleCreate;
import dev.baton.domain.command.ScheduleUpdate;
import dev.baton.schedule.CronSchedule;
import dev.baton.schedule.IntervalSchedule;
import dev.baton.schedule.RRuleSchedule;
import dev.baton.schedule.Schedule;
import dev.baton.schedule.Timezones;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Schedules in request bodies (dispatch.md §1.1–§1.2): {@code IntervalSchedule | CronSchedule |
 * RRuleSchedule}, told apart by their keys (each forbids the others'), with Prefect's 422s — a
 * value matching none gets every member's errors under the member's label, as pydantic reports a
 * union; and DeploymentScheduleCreate / DeploymentScheduleUpdate around them.
 */
public final class ScheduleBodies {
  private ScheduleBodies() {}

  /** Prefect's {@code PREFECT_DEPLOYMENT_SCHEDULE_MAX_SCHEDULED_RUNS}. */
  public static final int MAX_SCHEDULED_RUNS = 50;

  static final String INTERVAL_LABEL = "function-after[validate_timezone(), IntervalSchedule]";
  static final String CRON_LABEL = "function-after[validate_timezone(), CronSchedule]";
  static final String RRULE_LABEL = "RRuleSchedule";

  /** The clock anchors without an {@code anchor_date} and rrules' DTSTART are taken from (tests set it). */
  static Supplier<Instant> clock = Instant::now;

  // ---- the members -------------------------------------------------------------------------

  private static final Pattern OFFSET = Pattern.compile("(?:[zZ]|([+-])(\\d{2}):?(\\d{2}))$");

  /** pydantic's timedelta: a number of seconds, or an ISO-8601 duration ({@code PT5S}, {@code P1DT2H}); microseconds. */
  static final Type<Long> INTERVAL = (n, c) -> {
    long micros;
    if (n.isNumber() && !n.isBoolean()) {
      if (!Double.isFinite(n.doubleValue())) {
        c.error("finite_number", "Input should be a finite number", n);
        return null;
      }
      micros = n.decimalValue().movePointRight(6).setScale(0, java.math.RoundingMode.HALF_EVEN).longValue();
    } else if (n.isTextual()) {
      String s = n.textValue().strip();
      try {
        if (s.matches("[+-]?\\d+(\\.\\d*)?")) {
          micros = new BigDecimal(s).movePointRight(6).setScale(0, java.math.RoundingMode.HALF_EVEN).longValue();
        } else {
          Duration d = Duration.parse(s.replaceFirst("^([+-]?)[pP](\\d+)[wW]$", "$1P$2D").replaceFirst("^([+-]?P)(\\d+)W", "$1$2D"));
          micros = Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1000);
        }
      } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
        c.error("time_delta_parsing", "Input should be a valid timedelta, invalid duration", n,
            Ctx.ctx("error", "invalid duration"));
        return null;
      }
    } else {
      c.error("time_delta_type", "Input should be a valid timedelta", n);
      return null;
    }
    if (micros <= 0) {
      c.valueError("interval must be positive", n);
      return null;
    }
    return micros;
  };

  /** An anchor keeps the offset it was given in (naive = UTC), to be rendered as given. */
  static final Type<OffsetDateTime> ANCHOR = (n, c) -> {
    int m = c.mark();
    Instant t = DATETIME.decode(n, c);
    if (t == null || c.failedSince(m)) {
      return null;
    }
    ZoneOffset offset = ZoneOffset.UTC;
    if (n.isTextual() && n.textValue().length() > 10) {
      Matcher om = OFFSET.matcher(n.textValue().strip());
      if (om.find() && om.group(1) != null) {
        int secs = (Integer.parseInt(om.group(2)) * 3600 + Integer.parseInt(om.group(3)) * 60)
            * (om.group(1).equals("-") ? -1 : 1);
        offset = ZoneOffset.ofTotalSeconds(secs);
      }
    }
    return Times.micros(t).atOffset(offset);
  };

  private static String timezoneError(String tz) {
    return tz != null && !tz.isEmpty() && !Timezones.known(tz) ? Timezones.invalid(tz) : null;
  }

  static final Model<Schedule> INTERVAL_SCHEDULE = Model.<Schedule>forbid("IntervalSchedule")
      .req("interval", INTERVAL)
      .opt("anchor_date", ANCHOR)
      .opt("timezone", STR.nullable())
      .validate(v -> timezoneError(v.get("timezone")))
      .build(v -> {
        OffsetDateTime anchor = v.get("anchor_date");
        if (anchor == null) {
          anchor = Times.micros(clock.get()).atOffset(ZoneOffset.UTC);
        }
        String tz = v.get("timezone");
        return new IntervalSchedule(v.<Long>get("interval"), anchor, tz == null || tz.isEmpty() ? "UTC" : tz);
      });

  static final Model<Schedule> CRON_SCHEDULE = Model.<Schedule>forbid("CronSchedule")
      .req("cron", STR.check(CronSchedule::invalid))
      .opt("timezone", STR.nullable())
      .opt("day_or", BOOL, true)
      .validate(v -> timezoneError(v.get("timezone")))
      .build(v -> new CronSchedule(v.get("cron"), v.get("timezone"), v.<Boolean>get("day_or")));

  static final Model<Schedule> RRULE_SCHEDULE = Model.<Schedule>forbid("RRuleSchedule")
      .req("rrule", STR.check(RRuleSchedule::invalid))
      .opt("timezone", zoneName().nullable(), "UTC")
      .build(v -> new RRuleSchedule(v.get("rrule"), v.get("timezone")));

  /** Prefect's {@code TimeZone}: a known name, else pydantic's pattern error over every name. */
  private static Type<String> zoneName() {
    return (n, c) -> {
      String s = STR.decode(n, c);
      if (s == null || Timezones.known(s)) {
        return s;
      }
      String pattern = String.join("|", Timezones.names());
      c.error("string_pattern_mismatch", "String should match pattern '" + pattern + "'", n, Ctx.ctx("pattern", pattern));
      return null;
    };
  }

  /** The union; an rrule is stored with an explicit DTSTART (Prefect's NormalizedSchedule). */
  public static final Type<Schedule> SCHEDULE = (n, c) -> {
    int mark = c.mark();
    Schedule found = null;
    String[] labels = {INTERVAL_LABEL, CRON_LABEL, RRULE_LABEL};
    List<Model<Schedule>> members = List.of(INTERVAL_SCHEDULE, CRON_SCHEDULE, RRULE_SCHEDULE);
    for (int i = 0; i < members.size() && found == null; i++) {
      c.push(labels[i]);
      int before = c.mark();
      Schedule s = members.get(i).decode(n, c);
      c.pop();
      if (s != null && !c.failedSince(before)) {
        found = s;
      }
    }
    if (found == null) {
      return null;
    }
    c.rewind(mark);
    if (found instanceof RRuleSchedule r) {
      return new RRuleSchedule(RRuleSchedule.normalize(r.rrule(), r.timezone(), clock.get()), r.timezone());
    }
    return found;
  };

  // ---- DeploymentScheduleCreate / Update -----------------------------------------------------

  private static final Type<Integer> MAX_RUNS = (n, c) -> {
    int m = c.mark();
    Integer v = INT32.decode(n, c);
    if (v == null || c.failedSince(m)) {
      return null;
    }
    if (v <= 0) {
      c.error("greater_than", "Input should be greater than 0", n, Ctx.ctx("gt", 0));
      return null;
    }
    if (v > MAX_SCHEDULED_RUNS) {
      c.valueError("`max_scheduled_runs` must be less than or equal to " + MAX_SCHEDULED_RUNS + ".", n);
      return null;
    }
    return v;
  };

  public static final Model<ScheduleCreate> SCHEDULE_CREATE = Model.<ScheduleCreate>forbid("DeploymentScheduleCreate")
      .opt("active", BOOL, true)
      .req("schedule", SCHEDULE)
      .opt("max_scheduled_runs", MAX_RUNS.nullable())
      .opt("parameters", OBJECT)
      .opt("slug", STR.nullable())
      .opt("replaces", STR.nullable())
      .build(v -> new ScheduleCreate(v.get("schedule"), v.<Boolean>get("active"), v.get("max_scheduled_runs"),
          v.get("parameters", Bodies.emptyObject()), v.get("slug"), v.get("replaces")));

  public static final Model<ScheduleUpdate> SCHEDULE_UPDATE = Model.<ScheduleUpdate>forbid("DeploymentScheduleUpdate")
      .opt("active", BOOL.nullable())
      .opt("schedule", SCHEDULE.nullable())
      .opt("max_scheduled_runs", MAX_RUNS.nullable())
      .opt("parameters", OBJECT)
      .opt("slug", STR.nullable())
      .opt("replaces", STR.nullable())
      .build(v -> new ScheduleUpdate(v.get("schedule"), v.get("active"), v.get("max_scheduled_runs"),
          v.get("parameters", Bodies.emptyObject()), v.get("slug"), v.get("replaces")));

  public static final Type<List<ScheduleCreate>> SCHEDULE_CREATES = list(SCHEDULE_CREATE);
  public static final Type<List<ScheduleUpdate>> SCHEDULE_UPDATES = list(SCHEDULE_UPDATE);

  /** {@code POST /deployments/{id}/schedules}: a list of DeploymentScheduleCreate (loc {@code ["body", i, …]}). */
  public static Decoded<List<ScheduleCreate>> creates(JsonNode body) {
    Ctx c = new Ctx("body");
    if (body == null || body.isNull()) {
      c.missing(NullNode.instance);
      return Decoded.invalid(c.errors());
    }
    List<ScheduleCreate> l = SCHEDULE_CREATES.decode(body, c);
    return c.ok() ? Decoded.ok(l) : Decoded.invalid(c.errors());
  }

  /** {@code PATCH /deployments/{id}/schedules/{sid}}. */
  public static Decoded<ScheduleUpdate> update(JsonNode body) {
    return SCHEDULE_UPDATE.decodeBody(body);
  }

  /** The stored JSON of a schedule (the response's {@code schedule}). */
  public static ObjectNode json(Schedule s) {
    return dev.baton.schedule.ScheduleJson.write(s);
  }
}
