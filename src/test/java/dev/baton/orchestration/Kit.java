package dev.baton.orchestration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRunPolicy;
import dev.baton.orchestration.engine.Engine;
import dev.baton.orchestration.engine.EngineEnv;
import dev.baton.orchestration.engine.Facts;
import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.engine.OrchestrationSettings;
import dev.baton.orchestration.engine.Policy;
import dev.baton.orchestration.engine.PolicyStep;
import dev.baton.orchestration.engine.RunDraft;
import dev.baton.orchestration.engine.StateValidator;
import dev.baton.orchestration.engine.TaskRunDraft;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/** Shared fixtures: a fixed clock, deterministic ids and randomness, run and state builders. */
public final class Kit {
  private Kit() {}

  public static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  /** Timestamp of initial states in fixtures. */
  public static final Instant EARLIER = NOW.minusSeconds(60);
  public static final Policy NO_GLOBAL = Policy.of("none");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicLong FIXTURE_IDS = new AtomicLong(1);

  public static EngineEnv env() {
    return env(StateValidator.NONE);
  }

  public static EngineEnv env(StateValidator validator) {
    AtomicLong next = new AtomicLong(0xE000);
    return new EngineEnv(NOW, () -> new UUID(0xABCDL, next.incrementAndGet()), new Random(42),
        OrchestrationSettings.DEFAULTS, validator);
  }

  public static UUID id() {
    return new UUID(0x1D5L, FIXTURE_IDS.incrementAndGet());
  }

  public static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A persisted-result payload as the Python client sends it. */
  public static JsonNode result() {
    return json("{\"storage_key\":\"/tmp/x\",\"serializer\":{\"type\":\"pickle\"}}");
  }

  // ---- states ----

  /** A current state of the run (timestamp {@link #EARLIER}). */
  public static State initial(StateType t) {
    return new State(id(), t, t.defaultName(), EARLIER, null, null, StateDetails.EMPTY);
  }

  public static State initial(StateType t, String name) {
    return initial(t).withName(name);
  }

  /** A proposal as built from a request (timestamp {@link #NOW}). */
  public static State proposal(StateType t) {
    return new State(id(), t, t.defaultName(), NOW, null, null, StateDetails.EMPTY);
  }

  public static State proposal(StateType t, String name) {
    return proposal(t).withName(name);
  }

  public static State details(State s, UnaryOperator<StateDetails.Builder> f) {
    return s.withDetails(f.apply(s.details().toBuilder()).build());
  }

  // ---- runs ----

  public static FlowBuilder flow() {
    return new FlowBuilder();
  }

  public static TaskBuilder task() {
    return new TaskBuilder();
  }

  public static final class FlowBuilder {
    UUID id = Kit.id();
    UUID deploymentId;
    UUID parentTaskRunId;
    String pid;
    FlowRunPolicy policy = FlowRunPolicy.DEFAULT;
    int runCount;
    State state;

    public FlowBuilder id(UUID v) { id = v; return this; }
    public FlowBuilder deployment() { deploymentId = Kit.id(); return this; }
    public FlowBuilder parentTask(UUID v) { parentTaskRunId = v; return this; }
    public FlowBuilder pid(String v) { pid = v; return this; }
    public FlowBuilder policy(FlowRunPolicy v) { policy = v; return this; }
    public FlowBuilder retries(Integer retries, Integer delay) {
      policy = new FlowRunPolicy(0, 0, retries, delay, List.of(), false, null);
      return this;
    }
    public FlowBuilder runCount(int v) { runCount = v; return this; }
    public FlowBuilder state(State v) { state = v; return this; }

    public FlowRunDraft build() {
      return new FlowRunDraft(id, Kit.id(), deploymentId, parentTaskRunId, pid, policy, List.of(),
          state == null ? null : state.id(), state == null ? null : state.type(),
          state == null ? null : state.name(), state == null ? null : state.timestamp(), runCount,
          null, null, null, null, 0L);
    }
  }

  public static final class TaskBuilder {
    UUID id = Kit.id();
    UUID flowRunId;
    TaskRunPolicy policy = TaskRunPolicy.DEFAULT;
    int runCount;
    int flowRunRunCount;
    State state;

    public TaskBuilder id(UUID v) { id = v; return this; }
    public TaskBuilder flowRun(UUID v) { flowRunId = v; return this; }
    public TaskBuilder policy(TaskRunPolicy v) { policy = v; return this; }
    public TaskBuilder retries(Integer retries, Double delay) {
      policy = new TaskRunPolicy(0, 0, retries, delay, null, null);
      return this;
    }
    public TaskBuilder runCount(int v) { runCount = v; return this; }
    public TaskBuilder flowRunRunCount(int v) { flowRunRunCount = v; return this; }
    public TaskBuilder state(State v) { state = v; return this; }

    public TaskRunDraft build() {
      return new TaskRunDraft(id, flowRunId, "task", policy, List.of(),
          state == null ? null : state.id(), state == null ? null : state.type(),
          state == null ? null : state.name(), state == null ? null : state.timestamp(), runCount,
          flowRunRunCount, null, null, null, null, 0L);
    }
  }

  // ---- running ----

  public static OrchestrationOutcome run(Policy policy, RunDraft run, State initial, State proposed, Facts facts) {
    return new Engine().orchestrate(policy, NO_GLOBAL, run, initial, proposed, facts, env());
  }

  public static OrchestrationOutcome run(Policy policy, RunDraft run, State initial, State proposed) {
    return run(policy, run, initial, proposed, Facts.NONE);
  }

  /** Orchestrates with a policy made of the given steps only and no bookkeeping. */
  public static OrchestrationOutcome only(PolicyStep step, RunDraft run, State initial, State proposed, Facts facts) {
    return run(Policy.of("only " + step.name(), step), run, initial, proposed, facts);
  }

  public static OrchestrationOutcome only(PolicyStep step, RunDraft run, State initial, State proposed) {
    return only(step, run, initial, proposed, Facts.NONE);
  }

  public static OrchestrationOutcome full(Policy policy, Policy global, RunDraft run, State initial,
      State proposed, Facts facts) {
    return new Engine().orchestrate(policy, global, run, initial, proposed, facts, env());
  }

  /** Facts for a task whose flow run exists with the given run count and state. */
  public static Facts parent(UUID flowRunId, int runCount, State state) {
    return Facts.NONE.withParentFlowRun(new Facts.ParentFlowRun(flowRunId, runCount, state), false);
  }

  // ---- assertions ----

  public static void assertAccepted(OrchestrationOutcome out, State proposed) {
    assertEquals(OrchestrationStatus.ACCEPT, out.status(), () -> String.valueOf(out.details()));
    assertTrue(out.stateWritten());
    assertEquals(proposed.id(), out.state().id());
  }

  public static void assertNullReject(OrchestrationOutcome out, State current, String reason) {
    assertEquals(OrchestrationStatus.REJECT, out.status());
    assertEquals(OrchestrationDetails.reject(reason), out.details());
    assertFalse(out.stateWritten());
    assertSame(current, out.state());
  }

  public static void assertAbort(OrchestrationOutcome out, State current, String reason) {
    assertEquals(OrchestrationStatus.ABORT, out.status());
    assertEquals(OrchestrationDetails.abort(reason), out.details());
    assertFalse(out.stateWritten());
    assertSame(current, out.state());
  }
}
