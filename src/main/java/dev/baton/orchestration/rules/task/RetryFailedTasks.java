package dev.baton.orchestration.rules.task;

import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRunPolicy;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TaskRunDraft;
import dev.baton.orchestration.engine.TypeSet;
import dev.baton.orchestration.rules.common.Times;
import java.util.List;

/**
 * RUNNING → FAILED with retries left: REJECT into SCHEDULED "AwaitingRetry" at now + delay, where
 * the delay comes from {@code retry_delay} (a number or a per-attempt list) with optional clamped
 * Poisson jitter (spec §5.2).
 */
public final class RetryFailedTasks extends Rule {
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
    TaskRunDraft run = ctx.taskRun();
    TaskRunPolicy policy = run.policy();
    double base = baseDelay(policy, run.runCount());
    Double jitter = policy.retryJitterFactor();
    double delay = jitter != null && jitter != 0 && base > 0
        ? ClampedPoisson.interval(base, jitter, ctx.random())
        : base;
    if (Boolean.FALSE.equals(proposed.details().retriable())) {
      return;
    }
    if (policy.retries() != null && run.runCount() <= policy.retries()) {
      StateDetails details = StateDetails.builder()
          .scheduledTime(Times.plusSeconds(ctx.now(), delay))
          .build();
      State retry = new State(ctx.newId(), StateType.SCHEDULED, "AwaitingRetry", ctx.now(),
          proposed.message(), proposed.data(), details);
      ctx.reject(retry, "Retrying");
    }
  }

  /**
   * The un-jittered delay for the attempt that just failed. A list is indexed by
   * {@code min(run_count − 1, len − 1)} with Python's negative-index semantics (run_count 0 picks the
   * last element). Deviation: an empty list means 0 (Prefect fails with an IndexError, HTTP 500).
   */
  static double baseDelay(TaskRunPolicy policy, int runCount) {
    List<Double> list = policy.retryDelayList();
    if (list != null) {
      if (list.isEmpty()) {
        return 0;
      }
      int i = Math.min(runCount - 1, list.size() - 1);
      if (i < 0) {
        i += list.size();
      }
      Double v = i < 0 ? null : list.get(i);
      return v == null ? 0 : v;
    }
    return policy.retryDelay() == null ? 0 : policy.retryDelay();
  }
}
