package dev.baton.orchestration.engine;

import dev.baton.domain.ConcurrencyLease;
import java.util.List;
import java.util.UUID;

/**
 * Slot and lease writes decided by the concurrency rules, applied by the service's
 * {@code EffectApplier} (through {@code persistence.concurrency.SlotStore}) in the proposal's
 * transaction (so a slot changes exactly when the state change that causes it commits). Dropped
 * with the rule that emitted them when it fizzles.
 */
public sealed interface ConcurrencyEffect extends Effect.Concurrency {

  /**
   * Takes {@code slots} on every limit in {@code limitIds} (they were seen to fit under the lock)
   * and records lease {@code leaseId} for them, expiring {@code ttlSeconds} from now.
   */
  record AcquireSlots(List<UUID> limitIds, int slots, UUID leaseId, double ttlSeconds, String holderType,
      UUID holderId) implements ConcurrencyEffect {
    @Override
    public Writer writer() {
      return Writer.SLOT_ACQUISITION;
    }
  }

  /** Gives back the slots of these leases and deletes them (leases already gone are skipped). */
  record ReleaseLeases(List<UUID> leaseIds) implements ConcurrencyEffect {
    @Override
    public Writer writer() {
      return Writer.LEASE_RELEASE;
    }
  }

  /** Moves a lease's expiry to now + {@code ttlSeconds}; {@code ttlSeconds} null = never expires. */
  record RenewLease(UUID leaseId, Double ttlSeconds) implements ConcurrencyEffect {
    @Override
    public Writer writer() {
      return Writer.OWN_STATEMENT;
    }
  }

  /** A refused acquisition: {@code slots} more denied slots on each limit (Retry-After bookkeeping). */
  record RecordDenied(List<UUID> limitIds, int slots) implements ConcurrencyEffect {
    @Override
    public Writer writer() {
      return Writer.AFTER_COMMIT;
    }
  }

  /** Legacy v1 rows: add the task run to {@code active_slots} of these rows. */
  record AddLegacySlot(List<UUID> legacyIds, UUID taskRunId) implements ConcurrencyEffect {
    @Override
    public Writer writer() {
      return Writer.OWN_STATEMENT;
    }
  }

  /** Legacy v1 rows: remove the task run from every row's {@code active_slots}. */
  record RemoveLegacySlots(UUID taskRunId) implements ConcurrencyEffect {
    @Override
    public Writer writer() {
      return Writer.OWN_STATEMENT;
    }
  }

  String HOLDER_TASK_RUN = ConcurrencyLease.HOLDER_TASK_RUN;
  String HOLDER_FLOW_RUN = ConcurrencyLease.HOLDER_FLOW_RUN;
}
