package dev.baton.orchestration.engine;

/**
 * Settings that change rule behaviour (spec/api.md §11, spec/concurrency.md §5).
 *
 * @param deploymentLeaseSeconds default grace period of deployment leases
 *     (PREFECT_SERVER_CONCURRENCY_INITIAL_DEPLOYMENT_LEASE_DURATION)
 * @param taskLeaseSeconds TTL of task tag-slot leases taken by orchestration (Prefect: 100 years)
 * @param maxSlotWaitSeconds cap of Retry-After for non-tag limits
 *     (PREFECT_SERVER_CONCURRENCY_MAXIMUM_CONCURRENCY_SLOT_WAIT_SECONDS)
 */
public record OrchestrationSettings(
    int maxCacheKeyLength,
    int tagConcurrencySlotWaitSeconds,
    int deploymentConcurrencySlotWaitSeconds,
    double deploymentLeaseSeconds,
    double taskLeaseSeconds,
    int maxSlotWaitSeconds) {

  public static final double HUNDRED_YEARS_SECONDS = 100 * 365 * 86400.0;

  public static final OrchestrationSettings DEFAULTS = new OrchestrationSettings(2000, 10, 30);

  public OrchestrationSettings(int maxCacheKeyLength, int tagConcurrencySlotWaitSeconds,
      int deploymentConcurrencySlotWaitSeconds) {
    this(maxCacheKeyLength, tagConcurrencySlotWaitSeconds, deploymentConcurrencySlotWaitSeconds, 300,
        HUNDRED_YEARS_SECONDS, 30);
  }
}
