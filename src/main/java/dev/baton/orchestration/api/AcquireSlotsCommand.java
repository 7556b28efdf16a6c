package dev.baton.orchestration.api;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Take {@code slots} slots of every active global concurrency limit named
 * ({@code POST /api/v2/concurrency_limits/increment[-with-lease]}), all or none. Unknown and
 * inactive names take nothing.
 *
 * @param withLease true: the slots are held by a lease of {@code leaseSeconds} (returned), released
 *     by {@link ReleaseLeaseCommand} or when it expires; false: plain increment
 * @param leaseSeconds the lease's duration (60–86400 s, as over REST); ignored without a lease
 * @param holderType optional lease holder type ({@code flow_run}, {@code task_run}, {@code deployment})
 * @param holderId the holder's id, with {@code holderType}
 */
public record AcquireSlotsCommand(List<String> names, int slots, boolean withLease, double leaseSeconds,
    String holderType, UUID holderId, boolean rateLimit, long deadlineNanos) implements BusCommand {
  public AcquireSlotsCommand {
    names = List.copyOf(Objects.requireNonNull(names, "names"));
  }

  /** {@code increment-with-lease} for {@code slots} slots of {@code names}, held {@code leaseSeconds}. */
  public static AcquireSlotsCommand withLease(List<String> names, int slots, double leaseSeconds) {
    return new AcquireSlotsCommand(names, slots, true, leaseSeconds, null, null, false, Deadline.NONE);
  }

  /** This command with a lease holder. */
  public AcquireSlotsCommand heldBy(String type, UUID id) {
    return new AcquireSlotsCommand(names, slots, withLease, leaseSeconds, type, id, rateLimit, deadlineNanos);
  }

  @Override
  public AcquireSlotsCommand withDeadline(long nanos) {
    return new AcquireSlotsCommand(names, slots, withLease, leaseSeconds, holderType, holderId, rateLimit, nanos);
  }
}
