package dev.baton.domain;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A lease on concurrency slots (spec/concurrency.md §1.3): {@code slots} slots of every limit in
 * {@code resourceIds}, held by {@code holderType}/{@code holderId} (both null when it has no
 * holder) until {@code expiresAt} — {@link Instant#MAX} for a lease that never expires.
 */
public record ConcurrencyLease(UUID id, List<UUID> resourceIds, int slots, Instant created, Instant expiresAt,
    String holderType, UUID holderId) {
  /** The holder type of slots taken for a task run (tag limits). */
  public static final String HOLDER_TASK_RUN = "task_run";
  /** The holder type of slots taken for a flow run (deployment limits). */
  public static final String HOLDER_FLOW_RUN = "flow_run";
}
