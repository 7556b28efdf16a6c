package dev.baton.orchestration.bus;

import dev.baton.admission.ServerState;
import dev.baton.admission.InFlightLimiter;
import dev.baton.observability.OverloadMetrics;
import dev.baton.orchestration.api.AcquireSlotsCommand;
import dev.baton.orchestration.api.Addresses;
import dev.baton.orchestration.api.BusCommand;
import dev.baton.orchestration.api.CreateFlowRunCommand;
import dev.baton.orchestration.api.CreateTaskRunCommand;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.orchestration.api.ReadCommand;
import dev.baton.orchestration.api.ReleaseLeaseCommand;
import dev.baton.orchestration.api.RenewLeaseCommand;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import dev.baton.orchestration.commands.ApiService;

/**
 * Serves the typed event-bus API beside set-state and resume ({@link OrchestrationVerticle}): run
 * creation, run and state-history reads, concurrency slots and leases ({@link Addresses}). Same
 * service code as the HTTP routes ({@link ApiService}); same overload bound as proposals
 * ({@link BusAdmission}): past it a command is answered UNAVAILABLE, never queued.
 */
public final class BusApiVerticle extends VerticleBase {
  private final ApiService api;
  private final BusAdmission admission;

  public BusApiVerticle(ApiService api, InFlightLimiter inFlight, ServerState state, OverloadMetrics overload) {
    this.api = api;
    this.admission = new BusAdmission(inFlight, state, overload);
  }

  @Override
  public Future<?> start() {
    OrchestrationClient.registerCodecs(vertx);
    List<Future<Void>> ready = new ArrayList<>();
    serve(ready, dev.baton.orchestration.api.CreateFlowCommand.class, Addresses.FLOW_CREATE, api::createFlow);
    serve(ready, CreateFlowRunCommand.class, Addresses.FLOW_RUN_CREATE, api::createFlowRun);
    serve(ready, CreateTaskRunCommand.class, Addresses.TASK_RUN_CREATE, api::createTaskRun);
    serve(ready, ReadCommand.class, Addresses.FLOW_RUN_READ, c -> api.readFlowRun(c.id()));
    serve(ready, ReadCommand.class, Addresses.TASK_RUN_READ, c -> api.readTaskRun(c.id()));
    serve(ready, ReadCommand.class, Addresses.FLOW_RUN_STATES, c -> api.flowRunStates(c.id()));
    serve(ready, ReadCommand.class, Addresses.TASK_RUN_STATES, c -> api.taskRunStates(c.id()));
    serve(ready, AcquireSlotsCommand.class, Addresses.CONCURRENCY_ACQUIRE, api::acquire);
    serve(ready, ReleaseLeaseCommand.class, Addresses.CONCURRENCY_RELEASE, c -> api.release(c.leaseId()));
    serve(ready, RenewLeaseCommand.class, Addresses.CONCURRENCY_RENEW, c -> api.renew(c.leaseId(), c.ttlSeconds()));
    return Future.all(ready);
  }

  private <C extends BusCommand> void serve(List<Future<Void>> ready, Class<C> type, String address,
      Function<C, Future<?>> handler) {
    MessageConsumer<Object> consumer = vertx.eventBus().localConsumer(address, msg -> handle(msg, type, handler));
    ready.add(consumer.completion());
  }

  private <C extends BusCommand> void handle(Message<Object> msg, Class<C> type, Function<C, Future<?>> handler) {
    if (!type.isInstance(msg.body())) {
      // e.g. a JSON body sent to the typed address instead of its ".json" twin
      msg.fail(dev.baton.orchestration.api.OrchestrationFailure.INVALID_INPUT.code(),
          "This address takes a " + type.getSimpleName() + "; JSON bodies go to " + Addresses.json(msg.address()));
      return;
    }
    C cmd = type.cast(msg.body());
    if (!admission.admit(msg, cmd.deadlinePassed())) {
      return;
    }
    Future<?> result;
    try {
      result = handler.apply(cmd);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    admission.reply(msg, result);
  }
}
