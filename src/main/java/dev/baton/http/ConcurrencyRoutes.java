package dev.baton.http;

import dev.baton.wire.ConcurrencyBodies;
import dev.baton.wire.ConcurrencyRender;
import dev.baton.wire.Render;
import dev.baton.orchestration.api.AcquireSlotsCommand;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.api.SlotCommands;
import dev.baton.service.ConcurrencyLimits;
import dev.baton.service.ConcurrencyLimits.TagLimit;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.UUID;

/**
 * {@code /api/concurrency_limits/…} (v1-compatible tag limits, stored as v2 {@code tag:} limits)
 * and {@code /api/v2/concurrency_limits/…} (global limits, slots, leases): spec/concurrency.md §4.
 * Decodes, calls {@link SlotCommands} (taking and giving back slots: acquire, release and renew,
 * which the event-bus API serves too, and the v1 tag increment, decrement and reset) or
 * {@link ConcurrencyLimits} (limits' and leases' CRUD and listing, v2 decrement; one transaction
 * per request, decisions on locked rows), and renders.
 */
public final class ConcurrencyRoutes {
  static final String V2_NOT_FOUND = "Concurrency Limit not found";
  static final String V1_NOT_FOUND = "Concurrency limit not found";
  private static final byte[] NULL = "null".getBytes();

  private final ConcurrencyLimits limits;
  private final SlotCommands slots;
  private final int defaultLimit;

  /**
   * @param slots the slot commands (acquire, release and renew shared with the event-bus API)
   * @param defaultLimit the page size when a filter request names none
   */
  public ConcurrencyRoutes(ConcurrencyLimits limits, SlotCommands slots, int defaultLimit) {
    this.limits = limits;
    this.slots = slots;
    this.defaultLimit = defaultLimit;
  }

