package dev.baton.orchestration.run;

import dev.baton.persistence.concurrency.SlotStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Denied slots of orchestration WAITs (spec/concurrency.md §1.1), added to their limits in batches
 * instead of in the denied proposal's transaction. A WAIT then neither locks nor writes the limit
 * row: before, every WAIT queued on that row behind the holders' increments and releases (and each
 * other), each holding it through its own commit, so the holders' COMPLETED waited behind hundreds
 * of retries per second.
 *
 * <p>The denied count only shapes {@code retry_after}; it never decides whether a slot is free, so
 * recording it up to {@link #DELAY_MS} late (or losing a batch when its transaction fails, or when
 * the process dies) cannot leak or double-grant a slot; a graceful stop writes what has gathered
 * ({@link dev.baton.orchestration.Orchestration#flushDeniedSlots}). Counts are summed per limit until the batch's
 * timer fires; the batch is one transaction that locks its limits in id order and holds no other
 * lock.
 */
public final class DeniedSlots {
  private static final Logger LOG = LoggerFactory.getLogger(DeniedSlots.class);

  /** How long denials gather before they are written. */
  public static final long DELAY_MS = 100;

  private final Pool pool;
  private final Map<UUID, Integer> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  public DeniedSlots(Pool pool) {
    this.pool = pool;
  }

  /** Adds {@code slots} denied slots to each limit, written with the next batch. */
  public void add(List<UUID> limitIds, int slots) {
    for (UUID id : limitIds) {
      pending.merge(id, slots, Integer::sum);
    }
    if (scheduled.compareAndSet(false, true)) {
      Context ctx = Vertx.currentContext();
      if (ctx == null) {
        flush();
      } else {
        ctx.owner().setTimer(DELAY_MS, t -> flush());
      }
    }
  }

  /** Writes what has gathered (limits in id order); a failure is logged and the batch dropped. */
  public Future<Void> flush() {
    scheduled.set(false);
    Map<UUID, Integer> batch = new TreeMap<>();
    for (UUID id : new ArrayList<>(pending.keySet())) {
      Integer n = pending.remove(id);
      if (n != null) {
        batch.put(id, n);
      }
    }
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    List<UUID> ids = new ArrayList<>(batch.keySet());
    List<Integer> counts = new ArrayList<>(batch.values());
    return pool.withTransaction(c -> SlotStore.recordDenied(c, ids, counts))
        .onFailure(t -> LOG.warn("event=denied_slots_not_recorded limits={} error=\"{}\"", ids.size(), t.toString()));
  }
}
