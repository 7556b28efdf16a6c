package dev.baton.http;

import dev.baton.domain.ConcurrencyLimitV2;
import dev.baton.http.json.ConcurrencyBodies;
import dev.baton.http.json.ConcurrencyRender;
import dev.baton.http.json.Render;
import dev.baton.orchestration.ConcurrencyFactRows;
import dev.baton.orchestration.engine.ConcurrencyEffect;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.OrchestrationSettings;
import dev.baton.orchestration.rules.concurrency.Slots;
import dev.baton.persistence.ConcurrencyStore;
import dev.baton.persistence.ConcurrencyStore.LegacyRow;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Function;

/**
 * {@code /api/concurrency_limits/…} (v1-compatible tag limits, stored as v2 {@code tag:} limits)
 * and {@code /api/v2/concurrency_limits/…} (global limits, slots, leases): spec/concurrency.md §4.
 * Every request is one transaction; limits are locked (leases first, then limits in id order)
 * before a decision, so concurrent acquisitions never over-admit.
 */
public final class ConcurrencyRoutes {
  static final String V2_NOT_FOUND = "Concurrency Limit not found";
  static final String V1_NOT_FOUND = "Concurrency limit not found";
  private static final byte[] NULL = "null".getBytes();

  private final Pool pool;
  private final OrchestrationSettings settings;
  private final int defaultLimit;
  private final dev.baton.orchestration.ApiService api;

  public ConcurrencyRoutes(Pool pool, OrchestrationSettings settings, int defaultLimit) {
    this(pool, settings, defaultLimit, null);
  }

  /** With the service the event-bus API shares (acquire, release, renew); null: one of its own. */
  public ConcurrencyRoutes(Pool pool, OrchestrationSettings settings, int defaultLimit, dev.baton.orchestration.ApiService api) {
    this.pool = pool;
    this.settings = settings;
    this.defaultLimit = defaultLimit;
    this.api = api != null ? api : new dev.baton.orchestration.ApiService(pool, null, settings);
  }

  /** An answer decided inside a transaction (which commits unless the future fails). */
  private record Reply(int status, byte[] body, String retryAfter) {
    static Reply json(int status, byte[] body) {
      return new Reply(status, body, null);
    }

    static Reply detail(int status, String detail) {
      return new Reply(status, Render.detail(detail), null);
    }

    static Reply noContent() {
      return new Reply(204, null, null);
    }
  }

