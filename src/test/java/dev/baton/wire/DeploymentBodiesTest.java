package dev.baton.wire;

import static dev.baton.wire.TestJson.assertError;
import static dev.baton.wire.TestJson.j;
import static dev.baton.wire.TestJson.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.StateType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** DeploymentFlowRunCreate and DeploymentUpdate as Prefect 3.8's client sends them (sweep-baton.json). */
class DeploymentBodiesTest {
  @Test
  void createFlowRunAsTheClientSendsIt() {
    DeploymentBodies.FlowRunFromDeployment b = DeploymentBodies.createFlowRun(j("{'state': {'type': 'SCHEDULED',"
        + " 'name': 'Scheduled', 'message': null, 'state_details': {'scheduled_time': '2026-12-07T23:20:25.729901Z',"
        + " 'traceparent': null}, 'data': null}, 'name': 'sweep-dep-run-a908b6', 'parameters': {'x': 7},"
        + " 'context': {'c': 1}, 'tags': ['dep'], 'idempotency_key': 'idem-a908b6', 'parent_task_run_id': null,"
        + " 'work_queue_name': 'sweep-queue-a908b6', 'job_variables': {'env': {'B': '2'}}, 'labels': {'origin': 'sweep'}}"),
        524288).value();
    assertEquals(StateType.SCHEDULED, b.state().type());
    assertEquals(Instant.parse("2026-12-07T23:20:25.729901Z"), b.state().details().scheduledTime());
    assertEquals(j("{'c': 1}"), b.context());
    assertEquals(List.of("dep"), b.tags());
    assertEquals("sweep-queue-a908b6", b.workQueueName());
    assertEquals(j("{'origin': 'sweep'}"), b.labels());
    assertEquals(FlowRunPolicy.DEFAULT, b.empiricalPolicy());
    // run_deployment from a flow: the parent task run, a space-separated scheduled time (Python >= 3.13)
    UUID parent = UUID.randomUUID();
    DeploymentBodies.FlowRunFromDeployment sub = DeploymentBodies.createFlowRun(j("{'state': {'type': 'SCHEDULED',"
        + " 'state_details': {'scheduled_time': '2026-12-07 23:20:25+00:00'}}, 'parent_task_run_id': '" + parent + "',"
        + " 'empirical_policy': {'retries': 2.0, 'retry_delay': 3}, 'enforce_parameter_schema': false,"
        + " 'infrastructure_document_id': '" + parent + "'}"), 524288).value();
    assertEquals(parent, sub.parentTaskRunId());
    assertEquals(2, sub.empiricalPolicy().retries());
    assertEquals(parent, sub.infrastructureDocumentId());
    assertEquals(Instant.parse("2026-12-07T23:20:25Z"), sub.state().details().scheduledTime());
  }

  @Test
  void createFlowRunDefaultsAndRefusals() {
    DeploymentBodies.FlowRunFromDeployment empty = DeploymentBodies.createFlowRun(null, 524288).value();
    assertNull(empty.state());
    assertEquals(j("{}"), empty.context());
    assertEquals(List.of(), empty.tags());
    assertNull(empty.parameters());
    assertEquals(FlowRunPolicy.DEFAULT, empty.empiricalPolicy());
    // Prefect's model: these are not Optional
    assertError(only(DeploymentBodies.createFlowRun(j("{'tags': null}"), 524288)), "list_type", "body.tags");
    assertError(only(DeploymentBodies.createFlowRun(j("{'context': null}"), 524288)), "dict_type", "body.context");
    assertError(only(DeploymentBodies.createFlowRun(j("{'parameters': null}"), 524288)), "dict_type", "body.parameters");
    assertError(only(DeploymentBodies.createFlowRun(j("{'empirical_policy': null}"), 524288)), "model_attributes_type",
        "body.empirical_policy");
    assertError(only(DeploymentBodies.createFlowRun(j("{'parameters': {'x': 'abcdefgh'}}"), 10)), "value_error",
        "body.parameters");
    assertTrue(DeploymentBodies.createFlowRun(j("{'parameters': {'x': 'abcdefgh'}}"), 0).isOk(), "0 = unlimited");
    assertError(only(DeploymentBodies.createFlowRun(j("{'nope': 1}"), 524288)), "extra_forbidden", "body.nope");
  }

  @Test
  void updateAsTheClientSendsIt() {
    DeploymentBodies.DeploymentUpdate u = DeploymentBodies.update(j("{'description': 'updated', 'parameters': {'x': 3},"
        + " 'tags': ['sweep', 'updated']}")).value();
    assertEquals(java.util.Set.of("description", "parameters", "tags"), u.present().keySet());
    assertEquals(Boolean.TRUE, DeploymentBodies.update(j("{'paused': true}")).value().get("paused"));
  }
}
