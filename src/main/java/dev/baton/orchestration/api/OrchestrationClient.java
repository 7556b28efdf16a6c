package dev.baton.orchestration.api;

import dev.baton.domain.ApiVersion;
import dev.baton.domain.command.StateCreate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.UUID;

/**
 * The typed API of the orchestration verticle, for the HTTP verticle and for co-located verticles.
 * Failures arrive as {@link OrchestrationException}s with a closed set of codes.
 */
public final class OrchestrationClient {
  private final EventBus bus;
  private final DeliveryOptions options;
  private final long deadlineMillis;

  /**
   * @param timeoutMillis the event-bus send timeout: must exceed {@code deadlineMillis} plus twice
   *     the database's statement timeout, so that the orchestrator always answers first (and a
   *     timeout never hides a commit)
   * @param deadlineMillis every proposal sent carries the deadline this long after its sending
   *     (unless it has one): past it the orchestrator refuses it, nothing written
   */
  public OrchestrationClient(Vertx vertx, long timeoutMillis, long deadlineMillis) {
    this.bus = vertx.eventBus();
    registerCodecs(vertx);
    this.options = new DeliveryOptions().setSendTimeout(timeoutMillis).setLocalOnly(true);
    this.deadlineMillis = deadlineMillis;
  }

  /** With the default proposal deadline ({@code BATON_PROPOSAL_DEADLINE_MS}). */
  public OrchestrationClient(Vertx vertx, long timeoutMillis) {
    this(vertx, timeoutMillis, dev.baton.config.BatonConfig.Overload.DEFAULTS.proposalDeadlineMs());
  }

  /** With the default event-bus timeout and proposal deadline. */
  public OrchestrationClient(Vertx vertx) {
    this(vertx, dev.baton.config.BatonConfig.Overload.DEFAULTS.busTimeoutMs());
  }

  /** Registers the local codecs of the command and result records once per Vert.x instance. */
  public static void registerCodecs(Vertx vertx) {
    synchronized (OrchestrationClient.class) {
      EventBus bus = vertx.eventBus();
      try {
        bus.registerDefaultCodec(SetStateCommand.class, new LocalCodec<>(SetStateCommand.class));
        bus.registerDefaultCodec(OrchestrationResult.class, new LocalCodec<>(OrchestrationResult.class));
        bus.registerDefaultCodec(ResumeCommand.class, new LocalCodec<>(ResumeCommand.class));
      } catch (IllegalStateException alreadyRegistered) {
        // registered by another verticle of this Vert.x instance
      }
    }
  }

  public Future<OrchestrationResult> setTaskRunState(UUID taskRunId, StateCreate state, boolean force) {
    return send(SetStateCommand.task(taskRunId, state, force));
  }

  public Future<OrchestrationResult> setFlowRunState(UUID flowRunId, StateCreate state, boolean force,
      ApiVersion apiVersion, String clientVersion) {
    return send(SetStateCommand.flow(flowRunId, state, force, apiVersion, clientVersion));
  }

  /** Resumes a paused flow run, with optional run input (a JSON object). */
  public Future<OrchestrationResult> resumeFlowRun(UUID flowRunId, com.fasterxml.jackson.databind.JsonNode runInput,
      ApiVersion apiVersion, String clientVersion) {
    return send(new ResumeCommand(flowRunId, runInput, apiVersion, clientVersion));
  }

  public Future<OrchestrationResult> send(ResumeCommand command) {
    if (command.deadlineNanos() == Deadline.NONE) {
      command = command.withDeadline(Deadline.in(deadlineMillis));
    }
    return bus.<OrchestrationResult>request(Addresses.FLOW_RUN_RESUME, command, options)
        .map(m -> m.body())
        .recover(OrchestrationClient::mapFailure);
  }

  public Future<OrchestrationResult> send(SetStateCommand command) {
    if (command.deadlineNanos() == Deadline.NONE) {
      command = command.withDeadline(Deadline.in(deadlineMillis));
    }
    return bus.<OrchestrationResult>request(command.address(), command, options)
        .map(m -> m.body())
        .recover(OrchestrationClient::mapFailure);
  }

  static <T> Future<T> mapFailure(Throwable t) {
    if (t instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return Future.failedFuture(new OrchestrationException(OrchestrationFailure.fromCode(re.failureCode()), re.getMessage()));
      }
      // no handler registered, or timed out: the orchestration verticle is unavailable
      return Future.failedFuture(new OrchestrationException(OrchestrationFailure.UNAVAILABLE,
          "Orchestration unavailable: " + re.failureType().name().toLowerCase(), re));
    }
    return Future.failedFuture(t);
  }
}