  public void mount(Router r) {
    // ---- v2 ----
    String v2 = "/v2/concurrency_limits";
    r.post(v2 + "/").handler(this::v2Create);
    r.post(v2).handler(this::v2Create);
    r.post(v2 + "/filter").handler(ctx -> Http.withBody(ctx, b -> ConcurrencyBodies.page(b, defaultLimit),
        p -> Http.reply(ctx, ConcurrencyStore.list(pool, null, p.limit(), p.offset()),
            list -> Http.json(ctx, 200, Render.list(list, ConcurrencyRender::v2)))));
    r.post(v2 + "/increment").handler(ctx -> Http.withBody(ctx, ConcurrencyBodies::increment, b -> acquire(ctx, b, false)));
    r.post(v2 + "/increment-with-lease").handler(ctx -> Http.withBody(ctx, ConcurrencyBodies::incrementWithLease,
        b -> acquire(ctx, b, true)));
    r.post(v2 + "/decrement").handler(ctx -> Http.withBody(ctx, ConcurrencyBodies::decrement, b -> v2Decrement(ctx, b)));
    r.post(v2 + "/decrement-with-lease").handler(ctx -> Http.withBody(ctx, ConcurrencyBodies::leaseId,
        id -> Http.reply(ctx, api.release(id), n -> Http.noContent(ctx))));
    r.post(v2 + "/leases/filter").handler(ctx -> Http.withBody(ctx, b -> ConcurrencyBodies.page(b, defaultLimit),
        p -> Http.withBody(ctx, ConcurrencyBodies::leaseFilter, f -> Http.reply(ctx,
            ConcurrencyStore.listLeases(pool, f.holderId(), f.limitId(), f.includeExpired(), p.limit(), p.offset()),
            list -> Http.json(ctx, 200, Render.list(list, ConcurrencyRender::lease))))));
    r.post(v2 + "/leases/:lease_id/renew").handler(ctx -> {
      UUID id = Http.pathId(ctx, "lease_id");
      if (id != null) {
        Http.withBody(ctx, ConcurrencyBodies::renew, ttl -> api.renew(id, ttl).onComplete(ar -> {
          if (ar.succeeded()) {
            Http.noContent(ctx);
          } else if (ar.cause() instanceof dev.baton.orchestration.api.OrchestrationException oe
              && oe.failure() == dev.baton.orchestration.api.OrchestrationFailure.NOT_FOUND) {
            Http.detail(ctx, 410, oe.getMessage());
          } else {
            Http.fail(ctx, ar.cause());
          }
        }));
      }
    });
    r.get(v2 + "/:id_or_name/holders").handler(ctx -> Http.reply(ctx,
        ConcurrencyStore.getByIdOrName(pool, ctx.pathParam("id_or_name")).compose(l -> l == null
            ? Future.succeededFuture(null) : ConcurrencyStore.leasesOf(pool, l.id())),
        leases -> {
          if (leases == null) {
            Http.detail(ctx, 404, V2_NOT_FOUND);
          } else {
            Http.json(ctx, 200, Render.list(leases, ConcurrencyRender::holderEntry));
          }
        }));
    r.get(v2 + "/:id_or_name").handler(ctx -> Http.reply(ctx, ConcurrencyStore.getByIdOrName(pool, ctx.pathParam("id_or_name")),
        l -> {
          if (l == null) {
            Http.detail(ctx, 404, V2_NOT_FOUND);
          } else {
            Http.json(ctx, 200, Render.bytes(g -> ConcurrencyRender.v2(g, l)));
          }
        }));
    r.patch(v2 + "/:id_or_name").handler(ctx -> Http.withBody(ctx, ConcurrencyBodies::v2Update, b -> transact(ctx,
        c -> ConcurrencyStore.getByIdOrName(c, ctx.pathParam("id_or_name")).compose(l -> l == null
            ? Future.succeededFuture(Reply.detail(404, V2_NOT_FOUND))
            : ConcurrencyStore.patch(c, l.id(), fields(b)).map(ok -> Reply.noContent())))));
    r.delete(v2 + "/:id_or_name").handler(ctx -> transact(ctx,
        c -> ConcurrencyStore.getByIdOrName(c, ctx.pathParam("id_or_name")).compose(l -> l == null
            ? Future.succeededFuture(Reply.detail(404, V2_NOT_FOUND))
            : ConcurrencyStore.delete(c, l.id()).map(ok -> Reply.noContent()))));

    // ---- v1 ----
    String v1 = "/concurrency_limits";
    r.post(v1 + "/").handler(this::v1Create);
    r.post(v1).handler(this::v1Create);
    r.post(v1 + "/filter").handler(ctx -> Http.withBody(ctx, b -> ConcurrencyBodies.page(b, defaultLimit), p -> v1Filter(ctx, p)));
    r.post(v1 + "/increment").handler(ctx -> Http.withBody(ctx, ConcurrencyBodies::v1Slots, b -> v1Increment(ctx, b)));
    r.post(v1 + "/decrement").handler(ctx -> Http.withBody(ctx, ConcurrencyBodies::v1Slots, b -> v1Decrement(ctx, b)));
    r.get(v1 + "/tag/:tag").handler(ctx -> v1Read(ctx, null, ctx.pathParam("tag")));
    r.delete(v1 + "/tag/:tag").handler(ctx -> v1Delete(ctx, null, ctx.pathParam("tag")));
    r.post(v1 + "/tag/:tag/reset").handler(ctx -> Http.withBody(ctx, ConcurrencyBodies::reset,
        ids -> v1Reset(ctx, ctx.pathParam("tag"), ids)));
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

  private static ConcurrencyStore.LimitFields fields(ConcurrencyBodies.LimitV2 b) {
    return new ConcurrencyStore.LimitFields(b.active(), b.name(), b.limit(), b.activeSlots(), b.deniedSlots(),
        b.slotDecayPerSecond());
  }

  // ---------------------------------------------------------------------------------------------
  // v2

  private void v2Create(RoutingContext ctx) {
    Http.withBody(ctx, ConcurrencyBodies::v2Create, b -> Http.reply(ctx, ConcurrencyStore.insert(pool, fields(b)),
        l -> Http.json(ctx, 201, Render.bytes(g -> ConcurrencyRender.v2Full(g, l)))));
  }

  /** spec §4.2.1: increment / increment-with-lease, through the service the event-bus API uses. */
  private void acquire(RoutingContext ctx, ConcurrencyBodies.Increment b, boolean withLease) {
    dev.baton.orchestration.api.AcquireSlotsCommand cmd = new dev.baton.orchestration.api.AcquireSlotsCommand(
        b.names(), b.slots(), withLease, b.leaseDuration(), b.holder() == null ? null : b.holder().type(),
        b.holder() == null ? null : b.holder().id(), b.rateLimit(), dev.baton.orchestration.api.Deadline.NONE);
    Http.reply(ctx, api.acquire(cmd), r -> {
      if (!r.acquired()) {
        ctx.response().putHeader("Retry-After", seconds(r.retryAfterSeconds()));
        Http.json(ctx, 423, Render.detail("Locked"));
      } else {
        Http.json(ctx, 200, ConcurrencyRender.acquired(r));
      }
    });
  }

  private void v2Decrement(RoutingContext ctx, ConcurrencyBodies.Decrement b) {
    List<String> names = b.names().stream().distinct().toList();
    transact(ctx, c -> ConcurrencyStore.lockByNames(c, names).compose(found -> {
      List<ConcurrencyLimitV2> all = ConcurrencyStore.inNameOrder(found, names);
      List<UUID> ids = all.stream().filter(ConcurrencyLimitV2::active).map(ConcurrencyLimitV2::id).toList();
      return ConcurrencyStore.decrement(c, ids, b.slots(), b.occupancySeconds()).map(done ->
          Reply.json(200, Render.list(all, (g, l) -> ConcurrencyRender.minimal(g, l.id(), l.name(), l.limit()))));
    }));
  }

  // ---------------------------------------------------------------------------------------------
  // v1

  private static String tagName(String tag) {
    return "tag:" + tag;
  }

  /** The v1 view of a v2 {@code tag:} limit: holders are the task runs of its unexpired leases. */
  private Future<byte[]> v1View(io.vertx.sqlclient.SqlClient c, ConcurrencyLimitV2 l) {
    return ConcurrencyStore.leasesOf(c, l.id()).map(leases -> {
      List<UUID> holders = new ArrayList<>();
      for (ConcurrencyStore.LeaseRow lease : leases) {
        if (ConcurrencyEffect.HOLDER_TASK_RUN.equals(lease.holderType()) && lease.holderId() != null
            && !holders.contains(lease.holderId())) {
          holders.add(lease.holderId());
        }
      }
      return Render.bytes(g -> ConcurrencyRender.v1(g, l.id(), l.created(), l.updated(), l.name().substring(4),
          l.limit(), holders));
    });
  }

  private static byte[] legacyView(LegacyRow r) {
    return Render.bytes(g -> ConcurrencyRender.v1(g, r.id(), r.created(), r.updated(), r.tag(), r.limit(), r.activeSlots()));
  }

  private void v1Create(RoutingContext ctx) {
    Http.withBody(ctx, ConcurrencyBodies::v1Create, b -> transact(ctx, c -> ConcurrencyStore.getByName(c, tagName(b.tag()))
        .compose(existing -> {
          if (existing != null) {
            return ConcurrencyStore.patch(c, existing.id(),
                    new ConcurrencyStore.LimitFields(null, null, b.concurrencyLimit(), null, null, null))
                .compose(ok -> ConcurrencyStore.get(c, existing.id()))
                .compose(l -> v1View(c, l)).map(body -> Reply.json(200, body));
          }
          return ConcurrencyStore.insert(c, new ConcurrencyStore.LimitFields(true, tagName(b.tag()), b.concurrencyLimit(),
                  0, 0, 0.0))
              .compose(l -> v1View(c, l)).map(body -> Reply.json(201, body));
        })));
  }

  /** By id ({@code tag} null) or by tag: the v2 {@code tag:} limit, else the legacy row. */
  private Future<Object> v1Find(io.vertx.sqlclient.SqlClient c, UUID id, String tag) {
    Future<ConcurrencyLimitV2> v2 = id != null ? ConcurrencyStore.get(c, id) : ConcurrencyStore.getByName(c, tagName(tag));
    return v2.compose(l -> {
      if (l != null && l.name().startsWith("tag:")) {
        return Future.succeededFuture(l);
      }
      return (id != null ? ConcurrencyStore.legacyById(c, id) : ConcurrencyStore.legacyByTag(c, tag, false)).map(r -> r);
    });
  }

  private void v1Read(RoutingContext ctx, UUID id, String tag) {
    transact(ctx, c -> v1Find(c, id, tag).compose(found -> {
      if (found instanceof ConcurrencyLimitV2 l) {
        return v1View(c, l).map(b -> Reply.json(200, b));
      }
      if (found instanceof LegacyRow r) {
        return Future.succeededFuture(Reply.json(200, legacyView(r)));
      }
      return Future.succeededFuture(Reply.detail(404, V1_NOT_FOUND));
    }));
  }

  private void v1Delete(RoutingContext ctx, UUID id, String tag) {
    transact(ctx, c -> v1Find(c, id, tag).compose(found -> {
      if (found instanceof ConcurrencyLimitV2 l) {
        return ConcurrencyStore.delete(c, l.id()).map(ok -> Reply.json(200, NULL));
      }
      if (found instanceof LegacyRow r) {
        return ConcurrencyStore.legacyDelete(c, r.id()).map(ok -> Reply.json(200, NULL));
      }
      return Future.succeededFuture(Reply.detail(404, V1_NOT_FOUND));
    }));
  }

  private void v1Filter(RoutingContext ctx, ConcurrencyBodies.Page p) {
    // (long arithmetic: an offset near Integer.MAX_VALUE must not wrap to a negative LIMIT)
    int upTo = (int) Math.min(Integer.MAX_VALUE, (long) p.limit() + p.offset());
    transact(ctx, c -> ConcurrencyStore.list(c, "tag:", upTo, 0).compose(v2 ->
        ConcurrencyStore.legacyList(c, upTo).compose(legacy -> {
          List<Future<byte[]>> views = new ArrayList<>();
          List<String> tags = new ArrayList<>();
          for (ConcurrencyLimitV2 l : v2) {
            views.add(v1View(c, l));
            tags.add(l.name().substring(4));
          }
          for (LegacyRow r : legacy) {
            if (!tags.contains(r.tag())) {
              views.add(Future.succeededFuture(legacyView(r)));
            }
          }
          return Future.all(views).map(all -> {
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < views.size(); i++) {
              bodies.add(views.get(i).result());
            }
            List<byte[]> page = bodies.subList(Math.min(p.offset(), bodies.size()), Math.min(upTo, bodies.size()));
            return Reply.json(200, joinArray(page));
          });
        })));
  }

