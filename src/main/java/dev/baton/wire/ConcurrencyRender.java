package dev.baton.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.baton.domain.ConcurrencyLease;
import dev.baton.domain.ConcurrencyLimitV2;
import dev.baton.orchestration.api.SlotsResult;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Response bodies of the concurrency-limit endpoints (spec/concurrency.md §4). */
public final class ConcurrencyRender {
  private ConcurrencyRender() {}

  /** The create response: every column. */
  public static void v2Full(JsonGenerator g, ConcurrencyLimitV2 l) throws IOException {
    g.writeStartObject();
    common(g, l);
    g.writeNumberField("denied_slots", l.deniedSlots());
    g.writeNumberField("slot_decay_per_second", l.slotDecayPerSecond());
    g.writeNumberField("avg_slot_occupancy_seconds", l.avgSlotOccupancySeconds());
    g.writeEndObject();
  }

  /** GlobalConcurrencyLimitResponse: read and filter. */
  public static void v2(JsonGenerator g, ConcurrencyLimitV2 l) throws IOException {
    g.writeStartObject();
    common(g, l);
    g.writeNumberField("slot_decay_per_second", l.slotDecayPerSecond());
    g.writeEndObject();
  }

  private static void common(JsonGenerator g, ConcurrencyLimitV2 l) throws IOException {
    Render.uuid(g, "id", l.id());
    Render.time(g, "created", l.created());
    Render.time(g, "updated", l.updated());
    g.writeBooleanField("active", l.active());
    g.writeStringField("name", l.name());
    g.writeNumberField("limit", l.limit());
    g.writeNumberField("active_slots", l.activeSlots());
  }

  /** MinimalConcurrencyLimitResponse {@code {id, name, limit}}. */
  public static void minimal(JsonGenerator g, UUID id, String name, int limit) throws IOException {
    g.writeStartObject();
    Render.uuid(g, "id", id);
    g.writeStringField("name", name);
    g.writeNumberField("limit", limit);
    g.writeEndObject();
  }

  /** A limit slots were taken of or given back to, as MinimalConcurrencyLimitResponse. */
  public static void minimal(JsonGenerator g, SlotsResult.Limit l) throws IOException {
    minimal(g, l.id(), l.name(), l.limit());
  }

  /** The answer to a decrement or a v1 increment: the limits touched. */
  public static byte[] touched(List<SlotsResult.Limit> limits) {
    return Render.list(limits, ConcurrencyRender::minimal);
  }

  /** The v1 view {@code {id, created, updated, tag, concurrency_limit, active_slots}}. */
  public static void v1(JsonGenerator g, UUID id, Instant created, Instant updated, String tag, int limit,
      List<UUID> slots) throws IOException {
    g.writeStartObject();
    Render.uuid(g, "id", id);
    Render.time(g, "created", created);
    Render.time(g, "updated", updated);
    g.writeStringField("tag", tag);
    g.writeNumberField("concurrency_limit", limit);
    g.writeArrayFieldStart("active_slots");
    for (UUID s : slots) {
      g.writeString(s.toString());
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** A lease: {@code {id, resource_ids, slots, holder, created, expiration}} (null expiration = never). */
  public static void lease(JsonGenerator g, ConcurrencyLease l) throws IOException {
    g.writeStartObject();
    Render.uuid(g, "id", l.id());
    g.writeArrayFieldStart("resource_ids");
    for (UUID r : l.resourceIds()) {
      g.writeString(r.toString());
    }
    g.writeEndArray();
    g.writeNumberField("slots", l.slots());
    g.writeFieldName("holder");
    holder(g, l);
    Render.time(g, "created", l.created());
    Render.time(g, "expiration", l.expiresAt() == null || l.expiresAt().equals(Instant.MAX) ? null : l.expiresAt());
    g.writeEndObject();
  }

  /** One holder of a limit's slots (Baton's {@code …/holders}). */
  public static void holderEntry(JsonGenerator g, ConcurrencyLease l) throws IOException {
    g.writeStartObject();
    Render.uuid(g, "lease_id", l.id());
    g.writeFieldName("holder");
    holder(g, l);
    g.writeNumberField("slots", l.slots());
    Render.time(g, "created", l.created());
    Render.time(g, "expiration", l.expiresAt() == null || l.expiresAt().equals(Instant.MAX) ? null : l.expiresAt());
    g.writeEndObject();
  }

  private static void holder(JsonGenerator g, ConcurrencyLease l) throws IOException {
    if (l.holderType() == null || l.holderId() == null) {
      g.writeNull();
    } else {
      g.writeStartObject();
      g.writeStringField("type", l.holderType());
      Render.uuid(g, "id", l.holderId());
      g.writeEndObject();
    }
  }

  /**
   * The answer to increment ({@code [limits]}) or increment-with-lease ({@code {lease_id, limits}})
   * when the slots were taken.
   */
  public static byte[] acquired(SlotsResult r) {
    if (r.leaseId() == null) {
      return touched(r.limits());
    }
    return Render.bytes(g -> {
      g.writeStartObject();
      g.writeStringField("lease_id", r.leaseId().toString());
      g.writeFieldName("limits");
      Render.list(g, r.limits(), ConcurrencyRender::minimal);
      g.writeEndObject();
    });
  }
}
