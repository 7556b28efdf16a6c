package dev.baton.domain;

import java.util.List;

/**
 * {@code flow_run.empirical_policy}. {@code retries}/{@code retryDelay} already have the deprecated
 * {@code max_retries}/{@code retry_delay_seconds} mapping applied (spec/api.md §2.6).
 */
public record FlowRunPolicy(
    int maxRetries,
    double retryDelaySeconds,
    Integer retries,
    Integer retryDelay,
    List<String> pauseKeys,
    boolean resuming,
    String retryType) {

  public static final FlowRunPolicy DEFAULT = new FlowRunPolicy(0, 0.0, null, null, List.of(), false, null);

  public FlowRunPolicy {
    pauseKeys = pauseKeys == null ? List.of() : List.copyOf(pauseKeys);
  }

  /** Applies Prefect's input-side mapping of the deprecated fields. */
  public static FlowRunPolicy normalized(int maxRetries, double retryDelaySeconds, Integer retries,
      Integer retryDelay, List<String> pauseKeys, boolean resuming, String retryType) {
    if ((retries == null || retries == 0) && maxRetries != 0) {
      retries = maxRetries;
    }
    if ((retryDelay == null || retryDelay == 0) && retryDelaySeconds != 0) {
      retryDelay = (int) retryDelaySeconds;
    }
    return new FlowRunPolicy(maxRetries, retryDelaySeconds, retries, retryDelay, pauseKeys, resuming, retryType);
  }

  public FlowRunPolicy withPauseKeys(List<String> keys) {
    return new FlowRunPolicy(maxRetries, retryDelaySeconds, retries, retryDelay, keys, resuming, retryType);
  }

  public FlowRunPolicy withResuming(boolean r) {
    return new FlowRunPolicy(maxRetries, retryDelaySeconds, retries, retryDelay, pauseKeys, r, retryType);
  }

  public FlowRunPolicy withRetryType(String t) {
    return new FlowRunPolicy(maxRetries, retryDelaySeconds, retries, retryDelay, pauseKeys, resuming, t);
  }
}
