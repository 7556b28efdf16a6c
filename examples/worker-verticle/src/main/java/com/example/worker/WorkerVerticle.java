package com.example.worker;

import dev.baton.domain.FlowRun;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRun;
import dev.baton.domain.command.FlowRunCreate;
import dev.baton.domain.command.StateCreate;
import dev.baton.domain.command.TaskRunCreate;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.UUID;

/**
 * A worker that lives beside Baton in the same JVM and talks to it over the event bus only (no
 * HTTP): it creates a flow, a flow run and a task run, and drives both runs to COMPLETED.
 *
 * <p>Deploy it beside the server:
 * <pre>
 * BATON_VERTICLES=com.example.worker.WorkerVerticle java -cp target/baton.jar:worker.jar dev.baton.Main
 * </pre>
 * or from your own application after {@code Baton.deploy(vertx, config)}. Its {@code start()}
 * completes once the work is done (or fails with the {@link OrchestrationException} that stopped
 * it), and the flow run's id is published on {@value #DONE_ADDRESS}.
 */
public class WorkerVerticle extends VerticleBase {
  /** Where the finished flow run's id is published. */
  public static final String DONE_ADDRESS = "example.worker.done";

  @Override
  public Future<?> start() {
    // the typed client: records passed by reference, failures as OrchestrationException
    OrchestrationClient baton = new OrchestrationClient(vertx);
    return baton.createFlow("example-worker")
        .compose(flow -> baton.createFlowRun(FlowRunCreate.of(flow.run().id(), "example-" + UUID.randomUUID(), null)))
        .compose(created -> {
          FlowRun run = created.run();
          return expect(baton.setFlowRunState(run.id(), StateCreate.of(StateType.RUNNING), false, null, null), StateType.RUNNING)
              .compose(v -> baton.createTaskRun(TaskRunCreate.of(run.id(), "say-hello", "0", "say-hello-0", null)))
              .compose(task -> work(baton, task.run()))
              .compose(v -> expect(baton.setFlowRunState(run.id(), StateCreate.of(StateType.COMPLETED), false, null, null),
                  StateType.COMPLETED))
              .map(v -> {
                vertx.eventBus().publish(DONE_ADDRESS, run.id().toString());
                return run.id();
              });
        });
  }

  /** RUNNING, the task's work, COMPLETED — each transition decided by Baton's orchestration rules. */
  private Future<Void> work(OrchestrationClient baton, TaskRun task) {
    return expect(baton.setTaskRunState(task.id(), StateCreate.of(StateType.RUNNING), false), StateType.RUNNING)
        .compose(v -> expect(baton.setTaskRunState(task.id(), StateCreate.of(StateType.COMPLETED), false),
            StateType.COMPLETED));
  }

  /**
   * The proposal must have been accepted: a REJECT / WAIT / ABORT comes back as a result (with the
   * state that holds instead), not as a failure, and a real worker would act on it.
   */
  private static Future<Void> expect(Future<OrchestrationResult> proposal, StateType wanted) {
    return proposal.compose(r -> r.state() != null && r.state().type() == wanted
        ? Future.<Void>succeededFuture()
        : Future.failedFuture(new IllegalStateException("Baton answered " + r.status() + " for " + wanted)));
  }
}
