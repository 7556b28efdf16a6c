package dev.baton.orchestration.api;

import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;

/**
 * Taking and giving back concurrency slots (spec/concurrency.md §4): the v2 acquisition, lease
 * release and renewal the event-bus API serves too, and the v1 tag-slot endpoints. Each call is
 * one transaction deciding on locked rows; expected failures are {@link OrchestrationException}s.
 */
public interface SlotCommands {
  /** {@code increment[-with-lease]}: the slots of every active limit named, all or none. */
  Future<SlotsResult> acquire(AcquireSlotsCommand cmd);

  /** {@code decrement-with-lease}: revokes a lease and gives its slots back; the leases released (0 or 1). */
  Future<Integer> release(UUID leaseId);

  /** Extends a lease to {@code ttlSeconds} from now; NOT_FOUND when it expired or is gone. */
  Future<Void> renew(UUID leaseId, Double ttlSeconds);

  /** v1 {@code increment}: one slot of every named tag's limit for the task run, all or none. */
  Future<TagSlotsResult> incrementTags(List<String> tags, UUID taskRunId);

  /** v1 {@code decrement}: the task run's slots of the named tags given back; the limits touched. */
  Future<List<SlotsResult.Limit>> decrementTags(List<String> tags, UUID taskRunId);

  /**
   * v1 {@code tag/{tag}/reset}: every lease of the tag's limit released, then the {@code override}
   * task runs seated; false when there is no such tag limit.
   */
  Future<Boolean> resetTag(String tag, List<UUID> override);
}
