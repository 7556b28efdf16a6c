package dev.baton.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.filter.Filters.Query;
import dev.baton.filter.Keyset;
import java.time.Instant;
import java.util.UUID;

/**
 * The console's keyset-page body ({@code POST /api/console/flow_runs}, {@code /task_runs}): the
 * filter objects of Prefect's {@code /flow_runs/filter} body ({@code flows}, {@code flow_runs},
 * {@code task_runs}, {@code deployments}, {@code work_pools}, {@code work_queues}), validated as
 * there, plus {@code limit} (1–200, default 50) and {@code after}, the {@code next} cursor of the
 * previous page (absent or null: the first page). Unknown top-level keys are ignored, as in Prefect's
 * bodies.
 *
 * <p>A cursor is {@code <expected start time in epoch microseconds>_<run id>}, or {@code
 * null_<run id>} for the runs without one: opaque to clients, readable in a log.
 */
public final class ConsoleBodies {
  private ConsoleBodies() {}

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;

  /** A decoded keyset-page request. */
  public record KeysetRequest(Query filter, Keyset after, int limit) {}

  private static final Type<Keyset> CURSOR = (n, c) -> {
    String s = Types.STR.decode(n, c);
    if (s == null) {
      return null;
    }
    Keyset k = parseCursor(s);
    if (k == null) {
      c.valueError("not a cursor of this endpoint (use a page's \"next\")", n);
    }
    return k;
  };

  private static final Model<KeysetRequest> KEYSET = FilterBodies.filters(Model.<KeysetRequest>embedded("keyset"), FilterBodies.Target.FLOW_RUNS)
      .opt("limit", Types.range(Types.INT32, 1, MAX_LIMIT).nullable())
      .opt("after", CURSOR.nullable())
      .build(v -> new KeysetRequest(FilterBodies.query(v), v.get("after"), v.get("limit", DEFAULT_LIMIT)));

  public static Decoded<KeysetRequest> keyset(JsonNode body) {
    return KEYSET.decodeBody(body);
  }

  /** The cursor of a position ({@link #parseCursor} reads it back). */
  public static String cursor(Keyset k) {
    if (k == null) {
      return null;
    }
    if (k.time() == null) {
      return "null_" + k.id();
    }
    long micros = Math.addExact(Math.multiplyExact(k.time().getEpochSecond(), 1_000_000L), k.time().getNano() / 1_000);
    return micros + "_" + k.id();
  }

  /** The position a cursor names, or null when it is not one. */
  public static Keyset parseCursor(String s) {
    int sep = s.indexOf('_');
    if (sep <= 0 || sep == s.length() - 1) {
      return null;
    }
    UUID id = Types.parseUuidOrNull(s.substring(sep + 1));
    if (id == null) {
      return null;
    }
    String t = s.substring(0, sep);
    if (t.equals("null")) {
      return new Keyset(null, id);
    }
    try {
      long micros = Long.parseLong(t);
      return new Keyset(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L), id);
    } catch (NumberFormatException | java.time.DateTimeException e) {
      return null;
    }
  }
}
