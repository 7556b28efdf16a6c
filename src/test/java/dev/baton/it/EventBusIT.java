package dev.baton.it;

import static dev.baton.it.ApiClient.state;
import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.StateType;
import dev.baton.domain.command.StateCreate;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.api.OrchestrationResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The event-bus contract, exercised the way a co-located verticle uses it: a verticle deployed on
 * Baton's Vert.x instance drives a task run through its life with the typed client, and gets
 * typed failure codes back.
 */
class EventBusIT {
  @ClassServer static TestServer server;

  /** A worker-like verticle that runs one task run PENDING → RUNNING → COMPLETED over the bus. */
  static final class WorkerVerticle extends VerticleBase {
    final UUID taskRun;
    final Promise<List<OrchestrationResult>> done = Promise.promise();

    WorkerVerticle(UUID taskRun) {
      this.taskRun = taskRun;
    }

    @Override
    public Future<?> start() {
      OrchestrationClient client = new OrchestrationClient(vertx);
      client.setTaskRunState(taskRun, StateCreate.of(StateType.RUNNING), false)
          .compose(r1 -> client.setTaskRunState(taskRun, StateCreate.of(StateType.COMPLETED), false).map(r2 -> List.of(r1, r2)))
          .onComplete(done);
      return Future.succeededFuture();
    }
  }

  @Test
  void coLocatedVerticleDrivesATaskRun() {
    ApiClient api = server.api();
    UUID task = api.createTaskRun(api.createFlowRun(state("RUNNING")), null);
    WorkerVerticle worker = new WorkerVerticle(task);
    await(server.vertx().deployVerticle(worker));
    List<OrchestrationResult> results = await(worker.done.future());
    assertEquals(OrchestrationStatus.ACCEPT, results.get(0).status());
    assertEquals(StateType.RUNNING, results.get(0).state().type());
    assertTrue(results.get(0).stateWritten());
    assertEquals(StateType.COMPLETED, results.get(1).state().type());
    // what the bus wrote is what HTTP reads
    assertEquals("COMPLETED", api.taskRun(task).get("state_type").asText());
    assertEquals(results.get(1).state().id().toString(), api.taskRun(task).get("state_id").asText());
  }

  @Test
  void flowRunsAndWaitResults() {
    ApiClient api = server.api();
    UUID run = api.createFlowRun(state("SCHEDULED", "state_details",
        ApiClient.obj("scheduled_time", java.time.Instant.now().plusSeconds(3600).toString())));
    OrchestrationClient client = new OrchestrationClient(server.vertx());
    OrchestrationResult wait = await(client.setFlowRunState(run, StateCreate.of(StateType.RUNNING), false, null, null));
    assertEquals(OrchestrationStatus.WAIT, wait.status());
    assertTrue(wait.details().delaySeconds() > 3500);
    assertEquals(StateType.SCHEDULED, wait.state().type());
  }

  @Test
  void pauseAndResumeOverTheBus() {
    ApiClient api = server.api();
    UUID run = api.createFlowRun(state("RUNNING"));
    OrchestrationClient client = new OrchestrationClient(server.vertx());
    dev.baton.domain.StateDetails details = dev.baton.domain.StateDetails.builder()
        .pauseKey("bus-pause").pauseTimeout(java.time.Instant.now().plusSeconds(600)).build();
    OrchestrationResult paused = await(client.setFlowRunState(run,
        new StateCreate(StateType.PAUSED, null, null, null, details), false, null, null));
    assertEquals(OrchestrationStatus.ACCEPT, paused.status());
    OrchestrationResult resumed = await(client.resumeFlowRun(run, null, null, null));
    assertEquals(OrchestrationStatus.ACCEPT, resumed.status());
    assertEquals(StateType.RUNNING, resumed.state().type());
    OrchestrationResult again = await(client.resumeFlowRun(run, null, null, null));
    assertEquals(OrchestrationStatus.ABORT, again.status());
    assertEquals("Cannot resume a flow run that is not paused.", again.details().reason());
    assertEquals("RUNNING", api.flowRun(run).get("state_type").asText());
  }

  @Test
  void unknownRunFailsWithNotFound() {
    OrchestrationClient client = new OrchestrationClient(server.vertx());
    UUID unknown = UUID.randomUUID();
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () ->
        client.setTaskRunState(unknown, StateCreate.of(StateType.RUNNING), false).toCompletionStage().toCompletableFuture().get());
    OrchestrationException oe = assertInstanceOf(OrchestrationException.class, e.getCause());
    assertEquals(OrchestrationFailure.NOT_FOUND, oe.failure());
    assertEquals("Task run with id " + unknown + " not found", oe.getMessage());
  }
}
