package dev.baton.wire;

import static dev.baton.wire.Types.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.UUID;

/** Decoders of the concurrency-limit endpoints (spec/concurrency.md §4). */
public final class ConcurrencyBodies {
  private ConcurrencyBodies() {}

  /** v2 create / patch fields; null = absent (patch). */
  public record LimitV2(Boolean active, String name, Integer limit, Integer activeSlots, Integer deniedSlots,
      Double slotDecayPerSecond) {}

  public record Page(int limit, int offset) {}

  public record Holder(String type, UUID id) {}

  /** increment / increment-with-lease; {@code leaseDuration} only for the latter. */
  public record Increment(int slots, List<String> names, boolean rateLimit, double leaseDuration, Holder holder) {}

  public record Decrement(int slots, List<String> names, Double occupancySeconds) {}

  public record V1Create(String tag, int concurrencyLimit) {}

  public record V1Slots(List<String> names, UUID taskRunId) {}

  /** A number &gt; 0 (pydantic greater_than; a float field's bound is a float in ctx). */
  static <N extends Number> Type<N> gt0(Type<N> t) {
    return (n, c) -> {
      int m = c.mark();
      N v = t.decode(n, c);
      if (v == null || c.failedSince(m)) return null;
      if (v.doubleValue() <= 0) {
        c.error("greater_than", "Input should be greater than 0", n, Ctx.ctx("gt", v instanceof Double ? (Object) 0.0 : 0));
        return null;
      }
      return v;
    };
  }

  /**
   * A non-empty list. Prefect declares {@code Body(..., min_items=1)}, which pydantic 2 no longer
   * enforces; Baton keeps the rule (docs/compatibility.md).
   */
  static <V> Type<List<V>> nonEmpty(Type<List<V>> t) {
    return (n, c) -> {
      int m = c.mark();
      List<V> v = t.decode(n, c);
      if (v == null || c.failedSince(m)) return null;
      if (v.isEmpty()) {
        com.fasterxml.jackson.databind.node.ObjectNode ctx = Ctx.ctx("field_type", "List");
        ctx.put("min_length", 1);
        ctx.put("actual_length", 0);
        c.error("too_short", "List should have at least 1 item after validation, not 0", n, ctx);
        return null;
      }
      return v;
    };
  }

  private static final Type<String> LIMIT_NAME = Bodies.NAME;
  private static final Type<Integer> NON_NEG = range(INT32, 0, null);

  static final Model<LimitV2> V2_CREATE = Model.<LimitV2>forbid("ConcurrencyLimitV2Create")
      .opt("active", BOOL, true)
      .req("name", LIMIT_NAME)
      .req("limit", NON_NEG)
      .opt("active_slots", NON_NEG, 0)
      .opt("denied_slots", NON_NEG, 0)
      .opt("slot_decay_per_second", range(FLOAT, 0, null), 0.0)
      .build(v -> new LimitV2(v.get("active"), v.get("name"), v.get("limit"), v.get("active_slots"),
          v.get("denied_slots"), v.get("slot_decay_per_second")));

  static final Model<LimitV2> V2_UPDATE = Model.<LimitV2>forbid("ConcurrencyLimitV2Update")
      .opt("active", BOOL.nullable())
      .opt("name", LIMIT_NAME.nullable())
      .opt("limit", NON_NEG.nullable())
      .opt("active_slots", NON_NEG.nullable())
      .opt("denied_slots", NON_NEG.nullable())
      .opt("slot_decay_per_second", range(FLOAT, 0, null).nullable())
      .build(v -> new LimitV2(v.get("active"), v.get("name"), v.get("limit"), v.get("active_slots"),
          v.get("denied_slots"), v.get("slot_decay_per_second")));

  static final Model<Holder> HOLDER = Model.<Holder>forbid("ConcurrencyLeaseHolder")
      .req("type", literal("flow_run", "task_run", "deployment"))
      .req("id", UUID_T)
      .build(v -> new Holder(v.get("type"), v.get("id")));

  private static Model<Increment> increment(boolean lease) {
    Model<Increment> m = Model.<Increment>embedded("increment")
        .req("slots", gt0(INT32))
        .req("names", nonEmpty(list(STR)))
        .opt("mode", literal("concurrency", "rate_limit"), "concurrency")
        .opt("create_if_missing", BOOL.nullable());
    if (lease) {
      m.opt("lease_duration", range(FLOAT, 60, 86400), 300.0).opt("holder", HOLDER.nullable());
    }
    return m.build(v -> new Increment(v.get("slots"), v.get("names"), "rate_limit".equals(v.get("mode")),
        lease ? v.<Double>get("lease_duration") : 0, lease ? v.get("holder") : null));
  }

