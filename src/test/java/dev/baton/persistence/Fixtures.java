package dev.baton.persistence;

import static dev.baton.testsupport.DbTestBase.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Flow;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.TaskRunPolicy;
import dev.baton.domain.command.FlowCreate;
import dev.baton.domain.command.FlowRunCreate;
import dev.baton.domain.command.TaskRunCreate;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import java.util.UUID;

/** Builders for rows the tests need. */
public final class Fixtures {
  private Fixtures() {}

  public static ObjectNode obj() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static Flow flow(SqlClient c, String name) {
    return await(FlowRepository.insertOrGet(c, new FlowCreate(name, List.of("t1"), obj().put("team", "a")))).value();
  }

  static FlowRunCreate flowRunCreate(UUID flowId, String idempotencyKey) {
    return new FlowRunCreate(flowId, "run", null, "1.0", obj().put("x", 1), obj().put("c", true), null, null,
        FlowRunPolicy.DEFAULT, List.of("a", "b"), obj(), idempotencyKey, "pool", "queue", null, null);
  }

  public static UUID flowRun(SqlClient c, UUID flowId) {
    return await(FlowRunRepository.insert(c, flowRunCreate(flowId, null), "run", obj().put("l", "v"), null)).value();
  }

  static TaskRunCreate taskRunCreate(UUID id, UUID flowRunId, String taskKey, String dynamicKey) {
    return new TaskRunCreate(id, null, "task", flowRunId, taskKey, dynamicKey, "ck", null, "v1",
        new TaskRunPolicy(0, 0.0, 2, null, List.of(1.0, 2.5), 0.5), List.of("tag"), obj(),
        obj().set("x", JsonNodeFactory.instance.arrayNode().add(obj().put("input_type", "parameter").put("name", "x"))));
  }

  /** Inserts a task run as task-run creation does (the command's id, else a random one). */
  static io.vertx.core.Future<Upserted<UUID>> insertTaskRun(SqlClient c, TaskRunCreate cmd, String name,
      ObjectNode labels) {
    return TaskRunRepository.insertInheritingLabels(c, cmd.id() != null ? cmd.id() : UUID.randomUUID(), cmd, name, labels);
  }

  public static UUID taskRun(SqlClient c, UUID flowRunId, String key) {
    return await(insertTaskRun(c, taskRunCreate(null, flowRunId, key, "0"), "task", obj())).value();
  }
}
