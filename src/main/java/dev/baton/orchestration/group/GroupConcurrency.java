package dev.baton.orchestration.group;

import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.domain.ConcurrencyLease;
import dev.baton.domain.TagLimitNames;
import dev.baton.persistence.concurrency.GroupConcurrencyReads;
import dev.baton.persistence.concurrency.LegacyRow;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import dev.baton.orchestration.run.LockedRun;
import dev.baton.orchestration.run.ConcurrencyFactRows;

/**
 * The concurrency facts of the task runs of a group that may hold or take a slot, loaded in the
 * group's transaction right after its run locks, in one round trip for the whole group (three
 * statements whatever its size) instead of one transaction per run after the group:
 * <ul>
 *   <li>the leases the runs hold, locked in id order (run rows → lease rows, the usual order);
 *   <li>legacy v1 rows naming one of their tags or holding one of them — a run with any is left to
 *       the single-run path, which locks those rows;
 *   <li>for the runs whose proposal may take a tag slot ({@code tagLimitsFor}), the v2 limits of
 *       their tags, read <em>without</em> a lock: enough to answer WAIT, never enough to take a
 *       slot (the single-run path locks them for that).
 * </ul>
 * The limits of the leases are not locked here: a group that gives leases back locks them when it
 * writes the release ({@code SlotStore.releaseLeases}, id order, after every run and lease
 * lock of the group), and no decision of the group reads them.
 */
final class GroupConcurrency {
  private GroupConcurrency() {}

  /**
   * Facts per run id, in the shape {@code ConcurrencyFactsStore.loadTaskFacts} gives them (tag limits
   * only for the runs in {@code tagLimitsFor}, in id order); a run absent from the map is named by a
   * legacy v1 row and must be orchestrated alone.
   */
  static Future<Map<UUID, ConcurrencyFacts>> load(SqlConnection conn, List<LockedRun> runs,
      Set<UUID> tagLimitsFor) {
    List<UUID> ids = new ArrayList<>(runs.size());
    Set<String> tags = new LinkedHashSet<>();
    Set<String> limitNames = new LinkedHashSet<>();
    for (LockedRun run : runs) {
      UUID id = run.draft().id();
      ids.add(id);
      tags.addAll(run.draft().tags());
      if (tagLimitsFor.contains(id)) {
        for (String t : run.draft().tags()) {
          limitNames.add(TagLimitNames.name(t));
        }
      }
    }
    // pipelined: one round trip
    Future<Map<UUID, List<ConcurrencyLease>>> leases = GroupConcurrencyReads.lockLeasesHeldByAny(conn, ids);
    Future<List<LegacyRow>> legacy = GroupConcurrencyReads.readLegacyNaming(conn, new ArrayList<>(tags), ids);
    Future<List<ConcurrencyFacts.Limit>> limits = limitNames.isEmpty() ? Future.succeededFuture(List.of())
        : GroupConcurrencyReads.readLimitsByName(conn, new ArrayList<>(limitNames))
            .map(rows -> rows.stream().map(ConcurrencyFactRows::limit).toList());
    return Future.all(leases, legacy, limits).map(all -> {
      Map<UUID, ConcurrencyFacts> facts = new HashMap<>();
      for (LockedRun run : runs) {
        UUID id = run.draft().id();
        if (namedByLegacy(legacy.result(), id, run.draft().tags())) {
          continue;
        }
        List<ConcurrencyFacts.Limit> tagLimits = List.of();
        if (tagLimitsFor.contains(id)) {
          tagLimits = new ArrayList<>();
          for (ConcurrencyFacts.Limit l : limits.result()) { // id order, as the single-run read
            if (run.draft().tags().contains(TagLimitNames.tagOf(l.name()))) {
              tagLimits.add(l);
            }
          }
        }
        facts.put(id, new ConcurrencyFacts(tagLimits, List.of(), ConcurrencyFactRows.leases(leases.result().getOrDefault(id, List.of())), null));
      }
      return facts;
    });
  }

  private static boolean namedByLegacy(List<LegacyRow> rows, UUID runId, List<String> tags) {
    for (LegacyRow r : rows) {
      if (tags.contains(r.tag()) || r.activeSlots().contains(runId)) {
        return true;
      }
    }
    return false;
  }
}
