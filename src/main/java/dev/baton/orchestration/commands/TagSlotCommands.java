package dev.baton.orchestration.commands;

import dev.baton.domain.ConcurrencyLease;
import dev.baton.domain.ConcurrencyLimitV2;
import dev.baton.domain.Ids;
import dev.baton.domain.TagLimitNames;
import dev.baton.orchestration.api.SlotsResult;
import dev.baton.orchestration.api.TagSlotsResult;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.OrchestrationSettings;
import dev.baton.orchestration.rules.concurrency.Slots;
import dev.baton.orchestration.run.ConcurrencyFactRows;
import dev.baton.persistence.concurrency.LeaseStore;
import dev.baton.persistence.concurrency.LegacyLimitStore;
import dev.baton.persistence.concurrency.LegacyRow;
import dev.baton.persistence.concurrency.LimitStore;
import dev.baton.persistence.concurrency.SlotStore;
import dev.baton.persistence.concurrency.TagLimitStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The v1 tag-slot endpoints (spec/concurrency.md §4.1): increment, decrement and reset of the
 * slots task runs hold on tag limits — v2 {@code tag:} limits, or the legacy v1 row of a tag no
 * active v2 limit shadows. One transaction each, deciding on rows locked in the lock order of
 * docs/architecture.md (the holder's leases, then legacy rows, then v2 limits in id order), so
 * concurrent requests never over-admit.
 */
final class TagSlotCommands {
  private final Pool pool;
  private final OrchestrationSettings settings;
  private final SlotAcquisition acquisition;

  TagSlotCommands(Pool pool, OrchestrationSettings settings, SlotAcquisition acquisition) {
    this.pool = pool;
    this.settings = settings;
    this.acquisition = acquisition;
  }

  /**
   * spec §4.1.1: one slot of every named tag's limit for the task run, all or none, with set
   * semantics per task run (a run that already holds a tag's slot keeps it). A refusal writes only
   * the denial.
   */
  Future<TagSlotsResult> incrementTags(List<String> names, UUID run) {
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
                  return Future.succeededFuture(TagSlotsResult.refused(Slots.zeroTagLimit(t), null));
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
                    return Future.succeededFuture(TagSlotsResult.refused(Slots.tagLimitReached(t),
                        (double) settings.tagConcurrencySlotWaitSeconds()));
                  }
                  legacyAcquire.add(r);
                }
              }
              List<ConcurrencyFacts.Limit> facts = acquire.stream().map(ConcurrencyFactRows::limit)
                  .filter(f -> !Slots.covers(ConcurrencyFactRows.leases(held), List.of(f))).toList();
              SlotAcquisition.Lease lease = new SlotAcquisition.Lease(!facts.isEmpty(), settings.taskLeaseSeconds(),
                  ConcurrencyLease.HOLDER_TASK_RUN, run);
              return acquisition.acquire(c, facts, 1, SlotAcquisition.WaitOn.FULL, lease).compose(d -> {
                if (!d.taken()) {
                  // the refusal names the first tag with a v2 limit to take, not necessarily the full one
                  String first = TagLimitNames.tagOf(acquire.get(0).name());
                  return Future.succeededFuture(TagSlotsResult.refused(Slots.tagLimitReached(first),
                      d.retryAfterSeconds()));
                }
                return LegacyLimitStore.add(c, legacyAcquire.stream().map(LegacyRow::id).toList(), run).map(v -> {
                  List<SlotsResult.Limit> out = new ArrayList<>();
                  acquire.forEach(l -> out.add(
                      new SlotsResult.Limit(l.id(), TagLimitNames.tagOf(l.name()), l.limit())));
                  legacyAcquire.forEach(r -> out.add(new SlotsResult.Limit(r.id(), r.tag(), r.limit())));
                  return TagSlotsResult.taken(out);
                });
              });
            }))));
  }

  /**
   * spec §4.1.2: releases the run's leases on the named tags' v2 limits, then leaves the legacy
   * rows no v2 limit shadows; answers the limits touched (v2 ones by their full {@code tag:} name).
   */
  Future<List<SlotsResult.Limit>> decrementTags(List<String> names, UUID run) {
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
                    List<SlotsResult.Limit> out = new ArrayList<>();
                    v2.forEach(l -> out.add(new SlotsResult.Limit(l.id(), l.name(), l.limit())));
                    legacy.forEach(r -> out.add(new SlotsResult.Limit(r.id(), r.tag(), r.limit())));
                    return out;
                  });
            }))));
  }

  /**
   * spec §4.1: revokes every lease of the tag's limit (their slots given back), then seats the
   * {@code override} task runs; false when there is no such tag limit.
   */
  Future<Boolean> resetTag(String tag, List<UUID> override) {
    return pool.withTransaction(c -> TagLimitStore.find(c, null, tag).compose(found -> {
      if (found.limit() != null) {
        ConcurrencyLimitV2 l = found.limit();
        return LeaseStore.lockLeasesOf(c, l.id())
            .compose(leases -> SlotStore.releaseLeases(c, leases.stream().map(ConcurrencyLease::id).toList()))
            .compose(n -> {
              Future<Void> chain = Future.succeededFuture();
              for (UUID holder : override == null ? List.<UUID>of() : override.stream().distinct().toList()) {
                // a holder the limit has no room for is not seated (spec §4.1: the failure is ignored)
                chain = chain.compose(v -> SlotStore.increment(c, List.of(l.id()), 1, Ids.uuid7(),
                    settings.taskLeaseSeconds(), ConcurrencyLease.HOLDER_TASK_RUN, holder).mapEmpty());
              }
              return chain.map(v -> true);
            });
      }
      if (found.legacy() != null) {
        return LegacyLimitStore.setSlots(c, found.legacy().id(), override == null ? List.of() : override)
            .map(v -> true);
      }
      return Future.succeededFuture(false);
    }));
  }
}