  static final Model<Increment> INCREMENT = increment(false);
  static final Model<Increment> INCREMENT_WITH_LEASE = increment(true);

  static final Model<Decrement> DECREMENT = Model.<Decrement>embedded("decrement")
      .req("slots", gt0(INT32))
      .req("names", nonEmpty(list(STR)))
      .opt("occupancy_seconds", gt0(FLOAT).nullable())
      .opt("create_if_missing", BOOL.nullable())
      .build(v -> new Decrement(v.get("slots"), v.get("names"), v.get("occupancy_seconds")));

  static final Model<UUID> LEASE_ID = Model.<UUID>embedded("decrement_with_lease")
      .req("lease_id", UUID_T)
      .build(v -> v.get("lease_id"));

  static final Model<Double> RENEW = Model.<Double>embedded("renew")
      .opt("lease_duration", range(FLOAT, 60, 86400), 300.0)
      .build(v -> v.get("lease_duration"));

  static final Model<V1Create> V1_CREATE = Model.<V1Create>forbid("ConcurrencyLimitCreate")
      .req("tag", str(1, Integer.MAX_VALUE))
      .req("concurrency_limit", NON_NEG)
      .build(v -> new V1Create(v.get("tag"), v.get("concurrency_limit")));

  static final Model<List<UUID>> RESET = Model.<List<UUID>>embedded("reset")
      .opt("slot_override", list(UUID_T).nullable())
      .build(v -> v.get("slot_override"));

  static final Model<V1Slots> V1_SLOTS = Model.<V1Slots>embedded("v1_slots")
      .req("names", list(STR))
      .req("task_run_id", UUID_T)
      .build(v -> new V1Slots(v.get("names"), v.get("task_run_id")));

  static final Model<Integer> OFFSET = Model.<Integer>embedded("page")
      .opt("offset", range(INT32, 0, null), 0)
      .build(v -> v.get("offset"));

  public record LeaseFilter(UUID holderId, UUID limitId, boolean includeExpired) {}

  static final Model<LeaseFilter> LEASE_FILTER = Model.<LeaseFilter>embedded("lease_filter")
      .opt("holder_id", UUID_T.nullable())
      .opt("limit_id", UUID_T.nullable())
      .opt("include_expired", BOOL, false)
      .build(v -> new LeaseFilter(v.get("holder_id"), v.get("limit_id"), v.get("include_expired")));

  public static Decoded<LimitV2> v2Create(JsonNode b) { return V2_CREATE.decodeBody(b); }
  public static Decoded<LimitV2> v2Update(JsonNode b) { return V2_UPDATE.decodeBody(b); }
  public static Decoded<Increment> increment(JsonNode b) { return INCREMENT.decodeBody(b); }
  public static Decoded<Increment> incrementWithLease(JsonNode b) { return INCREMENT_WITH_LEASE.decodeBody(b); }
  public static Decoded<Decrement> decrement(JsonNode b) { return DECREMENT.decodeBody(b); }
  public static Decoded<UUID> leaseId(JsonNode b) { return LEASE_ID.decodeBody(b); }
  public static Decoded<Double> renew(JsonNode b) { return RENEW.decodeBody(b); }
  public static Decoded<V1Create> v1Create(JsonNode b) { return V1_CREATE.decodeBody(b); }
  public static Decoded<List<UUID>> reset(JsonNode b) { return RESET.decodeBody(b); }
  public static Decoded<V1Slots> v1Slots(JsonNode b) { return V1_SLOTS.decodeBody(b); }
  public static Decoded<LeaseFilter> leaseFilter(JsonNode b) { return LEASE_FILTER.decodeBody(b); }

  /** {@code {limit, offset}} with the limit rule of spec/api.md §1.6. */
  public static Decoded<Page> page(JsonNode body, int maxLimit) {
    int limit = maxLimit;
    JsonNode l = body != null && body.isObject() ? body.get("limit") : null;
    Ctx c = new Ctx("body");
    if (l != null && !l.isNull()) {
      c.push("limit");
      Long v = Types.INT.decode(l, c);
      c.pop();
      if (v != null) {
        if (v > maxLimit) return Decoded.detail("Invalid limit: must be less than or equal to " + maxLimit + ".");
        if (v < 0) return Decoded.detail("Invalid limit: must be greater than or equal to 0.");
        limit = v.intValue();
      }
    }
    Integer offset = OFFSET.decode(body, c);
    if (!c.ok()) return Decoded.invalid(c.errors());
    return Decoded.ok(new Page(limit, offset == null ? 0 : offset));
  }
}
