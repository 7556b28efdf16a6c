package dev.baton.orchestration.api;

import java.util.List;
import java.util.UUID;

/**
 * The answer to {@link AcquireSlotsCommand}: either the slots were taken ({@code acquired}, with
 * the lease id when one was asked for, and the limits named), or none was free on some limit and
 * nothing was taken: retry after {@code retryAfterSeconds} (REST answers 423 Locked).
 */
public record SlotsResult(boolean acquired, UUID leaseId, List<Limit> limits, double retryAfterSeconds) {
  /** A limit slots were taken of or given back to (or named by the command), as the REST answers list it. */
  public record Limit(UUID id, String name, int limit) {}

  public SlotsResult {
    limits = limits == null ? List.of() : List.copyOf(limits);
  }

  public static SlotsResult acquired(UUID leaseId, List<Limit> limits) {
    return new SlotsResult(true, leaseId, limits, 0);
  }

  public static SlotsResult locked(double retryAfterSeconds) {
    return new SlotsResult(false, null, List.of(), retryAfterSeconds);
  }
}
