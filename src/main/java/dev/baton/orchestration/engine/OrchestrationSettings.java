package dev.baton.orchestration.engine;

/** Settings that change rule behaviour (spec/api.md §11). */
public record OrchestrationSettings(
    int maxCacheKeyLength,
    int tagConcurrencySlotWaitSeconds,
    int deploymentConcurrencySlotWaitSeconds) {

  public static final OrchestrationSettings DEFAULTS = new OrchestrationSettings(2000, 10, 30);
}
