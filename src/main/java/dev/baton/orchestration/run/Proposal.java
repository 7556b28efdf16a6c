package dev.baton.orchestration.run;

import dev.baton.domain.ApiVersion;
import dev.baton.domain.Ids;
import dev.baton.domain.RunKind;
import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.SetStateCommand;
import dev.baton.orchestration.engine.Policy;
import dev.baton.orchestration.policies.PolicySelector;
import dev.baton.orchestration.rules.task.CacheRetrieval;
import java.time.Instant;
import java.util.UUID;

/**
 * One proposed state for one run, ready for the engine: the state (with its new id and timestamp),
 * the policy chosen for it, the client's versions, the moment it is orchestrated at and the
 * deadline past which nothing may be committed for it.
 *
 * @param apiVersion flow runs: {@code X-PREFECT-API-VERSION}, null = newest
 * @param clientVersion flow runs: the Prefect client's version, or null
 * @param now the orchestration's "now" (microseconds, as PostgreSQL keeps them)
 * @param deadlineNanos {@link Deadline#NONE} = none
 */
public record Proposal(RunKind kind, UUID runId, State state, Policy policy, ApiVersion apiVersion,
    String clientVersion, Instant now, long deadlineNanos) {

  /** A set-state command's proposal: its state made at {@code now}, its policy chosen by force and deferral. */
  public static Proposal of(SetStateCommand cmd, Instant now) {
    State state = cmd.state().toState(Ids.uuid7(), now);
    return new Proposal(cmd.kind(), cmd.runId(), state,
        PolicySelector.select(cmd.kind(), cmd.force(), state.details().isDeferred()), cmd.apiVersion(),
        cmd.clientVersion(), now, cmd.deadlineNanos());
  }

  /**
   * A forced proposal made by the server itself (a run's initial state, nested orchestration, pause
   * expiry): the minimal policy (the background policy for a deferred state), no client, no deadline.
   */
  public static Proposal forced(RunKind kind, UUID runId, State state, Instant now) {
    return new Proposal(kind, runId, state, PolicySelector.select(kind, true, state.details().isDeferred()), null,
        null, now, Deadline.NONE);
  }

  /** A proposal under an explicit policy (the late-runs marker, resume), with no client and no deadline. */
  public static Proposal under(Policy policy, RunKind kind, UUID runId, State state, Instant now) {
    return new Proposal(kind, runId, state, policy, null, null, now, Deadline.NONE);
  }

  /** The same proposal from a client of this API version (flow-run creation). */
  public Proposal withApiVersion(ApiVersion version) {
    return new Proposal(kind, runId, state, policy, version, clientVersion, now, deadlineNanos);
  }

  /** The same proposal with the client's versions and deadline of {@code cmd} (resume). */
  public Proposal from(ApiVersion version, String client, long deadline) {
    return new Proposal(kind, runId, state, policy, version, client, now, deadline);
  }

  public boolean deadlinePassed() {
    return Deadline.passed(deadlineNanos);
  }

  /**
   * The cache key the lock-and-load looks up with the run: only policies with CacheRetrieval look
   * one up, and only for RUNNING proposals that do not ask to refresh it; else null.
   */
  public String cacheKeyToLookUp() {
    if (state.type() != StateType.RUNNING || state.details().cacheKey() == null
        || Boolean.TRUE.equals(state.details().refreshCache())
        || !policy.contains(CacheRetrieval.class)) {
      return null;
    }
    return state.details().cacheKey();
  }
}
