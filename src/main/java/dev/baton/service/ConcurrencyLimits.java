package dev.baton.service;

import dev.baton.domain.ConcurrencyLease;
import dev.baton.domain.ConcurrencyLimitV2;
import dev.baton.domain.Ids;
import dev.baton.domain.TagLimitNames;
import dev.baton.orchestration.engine.ConcurrencyEffect;
import dev.baton.orchestration.run.ConcurrencyFactRows;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.OrchestrationSettings;
import dev.baton.orchestration.rules.concurrency.Slots;
import dev.baton.persistence.concurrency.LeaseStore;
import dev.baton.persistence.concurrency.LegacyLimitStore;
import dev.baton.persistence.concurrency.LegacyRow;
import dev.baton.persistence.concurrency.LimitStore;
import dev.baton.persistence.concurrency.SlotStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Concurrency limits besides what the event-bus API serves (acquire, release and renew are
 * {@link dev.baton.orchestration.commands.ApiService}'s): v2 limits' CRUD, listing and decrement, leases'
 * listing, and the v1 tag-limit API (spec/concurrency.md §4). v1 tag limits are v2 limits named
 * {@code tag:<tag>}; a legacy v1 row is honoured when no such v2 limit exists.
 *
 * <p>Every write is one transaction, and decisions are taken on locked rows (the holder's leases
 * first, then legacy rows, then v2 limits in id order — the lock order of docs/architecture.md),
 * so concurrent requests never over-admit. "Not found" is an answer here (null / false), not a
 * failure: the HTTP API words it differently per endpoint.
 */
public final class ConcurrencyLimits {
  /** The fields of a v2 limit to create or change; null = not given. */
  public record Fields(Boolean active, String name, Integer limit, Integer activeSlots, Integer deniedSlots,
      Double slotDecayPerSecond) {}

  /**
   * A tag limit as the v1 API shows it: the v2 {@code tag:} limit (its holders are the task runs of
   * its unexpired leases) or a legacy row (its holders are stored with it).
   */
  public record TagLimit(UUID id, Instant created, Instant updated, String tag, int limit, List<UUID> activeSlots) {}

  /** A v1 tag limit written: {@code created} false when an existing one got the new limit. */
  public record TagLimitWritten(TagLimit limit, boolean created) {}

  /** A limit an increment or decrement took or gave back slots of. */
  public record Touched(UUID id, String name, int limit) {}

  /**
   * The answer to a v1 increment: the limits taken, or a refusal (nothing written but the denial)
   * with its text and, when retrying can help, after how many seconds.
   */
  public record TagSlots(List<Touched> taken, String refusal, Double retryAfterSeconds) {
    static TagSlots refused(String refusal, Double retryAfterSeconds) {
      return new TagSlots(List.of(), refusal, retryAfterSeconds);
    }

    public boolean acquired() {
      return refusal == null;
    }
  }

  private final Pool pool;
  private final OrchestrationSettings settings;

  public ConcurrencyLimits(Pool pool, OrchestrationSettings settings) {
    this.pool = pool;
    this.settings = settings;
  }

  private static LimitStore.LimitFields row(Fields f) {
    return new LimitStore.LimitFields(f.active(), f.name(), f.limit(), f.activeSlots(), f.deniedSlots(),
        f.slotDecayPerSecond());
  }

  // ---------------------------------------------------------------------------------------------
  // v2

  public Future<ConcurrencyLimitV2> create(Fields f) {
    return LimitStore.insert(pool, row(f));
  }

  public Future<List<ConcurrencyLimitV2>> list(int limit, int offset) {
    return LimitStore.list(pool, null, limit, offset);
  }

  /** The limit named or identified by {@code idOrName}; null when there is none. */
  public Future<ConcurrencyLimitV2> get(String idOrName) {
    return LimitStore.getByIdOrName(pool, idOrName);
  }

  /** The unexpired leases on the limit {@code idOrName}; null when there is no such limit. */
  public Future<List<ConcurrencyFacts.Lease>> holders(String idOrName) {
    return LimitStore.getByIdOrName(pool, idOrName).compose(l -> l == null
        ? Future.succeededFuture(null) : LeaseStore.leasesOf(pool, l.id()).map(ConcurrencyFactRows::leases));
  }

  /** Leases by holder and/or limit, a page of them. */
  public Future<List<ConcurrencyFacts.Lease>> leases(UUID holderId, UUID limitId, boolean includeExpired, int limit,
      int offset) {
    return LeaseStore.listLeases(pool, holderId, limitId, includeExpired, limit, offset)
        .map(ConcurrencyFactRows::leases);
  }

  /** Changes the given fields; false when there is no such limit. */
  public Future<Boolean> update(String idOrName, Fields f) {
    return pool.withTransaction(c -> LimitStore.getByIdOrName(c, idOrName).compose(l -> l == null
        ? Future.succeededFuture(false)
        : LimitStore.patch(c, l.id(), row(f)).map(ok -> true)));
  }

  /** False when there is no such limit. */
  public Future<Boolean> delete(String idOrName) {
    return pool.withTransaction(c -> LimitStore.getByIdOrName(c, idOrName).compose(l -> l == null
        ? Future.succeededFuture(false)
        : LimitStore.delete(c, l.id()).map(ok -> true)));
  }

  /**
   * spec §4.2.1 decrement (no lease): gives {@code slots} back to every active limit named; answers
   * every limit found (active or not), in the order named.
   */
  public Future<List<ConcurrencyLimitV2>> decrement(List<String> names, int slots, Double occupancySeconds) {
    List<String> distinct = names.stream().distinct().toList();
    return pool.withTransaction(c -> LimitStore.lockByNames(c, distinct).compose(found -> {
      List<ConcurrencyLimitV2> all = LimitStore.inNameOrder(found, distinct);
      List<UUID> ids = all.stream().filter(ConcurrencyLimitV2::active).map(ConcurrencyLimitV2::id).toList();
      return SlotStore.decrement(c, ids, slots, occupancySeconds).map(done -> all);
    }));
  }

  // ---------------------------------------------------------------------------------------------
  // v1

  /** The v1 view of a v2 {@code tag:} limit: holders are the task runs of its unexpired leases. */
  private static Future<TagLimit> tagView(SqlClient c, ConcurrencyLimitV2 l) {
    return LeaseStore.leasesOf(c, l.id()).map(leases -> {
      List<UUID> holders = new ArrayList<>();
      for (ConcurrencyLease lease : leases) {
        if (ConcurrencyEffect.HOLDER_TASK_RUN.equals(lease.holderType()) && lease.holderId() != null
            && !holders.contains(lease.holderId())) {
          holders.add(lease.holderId());
        }
      }
      return new TagLimit(l.id(), l.created(), l.updated(), TagLimitNames.tagOf(l.name()), l.limit(), holders);
    });
  }

  private static TagLimit legacyView(LegacyRow r) {
    return new TagLimit(r.id(), r.created(), r.updated(), r.tag(), r.limit(), r.activeSlots());
  }

  /** spec §4.1: creates the tag's limit, or sets the limit of the existing one. */
  public Future<TagLimitWritten> createTag(String tag, int limit) {
    return pool.withTransaction(c -> LimitStore.getByName(c, TagLimitNames.name(tag)).compose(existing -> {
      if (existing != null) {
        return LimitStore.patch(c, existing.id(),
                new LimitStore.LimitFields(null, null, limit, null, null, null))
            .compose(ok -> LimitStore.get(c, existing.id()))
            .compose(l -> tagView(c, l)).map(v -> new TagLimitWritten(v, false));
      }
      return LimitStore.insert(c, new LimitStore.LimitFields(true, TagLimitNames.name(tag), limit, 0, 0, 0.0))
          .compose(l -> tagView(c, l)).map(v -> new TagLimitWritten(v, true));
    }));
  }

  /** By id ({@code tag} null) or by tag: the v2 {@code tag:} limit, else the legacy row, else null. */
  private static Future<Object> findTag(SqlClient c, UUID id, String tag) {
    Future<ConcurrencyLimitV2> v2 = id != null ? LimitStore.get(c, id) : LimitStore.getByName(c, TagLimitNames.name(tag));
    return v2.compose(l -> {
      if (l != null && TagLimitNames.isTagLimit(l.name())) {
        return Future.succeededFuture(l);
      }
      return (id != null ? LegacyLimitStore.byId(c, id) : LegacyLimitStore.byTag(c, tag, false)).map(r -> r);
    });
  }

  /** By id ({@code tag} null) or by tag; null when there is no such tag limit. */
  public Future<TagLimit> readTag(UUID id, String tag) {
    return pool.withTransaction(c -> findTag(c, id, tag).compose(found -> {
      if (found instanceof ConcurrencyLimitV2 l) {
        return tagView(c, l);
      }
      if (found instanceof LegacyRow r) {
        return Future.succeededFuture(legacyView(r));
      }
      return Future.succeededFuture(null);
    }));
  }

  /** By id ({@code tag} null) or by tag; false when there is no such tag limit. */
  public Future<Boolean> deleteTag(UUID id, String tag) {
    return pool.withTransaction(c -> findTag(c, id, tag).compose(found -> {
      if (found instanceof ConcurrencyLimitV2 l) {
        return LimitStore.delete(c, l.id()).map(ok -> true);
      }
      if (found instanceof LegacyRow r) {
        return LegacyLimitStore.delete(c, r.id()).map(ok -> true);
      }
      return Future.succeededFuture(false);
    }));
  }

  /**
   * A page of tag limits: the v2 {@code tag:} limits, then the legacy rows no v2 limit shadows.
   */
  public Future<List<TagLimit>> listTags(int limit, int offset) {
    // (long arithmetic: an offset near Integer.MAX_VALUE must not wrap to a negative LIMIT)
    int upTo = (int) Math.min(Integer.MAX_VALUE, (long) limit + offset);
    return pool.withTransaction(c -> LimitStore.list(c, TagLimitNames.PREFIX, upTo, 0).compose(v2 ->
        LegacyLimitStore.list(c, upTo).compose(legacy -> {
          List<Future<TagLimit>> views = new ArrayList<>();
          List<String> tags = new ArrayList<>();
          for (ConcurrencyLimitV2 l : v2) {
            views.add(tagView(c, l));
            tags.add(TagLimitNames.tagOf(l.name()));
          }
          for (LegacyRow r : legacy) {
            if (!tags.contains(r.tag())) {
              views.add(Future.succeededFuture(legacyView(r)));
            }
          }
          return Future.all(views).map(all -> {
            List<TagLimit> out = new ArrayList<>();
            for (Future<TagLimit> v : views) {
              out.add(v.result());
            }
            return List.copyOf(out.subList(Math.min(offset, out.size()), Math.min(upTo, out.size())));
          });
        })));
  }

  /**
   * spec §4.1: revokes every lease of the tag's limit (their slots given back), then seats the
   * {@code override} task runs; false when there is no such tag limit.
   */
  public Future<Boolean> resetTag(String tag, List<UUID> override) {
    return pool.withTransaction(c -> findTag(c, null, tag).compose(found -> {
      if (found instanceof ConcurrencyLimitV2 l) {
        return LeaseStore.lockLeasesOf(c, l.id())
            .compose(leases -> SlotStore.releaseLeases(c, leases.stream().map(ConcurrencyLease::id).toList()))
            .compose(n -> {
              Future<Void> chain = Future.succeededFuture();
              for (UUID holder : override == null ? List.<UUID>of() : override.stream().distinct().toList()) {
                chain = chain.compose(v -> SlotStore.increment(c, List.of(l.id()), 1, Ids.uuid7(),
                    settings.taskLeaseSeconds(), ConcurrencyEffect.HOLDER_TASK_RUN, holder).mapEmpty());
              }
              return chain.map(v -> true);
            });
      }
      if (found instanceof LegacyRow r) {
        return LegacyLimitStore.setSlots(c, r.id(), override == null ? List.of() : override).map(v -> true);
      }
      return Future.succeededFuture(false);
    }));
  }

  /**
   * spec §4.1.1: one slot of every named tag's limit for the task run, all or none, with set
   * semantics per task run (a run that already holds a tag's slot keeps it). A refusal writes only
   * the denial.
   */
  public Future<TagSlots> incrementTags(List<String> names, UUID run) {
    List<String> tags = names.stream().distinct().toList();
    List<String> v2Names = tags.stream().map(TagLimitNames::name).toList();
    return pool.withTransaction(c -> LeaseStore.lockLeasesHeldBy(c, run).compose(held ->
        LegacyLimitStore.lockByTags(c, tags).compose(legacyRows ->
            LimitStore.lockByNames(c, v2Names).compose(v2Rows -> {
              Map<String, ConcurrencyLimitV2> v2 = new HashMap<>();
              v2Rows.forEach(l -> v2.put(TagLimitNames.tagOf(l.name()), l));
              Map<String, LegacyRow> legacy = new HashMap<>();
              legacyRows.forEach(r -> legacy.put(r.tag(), r));
              for (String t : tags) {
                ConcurrencyLimitV2 l = v2.get(t);
                LegacyRow r = legacy.get(t);
                if (l != null ? l.limit() == 0 : r != null && r.limit() == 0) {
                  return Future.succeededFuture(TagSlots.refused(Slots.zeroTagLimit(t), null));
                }
              }
              List<ConcurrencyLimitV2> acquire = new ArrayList<>();
              List<LegacyRow> legacyAcquire = new ArrayList<>();
              for (String t : tags) {
                ConcurrencyLimitV2 l = v2.get(t);
                if (l != null && l.active()) {
                  acquire.add(l);
                } else if (legacy.containsKey(t)) {
                  LegacyRow r = legacy.get(t);
                  if (r.activeSlots().size() >= r.limit() && !r.activeSlots().contains(run)) {
                    return Future.succeededFuture(TagSlots.refused(Slots.tagLimitReached(t), (double) settings.tagConcurrencySlotWaitSeconds()));
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
                String first = TagLimitNames.tagOf(acquire.get(0).name());
                return SlotStore.recordDenied(c, Slots.ids(full), 1).map(v -> TagSlots.refused(Slots.tagLimitReached(first), retry));
              }
              return SlotStore.incrementOrFail(c, Slots.ids(facts), 1, facts.isEmpty() ? null : Ids.uuid7(),
                      settings.taskLeaseSeconds(), ConcurrencyEffect.HOLDER_TASK_RUN, run)
                  .compose(v -> LegacyLimitStore.add(c, legacyAcquire.stream().map(LegacyRow::id).toList(), run))
                  .map(v -> {
                    List<Touched> out = new ArrayList<>();
                    acquire.forEach(l -> out.add(new Touched(l.id(), TagLimitNames.tagOf(l.name()), l.limit())));
                    legacyAcquire.forEach(r -> out.add(new Touched(r.id(), r.tag(), r.limit())));
                    return new TagSlots(out, null, null);
                  });
            }))));
  }

  /**
   * spec §4.1.2: releases the run's leases on the named tags' v2 limits, then leaves the legacy
   * rows no v2 limit shadows; answers the limits touched (v2 ones by their full {@code tag:} name).
   */
  public Future<List<Touched>> decrementTags(List<String> names, UUID run) {
    List<String> tags = names.stream().distinct().toList();
    List<String> v2Names = tags.stream().map(TagLimitNames::name).toList();
    return pool.withTransaction(c -> LeaseStore.lockLeasesHeldBy(c, run).compose(held ->
        LegacyLimitStore.lockByTags(c, tags).compose(legacyRows ->
            LimitStore.lockByNames(c, v2Names).compose(v2Rows -> {
              List<ConcurrencyLimitV2> v2 = LimitStore.inNameOrder(v2Rows, v2Names);
              List<UUID> release = new ArrayList<>();
              for (ConcurrencyLimitV2 l : v2) {
                for (ConcurrencyLease lease : held) {
                  if (lease.resourceIds().contains(l.id()) && !release.contains(lease.id())) {
                    release.add(lease.id());
                  }
                }
              }
              List<String> shadowed = v2.stream().map(l -> TagLimitNames.tagOf(l.name())).toList();
              List<LegacyRow> legacy = legacyRows.stream()
                  .filter(r -> !shadowed.contains(r.tag()) && r.activeSlots().contains(run)).toList();
              return SlotStore.releaseLeases(c, release)
                  .compose(n -> LegacyLimitStore.remove(c, legacy.stream().map(LegacyRow::id).toList(), run))
                  .map(removed -> {
                    List<Touched> out = new ArrayList<>();
                    v2.forEach(l -> out.add(new Touched(l.id(), l.name(), l.limit())));
                    legacy.forEach(r -> out.add(new Touched(r.id(), r.tag(), r.limit())));
                    return out;
                  });
            }))));
  }
}
