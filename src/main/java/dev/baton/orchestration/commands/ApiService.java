package dev.baton.orchestration.commands;

import dev.baton.domain.ConcurrencyLimitV2;
import dev.baton.domain.FlowRun;
import dev.baton.domain.TaskRun;
import dev.baton.orchestration.api.AcquireSlotsCommand;
import dev.baton.orchestration.api.CreateFlowRunCommand;
import dev.baton.orchestration.api.CreateTaskRunCommand;
import dev.baton.orchestration.api.CreatedRun;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.api.RunCommands;
import dev.baton.orchestration.api.SlotCommands;
import dev.baton.orchestration.api.SlotsResult;
import dev.baton.orchestration.api.StateHistory;
import dev.baton.orchestration.api.TagSlotsResult;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.OrchestrationSettings;
import dev.baton.persistence.FlowRunRepository;
import dev.baton.persistence.StateRepository;
import dev.baton.persistence.TaskRunRepository;
import dev.baton.persistence.concurrency.LimitStore;
import dev.baton.persistence.concurrency.SlotStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import dev.baton.orchestration.run.ConcurrencyFactRows;
import dev.baton.orchestration.creation.RunCreation;
import dev.baton.orchestration.creation.CreationBatcher;
import dev.baton.orchestration.bus.BusApiVerticle;
import dev.baton.observability.OrchestrationMetrics;
import dev.baton.orchestration.run.RunOrchestrator;

/**
 * What a worker needs besides set-state and resume — create runs, read runs and their state
 * history, take and give back concurrency slots ({@link SlotCommands}: the v2 acquisition, release
 * and renewal here, the v1 tag slots in {@link TagSlotCommands}) — once, for the HTTP routes and
 * for the event-bus API ({@code BusApiVerticle}). Expected failures are {@link OrchestrationException}s.
 */
public final class ApiService implements RunCommands, SlotCommands {
  static final String FLOW_RUN_NOT_FOUND = "Flow run not found";
  static final String TASK_RUN_NOT_FOUND = "Task run not found";
  public static final String LEASE_NOT_FOUND = "Lease not found - it may have expired or been revoked";
  public static final String SLOTS_OVER_LIMIT = "Slots requested is greater than the limit";
  private static final Set<String> HOLDER_TYPES = Set.of("flow_run", "task_run", "deployment");

  private final Pool pool;
  private final RunCreation creation;
  private final CreationBatcher taskRunCreations;
  private final SlotAcquisition acquisition;
  private final TagSlotCommands tagSlots;

  /**
   * @param groupSize most task-run creations committed in one transaction ({@link CreationBatcher}; 1 = off)
   * @param groupsInFlight creation groups in the database at once, per event loop
   */
  public ApiService(Pool pool, RunOrchestrator runs, OrchestrationSettings settings, OrchestrationMetrics metrics,
      int groupSize, int groupsInFlight) {
    this.pool = pool;
    this.creation = new RunCreation(pool, runs);
    this.taskRunCreations = new CreationBatcher(pool, runs, creation, metrics, groupSize, groupsInFlight);
    this.acquisition = new SlotAcquisition(settings);
    this.tagSlots = new TagSlotCommands(pool, settings, acquisition);
  }

  // ---- runs ----

  @Override
  public Future<CreatedRun<dev.baton.domain.Flow>> createFlow(dev.baton.orchestration.api.CreateFlowCommand cmd) {
    dev.baton.domain.command.FlowCreate c = cmd.create();
    if (c.name() == null || c.name().isEmpty() || c.tags() == null) {
      return invalidInput("name (non-empty) and tags are required");
    }
    return dev.baton.persistence.FlowRepository.insertOrGet(pool, c).map(u -> new CreatedRun<>(u.value(), u.created()));
  }

  @Override
  public Future<CreatedRun<FlowRun>> createFlowRun(CreateFlowRunCommand cmd) {
    dev.baton.domain.command.FlowRunCreate c = cmd.create();
    if (c.flowId() == null || c.parameters() == null || c.context() == null || c.empiricalPolicy() == null
        || c.tags() == null || c.labels() == null) {
      return invalidInput("flow_id, parameters, context, empirical_policy, tags and labels are required"
          + " (FlowRunCreate.of fills the defaults)");
    }
    if (cmd.create().workPoolName() != null) {
      // Baton has no work pools: any named pool is unknown
      return Future.failedFuture(OrchestrationException.notFound("Work pool \"" + cmd.create().workPoolName() + "\" not found."));
    }
    return creation.createFlowRun(cmd.create(), cmd.apiVersion()).map(r -> new CreatedRun<>(r.run(), r.created()));
  }

  @Override
  public Future<CreatedRun<TaskRun>> createTaskRun(CreateTaskRunCommand cmd) {
    dev.baton.domain.command.TaskRunCreate c = cmd.create();
    if (c.taskKey() == null || c.dynamicKey() == null || c.empiricalPolicy() == null || c.tags() == null
        || c.labels() == null || c.taskInputs() == null) {
      return invalidInput("task_key, dynamic_key, empirical_policy, tags, labels and task_inputs are required"
          + " (TaskRunCreate.of fills the defaults)");
    }
    return taskRunCreations.createTaskRun(cmd.create()).map(r -> new CreatedRun<>(r.run(), r.created()));
  }

  private static <T> Future<T> invalidInput(String message) {
    return Future.failedFuture(new OrchestrationException(OrchestrationFailure.INVALID_INPUT, message));
  }

