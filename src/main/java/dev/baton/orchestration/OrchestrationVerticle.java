package dev.baton.orchestration;

import dev.baton.orchestration.api.Addresses;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.ResumeCommand;
import dev.baton.orchestration.api.SetStateCommand;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * Consumes typed set-state commands from the event bus and answers with the orchestration result.
 * Expected failures travel as {@code message.fail(code, text)} with the codes of
 * {@link dev.baton.orchestration.api.OrchestrationFailure}.
 */
public final class OrchestrationVerticle extends VerticleBase {
  /** Proposals waiting for a group, at most; past it they are answered UNAVAILABLE at once. */
  static final int MAX_QUEUED = 16_384;

  private final OrchestrationService service;
  private final int maxGroupSize;
  private final int groupsInFlight;
  private ProposalBatcher batcher;

  /**
   * Set-state proposals grouped (see {@link ProposalBatcher}): at most {@code groupsInFlight}
   * transactions of this verticle at once, each for up to {@code maxGroupSize} proposals.
   */
  public OrchestrationVerticle(OrchestrationService service, int maxGroupSize, int groupsInFlight) {
    this.service = service;
    this.maxGroupSize = maxGroupSize;
    this.groupsInFlight = groupsInFlight;
  }

  @Override
  public Future<?> start() {
    OrchestrationClient.registerCodecs(vertx);
    batcher = new ProposalBatcher(service::setStates, maxGroupSize, groupsInFlight, MAX_QUEUED,
        service.metrics()::group);
    MessageConsumer<SetStateCommand> task = vertx.eventBus().<SetStateCommand>localConsumer(Addresses.TASK_RUN_SET_STATE, this::handle);
    MessageConsumer<SetStateCommand> flow = vertx.eventBus().<SetStateCommand>localConsumer(Addresses.FLOW_RUN_SET_STATE, this::handle);
    MessageConsumer<ResumeCommand> resume = vertx.eventBus().<ResumeCommand>localConsumer(Addresses.FLOW_RUN_RESUME,
        msg -> reply(msg, service.resume(msg.body())));
    return Future.all(task.completion(), flow.completion(), resume.completion());
  }

  private static void reply(Message<?> msg, Future<OrchestrationResult> result) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        OrchestrationException e = OrchestrationService.classify(ar.cause());
        msg.fail(e.failure().code(), e.getMessage());
      }
    });
  }

  private void handle(Message<SetStateCommand> msg) {
    reply(msg, batcher.submit(msg.body()));
  }
}
