package dev.baton.domain;

import java.util.List;

/**
 * {@code task_run.empirical_policy}. {@code retryDelay} is either a single number
 * ({@code retryDelayList == null}) or a list of numbers ({@code retryDelayList != null}, then
 * {@code retryDelay} is null). Deprecated-field mapping already applied.
 */
public record TaskRunPolicy(
    int maxRetries,
    double retryDelaySeconds,
    Integer retries,
    Double retryDelay,
    List<Double> retryDelayList,
    Double retryJitterFactor) {

  public static final TaskRunPolicy DEFAULT = new TaskRunPolicy(0, 0.0, null, null, null, null);

  public TaskRunPolicy {
    retryDelayList = retryDelayList == null ? null : List.copyOf(retryDelayList);
  }

  public static TaskRunPolicy normalized(int maxRetries, double retryDelaySeconds, Integer retries,
      Double retryDelay, List<Double> retryDelayList, Double retryJitterFactor) {
    if ((retries == null || retries == 0) && maxRetries != 0) {
      retries = maxRetries;
    }
    boolean delayFalsy = retryDelayList == null ? (retryDelay == null || retryDelay == 0.0) : retryDelayList.isEmpty();
    if (delayFalsy && retryDelaySeconds != 0) {
      retryDelay = retryDelaySeconds;
      retryDelayList = null;
    }
    return new TaskRunPolicy(maxRetries, retryDelaySeconds, retries, retryDelay, retryDelayList, retryJitterFactor);
  }
}