  public void mount(Router r) {
    // ---- v2 ----
    String v2 = "/v2/concurrency_limits";
    r.post(v2 + "/").handler(this::v2Create);
    r.post(v2).handler(this::v2Create);
    r.post(v2 + "/filter").handler(ctx -> Http.withBody(ctx, b -> ConcurrencyBodies.page(b, defaultLimit),
        p -> Http.reply(ctx, limits.list(p.limit(), p.offset()),
            list -> Http.json(ctx, 200, Render.list(list, ConcurrencyRender::v2)))));
    r.post(v2 + "/increment").handler(ctx -> Http.withBody(ctx, ConcurrencyBodies::increment, b -> acquire(ctx, b, false)));
    r.post(v2 + "/increment-with-lease").handler(ctx -> Http.withBody(ctx, ConcurrencyBodies::incrementWithLease,
        b -> acquire(ctx, b, true)));
    r.post(v2 + "/decrement").handler(ctx -> Http.withBody(ctx, ConcurrencyBodies::decrement,
        b -> Http.reply(ctx, limits.decrement(b.names(), b.slots(), b.occupancySeconds()),
            all -> Http.json(ctx, 200, Render.list(all, (g, l) -> ConcurrencyRender.minimal(g, l.id(), l.name(), l.limit()))))));
    r.post(v2 + "/decrement-with-lease").handler(ctx -> Http.withBody(ctx, ConcurrencyBodies::leaseId,
        id -> Http.reply(ctx, slots.release(id), n -> Http.noContent(ctx))));
    r.post(v2 + "/leases/filter").handler(ctx -> Http.withBody(ctx, b -> ConcurrencyBodies.page(b, defaultLimit),
        p -> Http.withBody(ctx, ConcurrencyBodies::leaseFilter, f -> Http.reply(ctx,
            limits.leases(f.holderId(), f.limitId(), f.includeExpired(), p.limit(), p.offset()),
            list -> Http.json(ctx, 200, Render.list(list, ConcurrencyRender::lease))))));
    r.post(v2 + "/leases/:lease_id/renew").handler(ctx -> {
      UUID id = Http.pathId(ctx, "lease_id");
      if (id != null) {
        Http.withBody(ctx, ConcurrencyBodies::renew, ttl -> slots.renew(id, ttl).onComplete(ar -> {
          if (ar.succeeded()) {
            Http.noContent(ctx);
          } else if (ar.cause() instanceof OrchestrationException oe && oe.failure() == OrchestrationFailure.NOT_FOUND) {
            Http.detail(ctx, 410, oe.getMessage());
          } else {
            Http.fail(ctx, ar.cause());
          }
        }));
      }
    });
    r.get(v2 + "/:id_or_name/holders").handler(ctx -> Http.reply(ctx, limits.holders(ctx.pathParam("id_or_name")),
        leases -> {
          if (leases == null) {
            Http.detail(ctx, 404, V2_NOT_FOUND);
          } else {
            Http.json(ctx, 200, Render.list(leases, ConcurrencyRender::holderEntry));
          }
        }));
    r.get(v2 + "/:id_or_name").handler(ctx -> Http.reply(ctx, limits.get(ctx.pathParam("id_or_name")),
        l -> {
          if (l == null) {
            Http.detail(ctx, 404, V2_NOT_FOUND);
          } else {
            Http.json(ctx, 200, Render.bytes(g -> ConcurrencyRender.v2(g, l)));
          }
        }));
    r.patch(v2 + "/:id_or_name").handler(ctx -> Http.withBody(ctx, ConcurrencyBodies::v2Update,
        b -> Http.reply(ctx, limits.update(ctx.pathParam("id_or_name"), fields(b)), found -> noContentOr404(ctx, found))));
    r.delete(v2 + "/:id_or_name").handler(ctx -> Http.reply(ctx, limits.delete(ctx.pathParam("id_or_name")),
        found -> noContentOr404(ctx, found)));

    // ---- v1 ----
    String v1 = "/concurrency_limits";
    r.post(v1 + "/").handler(this::v1Create);
    r.post(v1).handler(this::v1Create);
    r.post(v1 + "/filter").handler(ctx -> Http.withBody(ctx, b -> ConcurrencyBodies.page(b, defaultLimit),
        p -> Http.reply(ctx, limits.listTags(p.limit(), p.offset()),
            page -> Http.json(ctx, 200, Render.list(page, ConcurrencyRoutes::v1View)))));
    r.post(v1 + "/increment").handler(ctx -> Http.withBody(ctx, ConcurrencyBodies::v1Slots, b -> v1Increment(ctx, b)));
    r.post(v1 + "/decrement").handler(ctx -> Http.withBody(ctx, ConcurrencyBodies::v1Slots,
        b -> Http.reply(ctx, slots.decrementTags(b.names(), b.taskRunId()),
            out -> Http.json(ctx, 200, ConcurrencyRender.touched(out)))));
    r.get(v1 + "/tag/:tag").handler(ctx -> v1Read(ctx, null, ctx.pathParam("tag")));
    r.delete(v1 + "/tag/:tag").handler(ctx -> v1Delete(ctx, null, ctx.pathParam("tag")));
    r.post(v1 + "/tag/:tag/reset").handler(ctx -> Http.withBody(ctx, ConcurrencyBodies::reset,
        ids -> Http.reply(ctx, slots.resetTag(ctx.pathParam("tag"), ids), found -> nullOr404(ctx, found))));
    r.get(v1 + "/:id").handler(ctx -> {
      UUID id = Http.pathId(ctx, "id");
      if (id != null) {
        v1Read(ctx, id, null);
      }
    });
    r.delete(v1 + "/:id").handler(ctx -> {
      UUID id = Http.pathId(ctx, "id");
      if (id != null) {
        v1Delete(ctx, id, null);
      }
    });
  }

  private static ConcurrencyLimits.Fields fields(ConcurrencyBodies.LimitV2 b) {
    return new ConcurrencyLimits.Fields(b.active(), b.name(), b.limit(), b.activeSlots(), b.deniedSlots(),
        b.slotDecayPerSecond());
  }

