package dev.baton.orchestration.rules.task;

import static dev.baton.orchestration.Kit.NOW;
import static dev.baton.orchestration.Kit.details;
import static dev.baton.orchestration.Kit.initial;
import static dev.baton.orchestration.Kit.proposal;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.Kit;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.Facts;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.engine.TaskRunDraft;
import dev.baton.orchestration.policies.TaskPolicies;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** EnqueueScheduledTasks: a deferred task run entering SCHEDULED is queued for its task workers. */
class EnqueueScheduledTasksTest {

  private static List<Effect> queued(OrchestrationOutcome o) {
    return o.effects().stream().filter(e -> e instanceof Effect.EnqueueBackgroundTask).toList();
  }

  @Test
  void aNewDeferredScheduledRunIsQueuedDeliverableNow() {
    TaskRunDraft run = Kit.task().build();
    State p = details(proposal(StateType.SCHEDULED), d -> d.deferred(true));
    OrchestrationOutcome o = Kit.run(TaskPolicies.BACKGROUND, run, null, p);
    assertEquals(List.of(new Effect.EnqueueBackgroundTask(run.id(), run.taskKey(), false, p.timestamp())), queued(o));
  }

  @Test
  void anAwaitingRetryGoesToTheRetryQueueAtItsScheduledTime() {
    TaskRunDraft run = Kit.task().build();
    Instant at = NOW.plusSeconds(30);
    State running = initial(StateType.RUNNING);
    State p = details(proposal(StateType.SCHEDULED, "AwaitingRetry"), d -> d.deferred(true).scheduledTime(at));
    OrchestrationOutcome o = Kit.only(new EnqueueScheduledTasks(), run, running, p);
    assertEquals(List.of(new Effect.EnqueueBackgroundTask(run.id(), run.taskKey(), true, at)), queued(o));
  }

  @Test
  void aScheduledStateThatIsNotDeferredIsNotQueued() {
    State p = proposal(StateType.SCHEDULED);
    assertEquals(List.of(), queued(Kit.only(new EnqueueScheduledTasks(), Kit.task().build(), null, p)));
  }

  @ParameterizedTest
  @EnumSource(value = StateType.class, names = {"PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"})
  void otherStatesAreNeverQueued(StateType to) {
    State p = details(proposal(to), d -> d.deferred(true));
    assertEquals(List.of(), queued(Kit.run(TaskPolicies.BACKGROUND, Kit.task().build(), null, p, Facts.NONE)));
  }

  @Test
  void aRejectedProposalQueuesNothing() {
    // Pending → Scheduled… is fine, but a deferred Pending from RUNNING is aborted: nothing validated
    State running = initial(StateType.RUNNING);
    State p = details(proposal(StateType.PENDING), d -> d.deferred(true));
    assertEquals(List.of(), queued(Kit.run(TaskPolicies.BACKGROUND, Kit.task().state(running).build(), running, p)));
  }
}
