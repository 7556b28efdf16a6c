package dev.baton.service;

import dev.baton.domain.ConcurrencyLease;
import dev.baton.domain.ConcurrencyLimitV2;
import dev.baton.domain.TagLimitNames;
import dev.baton.persistence.concurrency.LeaseStore;
import dev.baton.persistence.concurrency.LegacyLimitStore;
import dev.baton.persistence.concurrency.LegacyRow;
import dev.baton.persistence.concurrency.LimitStore;
import dev.baton.persistence.concurrency.SlotStore;
import dev.baton.persistence.concurrency.TagLimitStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Concurrency limits besides taking and giving back slots (acquire, release, renew and the v1
 * tag-slot increment, decrement and reset are the {@code SlotCommands} of orchestration): v2
 * limits' CRUD, listing and decrement, leases' listing, and the v1 tag limits' CRUD
 * (spec/concurrency.md §4). v1 tag limits are v2 limits named {@code tag:<tag>}; a legacy v1 row
 * is honoured when no such v2 limit exists.
 *
 * <p>Every write is one transaction. "Not found" is an answer here (null / false), not a failure:
 * the HTTP API words it differently per endpoint.
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

  private final Pool pool;

  public ConcurrencyLimits(Pool pool) {
    this.pool = pool;
  }

  private static LimitStore.LimitFields row(Fields f) {
    return new LimitStore.LimitFields(f.active(), f.name(), f.limit(), f.activeSlots(), f.deniedSlots(),
        f.slotDecayPerSecond());
  }

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
  public Future<List<ConcurrencyLease>> holders(String idOrName) {
    return LimitStore.getByIdOrName(pool, idOrName).compose(l -> l == null
        ? Future.succeededFuture(null) : LeaseStore.leasesOf(pool, l.id()));
  }

  /** Leases by holder and/or limit, a page of them. */
  public Future<List<ConcurrencyLease>> leases(UUID holderId, UUID limitId, boolean includeExpired, int limit,
      int offset) {
    return LeaseStore.listLeases(pool, holderId, limitId, includeExpired, limit, offset);
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

  // v1

  /** The v1 view of a v2 {@code tag:} limit: holders are the task runs of its unexpired leases. */
  private static Future<TagLimit> tagView(SqlClient c, ConcurrencyLimitV2 l) {
    return LeaseStore.leasesOf(c, l.id()).map(leases -> {
      List<UUID> holders = new ArrayList<>();
      for (ConcurrencyLease lease : leases) {
        if (ConcurrencyLease.HOLDER_TASK_RUN.equals(lease.holderType()) && lease.holderId() != null
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
        return LimitStore.patch(c, existing.id(), new LimitStore.LimitFields(null, null, limit, null, null, null))
            .compose(ok -> LimitStore.get(c, existing.id()))
            .compose(l -> tagView(c, l)).map(v -> new TagLimitWritten(v, false));
      }
      return LimitStore.insert(c, new LimitStore.LimitFields(true, TagLimitNames.name(tag), limit, 0, 0, 0.0))
          .compose(l -> tagView(c, l)).map(v -> new TagLimitWritten(v, true));
    }));
  }

  /** By id ({@code tag} null) or by tag; null when there is no such tag limit. */
  public Future<TagLimit> readTag(UUID id, String tag) {
    return pool.withTransaction(c -> TagLimitStore.find(c, id, tag).compose(found -> {
      if (found.limit() != null) {
        return tagView(c, found.limit());
      }
      if (found.legacy() != null) {
        return Future.succeededFuture(legacyView(found.legacy()));
      }
      return Future.succeededFuture(null);
    }));
  }

  /** By id ({@code tag} null) or by tag; false when there is no such tag limit. */
  public Future<Boolean> deleteTag(UUID id, String tag) {
    return pool.withTransaction(c -> TagLimitStore.find(c, id, tag).compose(found -> {
      if (found.limit() != null) {
        return LimitStore.delete(c, found.limit().id()).map(ok -> true);
      }
      if (found.legacy() != null) {
        return LegacyLimitStore.delete(c, found.legacy().id()).map(ok -> true);
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
}