  private static void noContentOr404(RoutingContext ctx, boolean found) {
    if (found) {
      Http.noContent(ctx);
    } else {
      Http.detail(ctx, 404, V2_NOT_FOUND);
    }
  }

  /** v1 delete and reset answer a JSON {@code null}. */
  private static void nullOr404(RoutingContext ctx, boolean found) {
    if (found) {
      Http.json(ctx, 200, NULL);
    } else {
      Http.detail(ctx, 404, V1_NOT_FOUND);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // v2

  private void v2Create(RoutingContext ctx) {
    Http.withBody(ctx, ConcurrencyBodies::v2Create, b -> Http.reply(ctx, limits.create(fields(b)),
        l -> Http.json(ctx, 201, Render.bytes(g -> ConcurrencyRender.v2Full(g, l)))));
  }

  /** spec §4.2.1: increment / increment-with-lease, through the service the event-bus API uses. */
  private void acquire(RoutingContext ctx, ConcurrencyBodies.Increment b, boolean withLease) {
    AcquireSlotsCommand cmd = new AcquireSlotsCommand(b.names(), b.slots(), withLease, b.leaseDuration(),
        b.holder() == null ? null : b.holder().type(), b.holder() == null ? null : b.holder().id(), b.rateLimit(),
        Deadline.NONE);
    Http.reply(ctx, slots.acquire(cmd), r -> {
      if (!r.acquired()) {
        ctx.response().putHeader("Retry-After", seconds(r.retryAfterSeconds()));
        Http.json(ctx, 423, Render.detail("Locked"));
      } else {
        Http.json(ctx, 200, ConcurrencyRender.acquired(r));
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // v1

  private static void v1View(com.fasterxml.jackson.core.JsonGenerator g, TagLimit t) throws java.io.IOException {
    ConcurrencyRender.v1(g, t.id(), t.created(), t.updated(), t.tag(), t.limit(), t.activeSlots());
  }

  private void v1Create(RoutingContext ctx) {
    Http.withBody(ctx, ConcurrencyBodies::v1Create, b -> Http.reply(ctx, limits.createTag(b.tag(), b.concurrencyLimit()),
        w -> Http.json(ctx, w.created() ? 201 : 200, Render.bytes(g -> v1View(g, w.limit())))));
  }

  private void v1Read(RoutingContext ctx, UUID id, String tag) {
    Http.reply(ctx, limits.readTag(id, tag), t -> {
      if (t == null) {
        Http.detail(ctx, 404, V1_NOT_FOUND);
      } else {
        Http.json(ctx, 200, Render.bytes(g -> v1View(g, t)));
      }
    });
  }

  private void v1Delete(RoutingContext ctx, UUID id, String tag) {
    Http.reply(ctx, limits.deleteTag(id, tag), found -> nullOr404(ctx, found));
  }

  /** spec §4.1.1: 423 when a tag's limit is 0 or full (with {@code Retry-After} when retrying can help). */
  private void v1Increment(RoutingContext ctx, ConcurrencyBodies.V1Slots b) {
    Http.reply(ctx, slots.incrementTags(b.names(), b.taskRunId()), r -> {
      if (r.acquired()) {
        Http.json(ctx, 200, ConcurrencyRender.touched(r.taken()));
        return;
      }
      if (r.retryAfterSeconds() != null) {
        ctx.response().putHeader("Retry-After", seconds(r.retryAfterSeconds()));
      }
      Http.detail(ctx, 423, r.refusal());
    });
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  /** A Retry-After value as Prefect writes it: float seconds ("2.53", "10.0"). */
  static String seconds(double s) {
    String t = String.format(Locale.ROOT, "%.2f", s);
    t = t.replaceAll("0+$", "");
    return t.endsWith(".") ? t + "0" : t;
  }
}
