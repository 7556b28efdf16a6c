package dev.baton.orchestration.commands;

import dev.baton.domain.Ids;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.OrchestrationSettings;
import dev.baton.orchestration.rules.concurrency.Slots;
import dev.baton.persistence.concurrency.SlotStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The decision of the slot endpoints — the v2 {@code increment[-with-lease]} and the v1 tag
 * {@code increment} — on limits the caller has locked in its transaction: when some limit cannot
 * take the slots, the denial is recorded on the full ones (it shapes later waits) and the answer
 * says when to retry; otherwise the slots of every limit are taken, with a lease when asked for.
 */
final class SlotAcquisition {
  /**
   * Whose pressure sets {@code retry_after}: every limit asked for (the v2 endpoints, spec §4.2.1)
   * or only the full ones (the v1 tag increment).
   */
  enum WaitOn { ALL, FULL }

  /**
   * The lease the slots are held by: none ({@code withLease} false; the other fields are still
   * sent, and unused), or a new one of {@code ttlSeconds} (null = never expires) for the holder.
   */
  record Lease(boolean withLease, Double ttlSeconds, String holderType, UUID holderId) {}

  /** Taken (with the new lease's id, null without one), or refused: retry after {@code retryAfterSeconds}. */
  record Decision(boolean taken, UUID leaseId, double retryAfterSeconds) {}

  private final OrchestrationSettings settings;

  SlotAcquisition(OrchestrationSettings settings) {
    this.settings = settings;
  }

  /** {@code slots} of every limit in {@code limits} (locked by the caller), all or none. */
  Future<Decision> acquire(SqlClient c, List<ConcurrencyFacts.Limit> limits, int slots, WaitOn waitOn, Lease lease) {
    List<ConcurrencyFacts.Limit> full = limits.stream().filter(l -> !l.fits(slots)).toList();
    if (!full.isEmpty()) {
      double retry = Slots.retryAfterSeconds(waitOn == WaitOn.ALL ? limits : full, slots,
          settings.tagConcurrencySlotWaitSeconds(), settings.maxSlotWaitSeconds(), new SplittableRandom());
      return SlotStore.recordDenied(c, Slots.ids(full), slots).map(v -> new Decision(false, null, retry));
    }
    UUID leaseId = lease.withLease() ? Ids.uuid7() : null;
    return SlotStore.incrementOrFail(c, Slots.ids(limits), slots, leaseId, lease.ttlSeconds(), lease.holderType(),
        lease.holderId()).map(v -> new Decision(true, leaseId, 0));
  }
}
