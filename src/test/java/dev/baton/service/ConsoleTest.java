package dev.baton.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Event;
import dev.baton.domain.StateType;
import dev.baton.filter.Filters;
import dev.baton.filter.Keyset;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ConsoleTest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private static Filters.Query tasks(Filters.TaskRunFilter f) {
    return new Filters.Query(null, null, f, null, null, null);
  }

  private static Filters.TaskRunFilter taskFilter(Filters.Op op, Filters.Ids id, Filters.States state, Filters.Ids flowRun) {
    return new Filters.TaskRunFilter(op, id, null, null, state, null, null, null, null, flowRun);
  }

  @Test
  void onlyFiltersAnIndexAnswersGoUnwindowed() {
    Filters.Ids one = new Filters.Ids(Filters.Op.AND, List.of(UUID.randomUUID()), null, null);
    Filters.States running = new Filters.States(Filters.Op.AND, List.of(StateType.RUNNING), null, null, null);
    assertTrue(Console.indexedTaskRunFilter(tasks(taskFilter(Filters.Op.AND, null, null, one))), "a flow run's task runs");
    assertTrue(Console.indexedTaskRunFilter(tasks(taskFilter(Filters.Op.AND, one, running, null))), "ids");
    assertFalse(Console.indexedTaskRunFilter(tasks(taskFilter(Filters.Op.AND, null, running, null))), "a state alone");
    assertFalse(Console.indexedTaskRunFilter(tasks(taskFilter(Filters.Op.OR, null, running, one))), "or_: either may match");
    assertFalse(Console.indexedTaskRunFilter(Filters.Query.NONE));
    Filters.FlowRunFilter paused = new Filters.FlowRunFilter(Filters.Op.AND, null, null, null, null, null,
        new Filters.States(Filters.Op.AND, List.of(StateType.PAUSED), null, null, null), null, null, null, null, null, null,
        null, null, null);
    assertTrue(Console.indexedFlowRunFilter(new Filters.Query(null, paused, null, null, null, null)), "flow_run has a state index");
    assertFalse(Console.indexedFlowRunFilter(new Filters.Query(null, paused, taskFilter(Filters.Op.AND, null, running, null),
        null, null, null)), "with a task-run filter");
  }

  @Test
  void anUpperTimeBoundStartsTheFirstPageThere() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    Keyset k = Console.start(null, new Filters.Times(t, null, null));
    assertEquals(t, k.time());
    assertEquals(new UUID(-1L, -1L), k.id(), "the largest id: every run at that time is included");
    Keyset after = new Keyset(t.minusSeconds(5), UUID.randomUUID());
    assertEquals(after, Console.start(after, new Filters.Times(t, null, null)), "a cursor wins");
    assertNull(Console.start(null, null));
    assertNull(Console.start(null, new Filters.Times(null, t, null)));
  }

  private static Event event(String name, String resource, ObjectNode payload) {
    ObjectNode r = F.objectNode().put(Event.RESOURCE_ID, resource);
    return new Event(UUID.randomUUID(), Instant.EPOCH, name, r, F.arrayNode(), payload, null, Instant.EPOCH);
  }

  @Test
  void runChangesAreReadFromStateEvents() {
    UUID id = UUID.randomUUID();
    ObjectNode payload = F.objectNode();
    payload.putObject("validated_state").put("type", "RUNNING").put("name", "Running");
    ConsoleLive.RunChange c = ConsoleLive.change(event("prefect.flow-run.Running", "prefect.flow-run." + id, payload));
    assertEquals(new ConsoleLive.RunChange("flow_run", id, "RUNNING", "Running", Instant.EPOCH), c);
    assertEquals("task_run", ConsoleLive.change(event("prefect.task-run.Running", "prefect.task-run." + id, payload)).kind());
    assertNull(ConsoleLive.change(event("prefect.flow-run.Running", "prefect.flow-run.not-an-id", payload)));
    assertNull(ConsoleLive.change(event("prefect.log.write", "prefect.flow-run." + id, payload)), "not a state event");
    assertNull(ConsoleLive.change(event("prefect.flow-run.Running", "prefect.flow-run." + id, F.objectNode())), "no state");
    assertNull(ConsoleLive.change(event("prefect.deployment.created", "prefect.deployment." + id, payload)));
  }

  @Test
  void countingTakesAtMostATwentiethOfAConnection() {
    assertEquals(900, ConsoleLive.countDelayMillis(3));
    assertEquals(17_000, ConsoleLive.countDelayMillis(850));
  }
}
