package dev.baton.domain;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * {@code state_details} of a state. Immutable; use {@link #toBuilder()} to derive a changed copy.
 * Every key is always present in responses (null when unset); see spec/api.md §2.2.
 */
public record StateDetails(
    UUID flowRunId,
    UUID taskRunId,
    UUID childFlowRunId,
    Instant scheduledTime,
    String cacheKey,
    Instant cacheExpiration,
    Boolean deferred,
    boolean untrackableResult,
    Instant pauseTimeout,
    boolean pauseReschedule,
    String pauseKey,
    Map<String, String> runInputKeyset,
    Boolean refreshCache,
    Boolean retriable,
    UUID transitionId,
    UUID taskParametersId,
    String traceparent,
    UUID deploymentConcurrencyLeaseId) {

  public static final StateDetails EMPTY = builder().build();

  public StateDetails {
    runInputKeyset = runInputKeyset == null ? null : Map.copyOf(runInputKeyset);
  }

  public boolean isDeferred() {
    return Boolean.TRUE.equals(deferred);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.flowRunId = flowRunId;
    b.taskRunId = taskRunId;
    b.childFlowRunId = childFlowRunId;
    b.scheduledTime = scheduledTime;
    b.cacheKey = cacheKey;
    b.cacheExpiration = cacheExpiration;
    b.deferred = deferred;
    b.untrackableResult = untrackableResult;
    b.pauseTimeout = pauseTimeout;
    b.pauseReschedule = pauseReschedule;
    b.pauseKey = pauseKey;
    b.runInputKeyset = runInputKeyset;
    b.refreshCache = refreshCache;
    b.retriable = retriable;
    b.transitionId = transitionId;
    b.taskParametersId = taskParametersId;
    b.traceparent = traceparent;
    b.deploymentConcurrencyLeaseId = deploymentConcurrencyLeaseId;
    return b;
  }

  /** Mutable builder; {@code deferred} defaults to false as in Prefect. */
  public static final class Builder {
    public UUID flowRunId;
    public UUID taskRunId;
    public UUID childFlowRunId;
    public Instant scheduledTime;
    public String cacheKey;
    public Instant cacheExpiration;
    public Boolean deferred = Boolean.FALSE;
    public boolean untrackableResult;
    public Instant pauseTimeout;
    public boolean pauseReschedule;
    public String pauseKey;
    public Map<String, String> runInputKeyset;
    public Boolean refreshCache;
    public Boolean retriable;
    public UUID transitionId;
    public UUID taskParametersId;
    public String traceparent;
    public UUID deploymentConcurrencyLeaseId;

    public Builder flowRunId(UUID v) { flowRunId = v; return this; }
    public Builder taskRunId(UUID v) { taskRunId = v; return this; }
    public Builder childFlowRunId(UUID v) { childFlowRunId = v; return this; }
    public Builder scheduledTime(Instant v) { scheduledTime = v; return this; }
    public Builder cacheKey(String v) { cacheKey = v; return this; }
    public Builder cacheExpiration(Instant v) { cacheExpiration = v; return this; }
    public Builder deferred(Boolean v) { deferred = v; return this; }
    public Builder untrackableResult(boolean v) { untrackableResult = v; return this; }
    public Builder pauseTimeout(Instant v) { pauseTimeout = v; return this; }
    public Builder pauseReschedule(boolean v) { pauseReschedule = v; return this; }
    public Builder pauseKey(String v) { pauseKey = v; return this; }
    public Builder runInputKeyset(Map<String, String> v) { runInputKeyset = v; return this; }
    public Builder refreshCache(Boolean v) { refreshCache = v; return this; }
    public Builder retriable(Boolean v) { retriable = v; return this; }
    public Builder transitionId(UUID v) { transitionId = v; return this; }
    public Builder taskParametersId(UUID v) { taskParametersId = v; return this; }
    public Builder traceparent(String v) { traceparent = v; return this; }
    public Builder deploymentConcurrencyLeaseId(UUID v) { deploymentConcurrencyLeaseId = v; return this; }

    public StateDetails build() {
      return new StateDetails(flowRunId, taskRunId, childFlowRunId, scheduledTime, cacheKey,
          cacheExpiration, deferred, untrackableResult, pauseTimeout, pauseReschedule, pauseKey,
          runInputKeyset, refreshCache, retriable, transitionId, taskParametersId, traceparent,
          deploymentConcurrencyLeaseId);
    }
  }
}
