package dev.baton.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/**
 * A schedule's JSON, as Prefect stores and returns it: {@code {"interval": 5.0, "anchor_date":
 * "2026-08-21T10:00:00Z", "timezone": "UTC"}}, {@code {"cron": "* * * * *", "timezone": null,
 * "day_or": true}}, {@code {"rrule": "DTSTART:…\nFREQ=DAILY", "timezone": "UTC"}}. Reading takes
 * only what {@link #write} wrote (stored rows); request bodies are validated by the wire decoders.
 */
public final class ScheduleJson {
  private ScheduleJson() {}

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** pydantic's datetime: seconds always, microseconds (6 digits) when non-zero, {@code Z} for UTC. */
  private static final DateTimeFormatter WHOLE = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd'T'HH:mm:ss").appendOffset("+HH:MM", "Z").toFormatter();
  private static final DateTimeFormatter FRACTION = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd'T'HH:mm:ss").appendFraction(ChronoField.MICRO_OF_SECOND, 6, 6, true)
      .appendOffset("+HH:MM", "Z").toFormatter();

  public static ObjectNode write(Schedule s) {
    ObjectNode o = F.objectNode();
    if (s instanceof IntervalSchedule i) {
      o.put("interval", i.seconds());
      o.put("anchor_date", anchor(i.anchorDate()));
      o.put("timezone", i.timezone());
    } else if (s instanceof CronSchedule c) {
      o.put("cron", c.cron());
      putNullable(o, "timezone", c.timezone());
      o.put("day_or", c.dayOr());
    } else if (s instanceof RRuleSchedule r) {
      o.put("rrule", r.rrule());
      putNullable(o, "timezone", r.timezone());
    }
    return o;
  }

  /** {@code 2026-08-21T10:00:00Z}, {@code 2020-01-01T00:00:00.123000+02:00}. */
  public static String anchor(OffsetDateTime t) {
    OffsetDateTime v = t.withNano(t.getNano() / 1000 * 1000);
    return v.format(v.getNano() == 0 ? WHOLE : FRACTION);
  }

  /** The schedule {@link #write} wrote; IllegalArgumentException for anything else. */
  public static Schedule read(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("not a schedule: " + n);
    }
    if (n.has("interval")) {
      long micros = Math.round(n.get("interval").asDouble() * 1_000_000.0);
      return new IntervalSchedule(micros, OffsetDateTime.parse(n.get("anchor_date").asText()),
          n.path("timezone").isTextual() ? n.get("timezone").asText() : "UTC");
    }
    if (n.has("cron")) {
      return new CronSchedule(n.get("cron").asText(), text(n, "timezone"), !n.has("day_or") || n.get("day_or").asBoolean());
    }
    if (n.has("rrule")) {
      return new RRuleSchedule(n.get("rrule").asText(), text(n, "timezone"));
    }
    throw new IllegalArgumentException("not a schedule: " + n);
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static void putNullable(ObjectNode o, String key, String v) {
    if (v == null) {
      o.putNull(key);
    } else {
      o.put(key, v);
    }
  }
}
