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
      for (Class<?> type : LOCAL_TYPES) {
        register(bus, type);
      }
    }
  }

  /** Every record that travels on the typed addresses (by reference: {@link LocalCodec}). */
  private static final java.util.List<Class<?>> LOCAL_TYPES = java.util.List.of(SetStateCommand.class,
      OrchestrationResult.class, ResumeCommand.class, CreateFlowCommand.class, CreateFlowRunCommand.class, CreateTaskRunCommand.class,
      CreatedRun.class, ReadCommand.class, StateHistory.class, AcquireSlotsCommand.class, SlotsResult.class,
      ReleaseLeaseCommand.class, RenewLeaseCommand.class, dev.baton.domain.FlowRun.class, dev.baton.domain.TaskRun.class,
      dev.baton.domain.Flow.class);

  private static <T> void register(EventBus bus, Class<T> type) {
    try {
      bus.registerDefaultCodec(type, new LocalCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // registered by another verticle of this Vert.x instance
    }
  }

  // ---- runs ----

  /** Creates the flow named {@code name}, or finds it. */
  public Future<CreatedRun<dev.baton.domain.Flow>> createFlow(String name) {
    return request(Addresses.FLOW_CREATE, new CreateFlowCommand(name));
  }

  /** Creates a flow run (or finds it by its idempotency key) with its initial state. */
  public Future<CreatedRun<dev.baton.domain.FlowRun>> createFlowRun(dev.baton.domain.command.FlowRunCreate create) {
    return request(Addresses.FLOW_RUN_CREATE, new CreateFlowRunCommand(create));
  }

  /** Creates a task run (or finds it by its natural key) with its initial state. */
  public Future<CreatedRun<dev.baton.domain.TaskRun>> createTaskRun(dev.baton.domain.command.TaskRunCreate create) {
    return request(Addresses.TASK_RUN_CREATE, new CreateTaskRunCommand(create));
  }

  /** The flow run; fails NOT_FOUND when there is none. */
  public Future<dev.baton.domain.FlowRun> readFlowRun(UUID id) {
    return request(Addresses.FLOW_RUN_READ, new ReadCommand(id));
  }

  /** The task run; fails NOT_FOUND when there is none. */
  public Future<dev.baton.domain.TaskRun> readTaskRun(UUID id) {
    return request(Addresses.TASK_RUN_READ, new ReadCommand(id));
  }

  /** The flow run's states, oldest first. */
  public Future<StateHistory> flowRunStates(UUID id) {
    return request(Addresses.FLOW_RUN_STATES, new ReadCommand(id));
  }

  /** The task run's states, oldest first. */
  public Future<StateHistory> taskRunStates(UUID id) {
    return request(Addresses.TASK_RUN_STATES, new ReadCommand(id));
  }

  // ---- global concurrency limits ----

  /** Takes slots (all or none); {@link SlotsResult#acquired()} false: none free, retry later. */
  public Future<SlotsResult> acquireSlots(AcquireSlotsCommand command) {
    return request(Addresses.CONCURRENCY_ACQUIRE, command);
  }

  /** Releases a lease and its slots; completes with the number of leases released (0 or 1). */
  public Future<Integer> releaseLease(UUID leaseId) {
    return request(Addresses.CONCURRENCY_RELEASE, new ReleaseLeaseCommand(leaseId));
  }

  /** Extends a lease to {@code ttlSeconds} from now; fails NOT_FOUND when it expired or is gone. */
  public Future<Void> renewLease(UUID leaseId, double ttlSeconds) {
    return request(Addresses.CONCURRENCY_RENEW, new RenewLeaseCommand(leaseId, ttlSeconds));
  }

  /**
   * Sends any typed command to its address (the default deadline added when it has none); failures
   * as {@link OrchestrationException}s.
   */
  public <T> Future<T> request(String address, BusCommand command) {
    if (command.deadlineNanos() == Deadline.NONE) {
      command = command.withDeadline(Deadline.in(deadlineMillis));
    }
    return bus.<T>request(address, command, options)
        .map(m -> m.body())
        .recover(OrchestrationClient::mapFailure);
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