  private static byte[] joinArray(List<byte[]> items) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write('[');
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(items.get(i));
    }
    out.write(']');
    return out.toByteArray();
  }

  /** spec §4.1: revoke every lease of the limit (Baton gives their slots back), then seat the override ids. */
  private void v1Reset(RoutingContext ctx, String tag, List<UUID> override) {
    transact(ctx, c -> v1Find(c, null, tag).compose(found -> {
      if (found instanceof ConcurrencyLimitV2 l) {
        return ConcurrencyStore.lockLeasesOf(c, l.id())
            .compose(leases -> ConcurrencyStore.releaseLeases(c, leases.stream().map(ConcurrencyStore.LeaseRow::id).toList()))
            .compose(n -> {
              Future<Void> chain = Future.succeededFuture();
              for (UUID holder : override == null ? List.<UUID>of() : override.stream().distinct().toList()) {
                chain = chain.compose(v -> ConcurrencyStore.increment(c, List.of(l.id()), 1, dev.baton.domain.Ids.uuid7(),
                    settings.taskLeaseSeconds(), ConcurrencyEffect.HOLDER_TASK_RUN, holder).mapEmpty());
              }
              return chain.map(v -> Reply.json(200, NULL));
            });
      }
      if (found instanceof LegacyRow r) {
        return ConcurrencyStore.legacySetSlots(c, r.id(), override == null ? List.of() : override)
            .map(v -> Reply.json(200, NULL));
      }
      return Future.succeededFuture(Reply.detail(404, V1_NOT_FOUND));
    }));
  }

  /** spec §4.1.1, with set semantics per task run: a run that already holds a tag's slot keeps it. */
  private void v1Increment(RoutingContext ctx, ConcurrencyBodies.V1Slots b) {
    List<String> tags = b.names().stream().distinct().toList();
    UUID run = b.taskRunId();
    List<String> names = tags.stream().map(ConcurrencyRoutes::tagName).toList();
    transact(ctx, c -> ConcurrencyStore.lockLeasesHeldBy(c, run).compose(held ->
        ConcurrencyStore.lockLegacyByTags(c, tags).compose(legacyRows ->
            ConcurrencyStore.lockByNames(c, names).compose(v2Rows -> {
              Map<String, ConcurrencyLimitV2> v2 = new HashMap<>();
              v2Rows.forEach(l -> v2.put(l.name().substring(4), l));
              Map<String, LegacyRow> legacy = new HashMap<>();
              legacyRows.forEach(r -> legacy.put(r.tag(), r));
              for (String t : tags) {
                ConcurrencyLimitV2 l = v2.get(t);
                LegacyRow r = legacy.get(t);
                if (l != null ? l.limit() == 0 : r != null && r.limit() == 0) {
                  return Future.succeededFuture(Reply.detail(423, Slots.zeroTagLimit(t)));
                }
              }
              List<ConcurrencyLimitV2> acquire = new ArrayList<>();
              List<LegacyRow> legacyAcquire = new ArrayList<>();
              String wait = seconds(settings.tagConcurrencySlotWaitSeconds());
              for (String t : tags) {
                ConcurrencyLimitV2 l = v2.get(t);
                if (l != null && l.active()) {
                  acquire.add(l);
                } else if (legacy.containsKey(t)) {
                  LegacyRow r = legacy.get(t);
                  if (r.activeSlots().size() >= r.limit() && !r.activeSlots().contains(run)) {
                    return Future.succeededFuture(new Reply(423,
                        Render.detail("Concurrency limit for the " + t + " tag has been reached"), wait));
                  }
                  legacyAcquire.add(r);
                }
              }
              List<ConcurrencyFacts.Limit> facts = acquire.stream().map(ConcurrencyFactRows::limit)
                  .filter(f -> !Slots.covers(ConcurrencyFactRows.leases(held), List.of(f))).toList();
              List<ConcurrencyFacts.Limit> full = facts.stream().filter(f -> !f.fits(1)).toList();
              if (!full.isEmpty()) {
                double retry = Slots.retryAfterSeconds(full, 1, settings.tagConcurrencySlotWaitSeconds(),
                    settings.maxSlotWaitSeconds(), new SplittableRandom());
                String first = acquire.get(0).name().substring(4);
                return ConcurrencyStore.recordDenied(c, Slots.ids(full), 1).map(v -> new Reply(423,
                    Render.detail("Concurrency limit for the " + first + " tag has been reached"), seconds(retry)));
              }
              return ConcurrencyStore.increment(c, Slots.ids(facts), 1, facts.isEmpty() ? null : dev.baton.domain.Ids.uuid7(),
                      settings.taskLeaseSeconds(), ConcurrencyEffect.HOLDER_TASK_RUN, run)
                  .compose(ok -> ok ? ConcurrencyStore.legacyAdd(c, legacyAcquire.stream().map(LegacyRow::id).toList(), run)
                      : Future.failedFuture(new IllegalStateException("slots no longer free under the lock")))
                  .map(v -> {
                    List<Object[]> out = new ArrayList<>();
                    acquire.forEach(l -> out.add(new Object[] {l.id(), l.name().substring(4), l.limit()}));
                    legacyAcquire.forEach(r -> out.add(new Object[] {r.id(), r.tag(), r.limit()}));
                    return Reply.json(200, Render.list(out, (g, o) -> ConcurrencyRender.minimal(g, (UUID) o[0], (String) o[1], (Integer) o[2])));
                  });
            }))));
  }

  /** spec §4.1.2: release the run's leases on the named tag limits, then leave legacy rows. */
  private void v1Decrement(RoutingContext ctx, ConcurrencyBodies.V1Slots b) {
    List<String> tags = b.names().stream().distinct().toList();
    UUID run = b.taskRunId();
    List<String> names = tags.stream().map(ConcurrencyRoutes::tagName).toList();
    transact(ctx, c -> ConcurrencyStore.lockLeasesHeldBy(c, run).compose(held ->
        ConcurrencyStore.lockLegacyByTags(c, tags).compose(legacyRows ->
            ConcurrencyStore.lockByNames(c, names).compose(v2Rows -> {
              List<ConcurrencyLimitV2> v2 = ConcurrencyStore.inNameOrder(v2Rows, names);
              List<UUID> release = new ArrayList<>();
              for (ConcurrencyLimitV2 l : v2) {
                for (ConcurrencyStore.LeaseRow lease : held) {
                  if (lease.resourceIds().contains(l.id()) && !release.contains(lease.id())) {
                    release.add(lease.id());
                  }
                }
              }
              List<String> shadowed = v2.stream().map(l -> l.name().substring(4)).toList();
              List<LegacyRow> legacy = legacyRows.stream()
                  .filter(r -> !shadowed.contains(r.tag()) && r.activeSlots().contains(run)).toList();
              return ConcurrencyStore.releaseLeases(c, release)
                  .compose(n -> ConcurrencyStore.legacyRemove(c, legacy.stream().map(LegacyRow::id).toList(), run))
                  .map(removed -> {
                    List<Object[]> out = new ArrayList<>();
                    v2.forEach(l -> out.add(new Object[] {l.id(), l.name(), l.limit()}));
                    legacy.forEach(r -> out.add(new Object[] {r.id(), r.tag(), r.limit()}));
                    return Reply.json(200, Render.list(out, (g, o) -> ConcurrencyRender.minimal(g, (UUID) o[0], (String) o[1], (Integer) o[2])));
                  });
            }))));
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  /** A Retry-After value as Prefect writes it: float seconds ("2.53", "10.0"). */
  static String seconds(double s) {
    String t = String.format(Locale.ROOT, "%.2f", s);
    t = t.replaceAll("0+$", "");
    return t.endsWith(".") ? t + "0" : t;
  }

  private void transact(RoutingContext ctx, Function<SqlConnection, Future<Reply>> work) {
    Http.reply(ctx, pool.withTransaction(work::apply), r -> {
      if (r.retryAfter() != null) {
        ctx.response().putHeader("Retry-After", r.retryAfter());
      }
      if (r.status() == 204) {
        Http.noContent(ctx);
      } else {
        Http.json(ctx, r.status(), r.body());
      }
    });
  }


}