  @Override
  public Future<FlowRun> readFlowRun(UUID id) {
    return FlowRunRepository.get(pool, id).compose(r -> r != null ? Future.succeededFuture(r)
        : Future.failedFuture(OrchestrationException.notFound(FLOW_RUN_NOT_FOUND)));
  }

  @Override
  public Future<TaskRun> readTaskRun(UUID id) {
    return TaskRunRepository.get(pool, id).compose(r -> r != null ? Future.succeededFuture(r)
        : Future.failedFuture(OrchestrationException.notFound(TASK_RUN_NOT_FOUND)));
  }

  @Override
  public Future<StateHistory> flowRunStates(UUID id) {
    return StateRepository.flowRunStates(pool, id).map(StateHistory::new);
  }

  @Override
  public Future<StateHistory> taskRunStates(UUID id) {
    return StateRepository.taskRunStates(pool, id).map(StateHistory::new);
  }

  // ---- global concurrency limits (spec/concurrency.md §4.2.1) ----

  /** The checks the REST body model makes, for typed commands built in Java. */
  private static String invalid(AcquireSlotsCommand b) {
    if (b.slots() <= 0) {
      return "slots: must be greater than 0";
    }
    if (b.names().isEmpty() || b.names().stream().anyMatch(n -> n == null)) {
      return "names: must be a non-empty list of names";
    }
    if (b.withLease() && !(b.leaseSeconds() >= 60 && b.leaseSeconds() <= 86400)) {
      return "lease_duration: must be between 60 and 86400 seconds";
    }
    if ((b.holderType() == null) != (b.holderId() == null) || (b.holderType() != null && (!b.withLease()
        || !HOLDER_TYPES.contains(b.holderType())))) {
      return "holder: a lease holder needs a lease, a type (flow_run, task_run, deployment) and an id";
    }
    return null;
  }

  /**
   * Takes {@code slots} of every active limit named, all or none, in one transaction: the limits
   * are locked in id order before the decision, so concurrent acquisitions never over-admit.
   */
  @Override
  public Future<SlotsResult> acquire(AcquireSlotsCommand b) {
    String invalid = invalid(b);
    if (invalid != null) {
      return Future.failedFuture(new OrchestrationException(OrchestrationFailure.INVALID_INPUT, invalid));
    }
    List<String> names = b.names().stream().distinct().toList();
    return pool.withTransaction(c -> LimitStore.lockByNames(c, names).compose(found -> {
      List<ConcurrencyLimitV2> all = LimitStore.inNameOrder(found, names);
      List<ConcurrencyLimitV2> active = all.stream().filter(ConcurrencyLimitV2::active).toList();
      if (active.stream().anyMatch(l -> l.limit() < b.slots())) {
        return Future.failedFuture(new OrchestrationException(OrchestrationFailure.INVALID_INPUT, SLOTS_OVER_LIMIT));
      }
      if (b.rateLimit()) {
        List<String> noDecay = active.stream().filter(l -> l.slotDecayPerSecond() <= 0).map(ConcurrencyLimitV2::name).toList();
        if (!noDecay.isEmpty()) {
          return Future.failedFuture(new OrchestrationException(OrchestrationFailure.INVALID_INPUT,
              "Only concurrency limits with slot decay can be used for rate limiting. The following limits do not "
                  + "have a decay configured: '" + String.join(",", noDecay) + "'"));
        }
      }
      List<ConcurrencyFacts.Limit> facts = active.stream().map(ConcurrencyFactRows::limit).toList();
      SlotAcquisition.Lease lease = new SlotAcquisition.Lease(b.withLease(), b.leaseSeconds(), b.holderType(),
          b.holderId());
      List<SlotsResult.Limit> named = all.stream().map(l -> new SlotsResult.Limit(l.id(), l.name(), l.limit())).toList();
      return acquisition.acquire(c, facts, b.slots(), SlotAcquisition.WaitOn.ALL, lease)
          .map(d -> d.taken() ? SlotsResult.acquired(d.leaseId(), named) : SlotsResult.locked(d.retryAfterSeconds()));
    }));
  }

  /** Revokes a lease and gives its slots back; the number of leases released (0 or 1). */
  @Override
  public Future<Integer> release(UUID leaseId) {
    return pool.withTransaction(c -> SlotStore.releaseLeases(c, List.of(leaseId)));
  }

  /** Extends a lease to {@code ttlSeconds} from now; NOT_FOUND when it expired or is gone. */
  @Override
  public Future<Void> renew(UUID leaseId, Double ttlSeconds) {
    if (ttlSeconds != null && !(ttlSeconds >= 60 && ttlSeconds <= 86400)) {
      return Future.failedFuture(new OrchestrationException(OrchestrationFailure.INVALID_INPUT,
          "lease_duration: must be between 60 and 86400 seconds"));
    }
    return SlotStore.renew(pool, leaseId, ttlSeconds).compose(ok -> ok ? Future.<Void>succeededFuture()
        : Future.failedFuture(OrchestrationException.notFound(LEASE_NOT_FOUND)));
  }

  // ---- v1 tag slots (spec/concurrency.md §4.1) ----

  @Override
  public Future<TagSlotsResult> incrementTags(List<String> tags, UUID taskRunId) {
    return tagSlots.incrementTags(tags, taskRunId);
  }

  @Override
  public Future<List<SlotsResult.Limit>> decrementTags(List<String> tags, UUID taskRunId) {
    return tagSlots.decrementTags(tags, taskRunId);
  }

  @Override
  public Future<Boolean> resetTag(String tag, List<UUID> override) {
    return tagSlots.resetTag(tag, override);
  }
}
