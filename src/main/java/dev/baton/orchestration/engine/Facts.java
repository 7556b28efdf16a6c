package dev.baton.orchestration.engine;

import dev.baton.domain.ApiVersion;
import dev.baton.domain.State;
import java.util.UUID;

/**
 * What the orchestration service read from the database (under the run's row lock) and from the
 * request before running the engine. Rules read facts; they never query anything themselves.
 *
 * @param apiVersion the {@code X-PREFECT-API-VERSION} of a flow-run request; null means "newest"
 * @param clientVersion the Prefect client version parsed from {@code User-Agent}, or null
 * @param parentFlowRun task runs only: the flow run the task belongs to, or null when the task has
 *     none or its row is missing
 * @param parentFlowRunMissing task runs only: the task names a flow run whose row does not exist
 * @param cacheHit task runs only: the newest unexpired cached state for the proposed cache key
 * @param concurrency limits, leases and deployment for the concurrency rules; null when the
 *     service did not load them (the policy and transition cannot need them)
 */
public record Facts(
    ApiVersion apiVersion,
    String clientVersion,
    ParentFlowRun parentFlowRun,
    boolean parentFlowRunMissing,
    State cacheHit,
    ConcurrencyFacts concurrency) {

  public static final Facts NONE = new Facts(null, null, null, false, null, null);

  public Facts(ApiVersion apiVersion, String clientVersion, ParentFlowRun parentFlowRun,
      boolean parentFlowRunMissing, State cacheHit) {
    this(apiVersion, clientVersion, parentFlowRun, parentFlowRunMissing, cacheHit, null);
  }

  /** The parent flow run of a task run, as task rules need it. {@code state} may be null. */
  public record ParentFlowRun(UUID id, int runCount, State state) {}

  public Facts withApiVersion(ApiVersion v) {
    return new Facts(v, clientVersion, parentFlowRun, parentFlowRunMissing, cacheHit, concurrency);
  }

  public Facts withClientVersion(String v) {
    return new Facts(apiVersion, v, parentFlowRun, parentFlowRunMissing, cacheHit, concurrency);
  }

  public Facts withParentFlowRun(ParentFlowRun p, boolean missing) {
    return new Facts(apiVersion, clientVersion, p, missing, cacheHit, concurrency);
  }

  public Facts withCacheHit(State s) {
    return new Facts(apiVersion, clientVersion, parentFlowRun, parentFlowRunMissing, s, concurrency);
  }

  public Facts withConcurrency(ConcurrencyFacts c) {
    return new Facts(apiVersion, clientVersion, parentFlowRun, parentFlowRunMissing, cacheHit, c);
  }
}
