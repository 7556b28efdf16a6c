package dev.baton.orchestration.policies;

import dev.baton.domain.RunKind;
import dev.baton.orchestration.engine.Policy;

/** Which policy orchestrates a proposal (spec/orchestration.md §2.5). Pure. */
public final class PolicySelector {
  private PolicySelector() {}

  /** Why a flow run is being orchestrated: ordinary proposals or the late-runs service. */
  public enum FlowCall { SET_STATE, MARK_LATE }

  /**
   * The policy for an ordinary proposal.
   *
   * @param force the request's {@code force} flag (creation, pause expiry and subflow mirroring pass
   *     true)
   * @param deferred task runs only: the <em>proposed</em> state's {@code state_details.deferred};
   *     it selects the background policy and overrides force. Ignored for flow runs.
   */
  public static Policy select(RunKind kind, boolean force, boolean deferred) {
    return switch (kind) {
      case TASK_RUN -> deferred ? TaskPolicies.BACKGROUND : force ? TaskPolicies.MINIMAL : TaskPolicies.CORE;
      case FLOW_RUN -> forFlow(FlowCall.SET_STATE, force);
    };
  }

  /** The flow policy for a call; the late-runs service always uses its own policy. */
  public static Policy forFlow(FlowCall call, boolean force) {
    return switch (call) {
      case MARK_LATE -> FlowPolicies.MARK_LATE;
      case SET_STATE -> force ? FlowPolicies.MINIMAL : FlowPolicies.CORE;
    };
  }

  /** The bookkeeping that runs after the policy, in every case (force included). */
  public static Policy global(RunKind kind) {
    return switch (kind) {
      case TASK_RUN -> TaskPolicies.GLOBAL;
      case FLOW_RUN -> FlowPolicies.GLOBAL;
    };
  }
}
