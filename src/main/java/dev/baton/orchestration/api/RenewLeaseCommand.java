package dev.baton.orchestration.api;

import java.util.Objects;
import java.util.UUID;

/**
 * Extend a lease ({@code POST /api/v2/concurrency_limits/leases/{id}/renew}) to {@code ttlSeconds}
 * from now (null: its original duration). NOT_FOUND when it expired or is gone (REST: 410).
 */
public record RenewLeaseCommand(UUID leaseId, Double ttlSeconds, long deadlineNanos) implements BusCommand {
  public RenewLeaseCommand {
    Objects.requireNonNull(leaseId, "leaseId");
  }

  public RenewLeaseCommand(UUID leaseId, Double ttlSeconds) {
    this(leaseId, ttlSeconds, Deadline.NONE);
  }

  @Override
  public RenewLeaseCommand withDeadline(long nanos) {
    return new RenewLeaseCommand(leaseId, ttlSeconds, nanos);
  }
}
