package dev.baton.orchestration.api;

import java.util.Objects;
import java.util.UUID;

/**
 * Release a lease and give its slots back ({@code decrement-with-lease}); an unknown or expired
 * lease releases nothing (not a failure, as over REST).
 */
public record ReleaseLeaseCommand(UUID leaseId, long deadlineNanos) implements BusCommand {
  public ReleaseLeaseCommand {
    Objects.requireNonNull(leaseId, "leaseId");
  }

  public ReleaseLeaseCommand(UUID leaseId) {
    this(leaseId, Deadline.NONE);
  }

  @Override
  public ReleaseLeaseCommand withDeadline(long nanos) {
    return new ReleaseLeaseCommand(leaseId, nanos);
  }
}
