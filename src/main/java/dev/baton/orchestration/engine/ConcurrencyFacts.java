package dev.baton.orchestration.engine;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Concurrency facts of one proposal, read by the service in the proposal's transaction after the
 * run lock: the run's leases (locked), the limits the rules may act on (locked, in id order, with
 * slot counts already decayed to "now"), legacy tag rows and the run's deployment. Only loaded when
 * the policy and transition can need them; otherwise {@link Facts#concurrency()} is null.
 *
 * @param tagLimits task runs: the v2 limits named {@code tag:<t>} for the run's tags (active or not),
 *     in the order of the run's tags
 * @param legacyLimits task runs: legacy v1 rows for the run's tags or holding the run, by tag
 * @param leases the leases the run holds ({@code holder_id} = run id) and, for flow runs, the lease
 *     named by the current state's {@code deployment_concurrency_lease_id}
 * @param deployment flow runs with a deployment id: the deployment, or null when its row is missing
 */
public record ConcurrencyFacts(
    List<Limit> tagLimits,
    List<LegacyLimit> legacyLimits,
    List<Lease> leases,
    Deployment deployment) {

  public static final ConcurrencyFacts EMPTY = new ConcurrencyFacts(List.of(), List.of(), List.of(), null);

  /**
   * A v2 limit as locked for this proposal. {@code activeSlots} and {@code deniedSlots} are the
   * effective (decayed) values.
   */
  public record Limit(UUID id, String name, boolean active, int limit, int activeSlots, int deniedSlots,
      double slotDecayPerSecond, double avgSlotOccupancySeconds) {

    /** True when {@code n} more slots fit (and the limit is active). */
    public boolean fits(int n) {
      return active && activeSlots + n <= limit;
    }
  }

  /** A legacy v1 tag row; {@code activeSlots} are task run ids. */
  public record LegacyLimit(UUID id, String tag, int limit, List<UUID> activeSlots) {}

  /** A lease; {@code expiresAt} may be far in the future (never renewed leases). */
  public record Lease(UUID id, List<UUID> resourceIds, int slots, Instant created, Instant expiresAt,
      String holderType, UUID holderId) {}

  /**
   * The run's deployment: its linked limit (null when none) and its concurrency options.
   *
   * @param cancelNew {@code collision_strategy == CANCEL_NEW}
   * @param gracePeriodSeconds {@code grace_period_seconds}, or null for the server default
   */
  public record Deployment(UUID id, Limit limit, boolean cancelNew, Integer gracePeriodSeconds) {}

  /** The lease with this id, or null. */
  public Lease lease(UUID id) {
    if (id == null) {
      return null;
    }
    for (Lease l : leases) {
      if (l.id().equals(id)) {
        return l;
      }
    }
    return null;
  }

  /** Leases the run holds (holder id = run id). */
  public List<Lease> heldBy(UUID holderId) {
    return leases.stream().filter(l -> holderId.equals(l.holderId())).toList();
  }
}
