package dev.baton.domain.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.TaskRunPolicy;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /api/task_runs/} body (spec/api.md §5.1), validated. {@code id} is an optional
 * client-chosen id; {@code state} null means Pending; {@code name} null means "generate a slug".
 */
public record TaskRunCreate(
    UUID id,
    StateCreate state,
    String name,
    UUID flowRunId,
    String taskKey,
    String dynamicKey,
    String cacheKey,
    Instant cacheExpiration,
    String taskVersion,
    TaskRunPolicy empiricalPolicy,
    List<String> tags,
    ObjectNode labels,
    ObjectNode taskInputs) {  /**
   * A task run of {@code flowRunId} (null: a task run outside a flow run) with the REST API's
   * defaults; its natural key is (flow run, {@code taskKey}, {@code dynamicKey}); {@code state}
   * null = Pending. For typed event-bus callers.
   */
  public static TaskRunCreate of(UUID flowRunId, String taskKey, String dynamicKey, String name, StateCreate state) {
    com.fasterxml.jackson.databind.node.JsonNodeFactory f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    return new TaskRunCreate(null, state, name, flowRunId, taskKey, dynamicKey, null, null, null,
        TaskRunPolicy.DEFAULT, List.of(), f.objectNode(), f.objectNode());
  }
}
