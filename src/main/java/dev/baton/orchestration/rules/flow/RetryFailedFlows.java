package dev.baton.orchestration.rules.flow;

import dev.baton.domain.ApiVersion;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;
import dev.baton.orchestration.rules.common.Times;
import java.time.Instant;

/**
 * RUNNING → FAILED with retries left ({@code run_count ≤ retries}): REJECT into SCHEDULED
 * "AwaitingRetry" at now + {@code retry_delay} (spec §5.1). Clients older than API 0.8.3 also get
 * their failed task runs reset ({@link Effect.ResetFailedTaskRunsForFlowRetry}).
 */
public final class RetryFailedFlows extends Rule {
  private static final TypeSet FROM = TypeSet.of(StateType.RUNNING);
  private static final TypeSet TO = TypeSet.of(StateType.FAILED);

  @Override public TypeSet fromStates() { return FROM; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void before(RuleContext ctx) {
    State proposed = ctx.proposed();
    if (ctx.initial() == null || proposed == null) {
      return;
    }
    FlowRunDraft run = ctx.flowRun();
    FlowRunPolicy policy = run.policy();
    if (policy.retries() == null || run.runCount() > policy.retries()) {
      run.setPolicy(policy.withRetryType(null));
      return;
    }
    Instant scheduled = Times.plusSeconds(ctx.now(), policy.retryDelay() == null ? 0 : policy.retryDelay());
    ApiVersion api = ctx.facts().apiVersion();
    if (api != null && api.compareTo(ApiVersion.V0_8_3) < 0) {
      ctx.emit(new Effect.ResetFailedTaskRunsForFlowRetry(run.id(), scheduled));
    }
    if (ApiVersion.atLeastOrAbsent(api, ApiVersion.V0_8_4)) {
      run.setPolicy(FlowPolicyEdits.resetForRerun(run.policy(), "in_process"));
    }
    State retry = new State(ctx.newId(), StateType.SCHEDULED, "AwaitingRetry", ctx.now(),
        proposed.message(), proposed.data(), StateDetails.builder().scheduledTime(scheduled).build());
    ctx.reject(retry, "Retrying");
  }
}
