package dev.baton.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.config.BatonConfig;
import dev.baton.domain.ApiVersion;
import dev.baton.domain.Deployment;
import dev.baton.domain.DeploymentSchedule;
import dev.baton.domain.DeploymentWithLimit;
import dev.baton.domain.FlowRun;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.StateType;
import dev.baton.domain.command.DeploymentCreate;
import dev.baton.domain.command.FlowRunCreate;
import dev.baton.domain.command.FlowRunFromDeployment;
import dev.baton.domain.command.ScheduleCreate;
import dev.baton.domain.command.ScheduleUpdate;
import dev.baton.domain.command.StateCreate;
import dev.baton.orchestration.api.CreateFlowRunCommand;
import dev.baton.orchestration.api.CreatedRun;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.api.RunCommands;
import dev.baton.persistence.DeploymentConcurrency;
import dev.baton.persistence.DeploymentRepository;
import dev.baton.persistence.DeploymentScheduleStore;
import dev.baton.persistence.DeploymentScheduleStore.ScheduleRow;
import dev.baton.persistence.ScheduledRunStore;
import dev.baton.persistence.ScheduledRunStore.Deletion;
import dev.baton.persistence.SqlErrors;
import dev.baton.schedule.RunPlanner;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import dev.baton.filter.Filters;
import dev.baton.persistence.filter.FilterSql;
import io.vertx.sqlclient.SqlClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deployments (dispatch.md §1.2–§1.4): upsert, read, PATCH, delete with Prefect's run-deletion
 * rules (D1 future auto-scheduled runs on upsert and PATCH, D2 every auto-scheduled one on pause
 * and schedule deletion, D3 every scheduled one on deletion), their schedules (kept by id while
 * unchanged: {@link ScheduleReconciliation}), pause/resume, manual scheduling, the runner's poll
 * with the READY status it records, and flow runs created from a deployment. Every change is one
 * transaction; {@code concurrency_limit} stays the v2 limit {@code deployment:<id>}.
 */
public final class Deployments {
  private static final Logger LOG = LoggerFactory.getLogger(Deployments.class);
  public static final String NOT_FOUND = "Deployment not found";
  /** The text of the schedule routes' and PATCH's 404. */
  public static final String NOT_FOUND_DOT = "Deployment not found.";
  public static final String SCHEDULE_NOT_FOUND = "Schedule not found.";
  static final String DUPLICATE_SLUG = "Schedule slugs must be unique within a deployment.";
  /** The PATCH key that is synced to the linked limit rather than written as a column. */
  static final String CONCURRENCY_LIMIT = "concurrency_limit";
  /** A READY deployment's {@code last_polled} is rewritten by a poll only when older than this. */
  static final Duration LAST_POLLED_REFRESH = Duration.ofSeconds(15);

  /** A saved deployment and whether this call created it. */
  public record Saved(DeploymentWithLimit deployment, boolean created) {}

  private final Pool pool;
  private final RunCommands runs;
  private final BatonConfig.Scheduler scheduler;
  private final Clock clock;
  /** Id sets whose READY mark is being written (Prefect coalesces it per id set too). */
  private final Set<String> marking = ConcurrentHashMap.newKeySet();

  public Deployments(Pool pool, RunCommands runs, BatonConfig.Scheduler scheduler, Clock clock) {
    this.pool = pool;
    this.runs = runs;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  public Deployments(Pool pool, RunCommands runs) {
    this(pool, runs, BatonConfig.Scheduler.DEFAULTS, Clock.systemUTC());
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Creates or updates (by flow and name), with its schedules and limit, in one transaction. */
  public Future<Saved> upsert(DeploymentCreate body) {
    Instant now = now();
    return pool.withTransaction(c -> DeploymentRepository.upsert(c, body).compose(up -> {
      UUID id = up.value().id();
      Future<Void> limit = body.has(CONCURRENCY_LIMIT)
          ? DeploymentConcurrency.sync(c, id, up.value().concurrencyLimitId(), body.concurrencyLimit())
          : Future.succeededFuture();
      return limit
          .compose(v -> ScheduledRunStore.deleteScheduledRuns(c, id, Deletion.D1, now))
          .compose(n -> DeploymentScheduleStore.list(c, id))
          .compose(existing -> apply(c, id, ScheduleReconciliation.replace(existing, body.schedules())))
          .compose(v -> read(c, id))
          .map(w -> new Saved(w, up.created()));
    }));
  }

  /** NOT_FOUND when there is no such deployment. */
  public Future<DeploymentWithLimit> get(UUID id) {
    return Found.orNotFound(read(pool, id), NOT_FOUND);
  }

  /** Deployments the filter matches, with their limits. */
  public Future<List<DeploymentWithLimit>> list(Filters.ListRequest<Filters.DeploymentSort> q) {
    FilterSql.Where w = FilterSql.deployments(q.filter(), "deployment", 1);
    return DeploymentConcurrency.list(pool, w.sql(), w.params(), FilterSql.orderBy(q.sort(), "deployment"), q.limit(),
        q.offset()).compose(l -> l.isEmpty() ? Future.succeededFuture(List.<DeploymentWithLimit>of())
            : DeploymentScheduleStore.of(pool, l.stream().map(w2 -> w2.deployment().id()).toList())
                .map(schedules -> l.stream().map(w2 -> new DeploymentWithLimit(
                    w2.deployment().withSchedules(schedules.getOrDefault(w2.deployment().id(), List.of())),
                    w2.limit())).toList()));
  }

  /** The page and the total the filter matches, read concurrently. */
  public Future<Page<DeploymentWithLimit>> page(Filters.ListRequest<Filters.DeploymentSort> q) {
    return Page.of(list(q), count(q.filter()));
  }

  public Future<Long> count(Filters.Query q) {
    FilterSql.Where w = FilterSql.deployments(q, "deployment", 1);
    return DeploymentRepository.count(pool, w.sql(), w.params());
  }

  /** {@code run_deployment("flow/deployment")}'s lookup; NOT_FOUND when there is no such deployment. */
  public Future<DeploymentWithLimit> byName(String flowName, String deploymentName) {
    return Found.orNotFound(DeploymentRepository.idByName(pool, flowName, deploymentName), NOT_FOUND).compose(this::get);
  }

  /**
   * PATCH: the present columns ({@code present}: key → decoded value; {@code concurrency_limit}
   * syncs the linked limit; {@code schedules} by Prefect's slug rules), then D1, in one
   * transaction. NOT_FOUND ("Deployment not found.") when there is no such deployment; the slug
   * rules' 422s before anything is written.
   */
  @SuppressWarnings("unchecked")
  public Future<Void> update(UUID id, Map<String, Object> present) {
    Instant now = now();
    return pool.withTransaction(c -> DeploymentRepository.lock(c, id).compose(d -> {
      if (d == null) {
        return Future.failedFuture(OrchestrationException.notFound(NOT_FOUND_DOT));
      }
      List<ScheduleUpdate> given = (List<ScheduleUpdate>) present.get("schedules");
      return DeploymentScheduleStore.list(c, id).compose(existing -> {
        ScheduleReconciliation.Writes writes = given == null ? null : ScheduleReconciliation.patch(existing, given);
        return DeploymentConcurrency.patch(c, id, present)
            .compose(ok -> present.containsKey(CONCURRENCY_LIMIT)
                ? DeploymentConcurrency.sync(c, id, d.concurrencyLimitId(), (Integer) present.get(CONCURRENCY_LIMIT))
                : Future.succeededFuture())
            .compose(v -> ScheduledRunStore.deleteScheduledRuns(c, id, Deletion.D1, now))
            .compose(n -> writes == null ? Future.succeededFuture() : apply(c, id, writes));
      });
    })).recover(Deployments::slugConflict);
  }

  /** Deletes the deployment, its scheduled runs (D3) and the limit it owns, in one transaction. */
  public Future<Void> delete(UUID id) {
    Instant now = now();
    return Found.touched(pool.withTransaction(c -> DeploymentRepository.lock(c, id).compose(d -> d == null
        ? Future.succeededFuture(false)
        : ScheduledRunStore.deleteScheduledRuns(c, id, Deletion.D3, now)
            .compose(n -> DeploymentConcurrency.sync(c, id, d.concurrencyLimitId(), null))
            .compose(v -> DeploymentRepository.delete(c, id)))), NOT_FOUND);
  }

  // ---- schedules -----------------------------------------------------------------------------

  public Future<List<DeploymentSchedule>> schedules(UUID id) {
    return Found.orNotFound(DeploymentRepository.get(pool, id), NOT_FOUND_DOT)
        .compose(d -> DeploymentScheduleStore.list(pool, id));
  }

  /** Adds schedules; a slug the deployment has (or given twice) ⇒ CONFLICT, nothing written. */
  public Future<List<DeploymentSchedule>> createSchedules(UUID id, List<ScheduleCreate> given) {
    List<ScheduleRow> rows = new ArrayList<>();
    given.forEach(s -> rows.add(ScheduleRow.fresh(s.schedule(), s.active(), s.maxScheduledRuns(), s.parameters(), s.slug())));
    Set<UUID> ids = new java.util.HashSet<>();
    rows.forEach(r -> ids.add(r.id()));
    return pool.withTransaction(c -> DeploymentRepository.lock(c, id).compose(d -> d == null
        ? Future.<List<DeploymentSchedule>>failedFuture(OrchestrationException.notFound(NOT_FOUND_DOT))
        : DeploymentScheduleStore.insert(c, id, rows)
            .compose(v -> DeploymentRepository.touch(c, id))
            .compose(v -> DeploymentScheduleStore.list(c, id))
            .map(all -> all.stream().filter(s -> ids.contains(s.id())).toList())))
        .recover(t -> SqlErrors.isUniqueViolation(t)
            ? Future.failedFuture(new OrchestrationException(OrchestrationFailure.CONFLICT, DUPLICATE_SLUG, t))
            : Future.failedFuture(t))
        .map(created -> {
          List<DeploymentSchedule> ordered = new ArrayList<>(created);
          ordered.sort(java.util.Comparator.comparing(s -> rows.indexOf(rows.stream().filter(r -> r.id().equals(s.id()))
              .findFirst().orElseThrow())));
          return ordered;
        });
  }

  /** Updates one schedule (the given fields; parameters always), then D1. */
  public Future<Void> updateSchedule(UUID id, UUID scheduleId, ScheduleUpdate u) {
    Instant now = now();
    return pool.withTransaction(c -> scheduleOf(c, id, scheduleId).compose(e -> {
      ScheduleRow row = ScheduleReconciliation.update(e, u);
      return DeploymentScheduleStore.update(c, id, row)
          .compose(ok -> DeploymentRepository.touch(c, id))
          .compose(ok -> ScheduledRunStore.deleteScheduledRuns(c, id, Deletion.D1, now));
    })).recover(Deployments::slugConflict).mapEmpty();
  }

  /** Deletes one schedule, then D2 (Late runs too). */
  public Future<Void> deleteSchedule(UUID id, UUID scheduleId) {
    Instant now = now();
    return pool.withTransaction(c -> scheduleOf(c, id, scheduleId)
        .compose(e -> DeploymentScheduleStore.delete(c, id, List.of(scheduleId)))
        .compose(n -> DeploymentRepository.touch(c, id))
        .compose(ok -> ScheduledRunStore.deleteScheduledRuns(c, id, Deletion.D2, now))).mapEmpty();
  }

  private static Future<DeploymentSchedule> scheduleOf(SqlClient c, UUID id, UUID scheduleId) {
    return DeploymentRepository.lock(c, id).compose(d -> d == null
        ? Future.failedFuture(OrchestrationException.notFound(NOT_FOUND_DOT))
        : DeploymentScheduleStore.list(c, id).compose(all -> all.stream().filter(s -> s.id().equals(scheduleId))
            .findFirst().map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(OrchestrationException.notFound(SCHEDULE_NOT_FOUND)))));
  }

  private static Future<Void> apply(SqlClient c, UUID id, ScheduleReconciliation.Writes w) {
    if (w.none()) {
      return Future.succeededFuture();
    }
    Future<Void> f = DeploymentScheduleStore.delete(c, id, w.delete()).mapEmpty();
    f = f.compose(v -> DeploymentScheduleStore.clearSlugs(c, id, w.clearSlugs()));
    for (ScheduleRow r : w.update()) {
      f = f.compose(v -> DeploymentScheduleStore.update(c, id, r).mapEmpty());
    }
    return f.compose(v -> DeploymentScheduleStore.insert(c, id, w.insert()));
  }

  private static <T> Future<T> slugConflict(Throwable t) {
    return SqlErrors.isUniqueViolation(t)
        ? Future.failedFuture(new OrchestrationException(OrchestrationFailure.CONFLICT, DUPLICATE_SLUG, t))
        : Future.failedFuture(t);
  }

  // ---- pause, resume, manual scheduling --------------------------------------------------------

  /** Paused, then every auto-scheduled run not started deleted (D2), in one transaction. */
  public Future<Void> pause(UUID id) {
    Instant now = now();
    return Found.touched(pool.withTransaction(c -> DeploymentRepository.setPaused(c, id, true).compose(ok -> !ok
        ? Future.succeededFuture(false)
        : ScheduledRunStore.deleteScheduledRuns(c, id, Deletion.D2, now).map(n -> true))), NOT_FOUND);
  }

  /** Not paused ({@code updated} bumped: the recent pass schedules it within seconds). */
  public Future<Void> resume(UUID id) {
    return Found.touched(DeploymentRepository.setPaused(pool, id, false), NOT_FOUND);
  }

  /**
   * {@code POST /deployments/{id}/schedule}: the runs the active schedules give between
   * {@code start} (default now) and {@code end} (default start + the scheduler's horizon), at
   * least {@code minRuns} and {@code minTime} ahead, at most {@code maxRuns} per schedule —
   * auto-scheduled, idempotent. A missing deployment schedules nothing, as in Prefect.
   */
  public Future<Integer> schedule(UUID id, Instant start, Instant end, Duration minTime, Integer minRuns, Integer maxRuns) {
    Instant now = now();
    Instant from = start != null ? start : now;
    RunPlanner.Window w = new RunPlanner.Window(from,
        end != null ? end : from.plusMillis(scheduler.maxScheduledTimeMillis()),
        minTime != null ? minTime : Duration.ofMillis(scheduler.minScheduledTimeMillis()),
        minRuns != null ? minRuns : scheduler.minRuns(), maxRuns != null ? maxRuns : scheduler.maxRuns());
    return pool.withTransaction(c -> DeploymentRepository.lock(c, id).compose(d -> d == null
        ? Future.succeededFuture(0)
        : DeploymentScheduleStore.list(c, id).compose(schedules ->
            ScheduledRunStore.insert(c, RunPlanner.plan(d, schedules, w, true), now))));
  }

  // ---- the runner's poll ---------------------------------------------------------------------

  /**
   * {@code get_scheduled_flow_runs}: the deployments' scheduled runs due by {@code before}; the
   * deployments are then marked READY (polled now) — after the answer, coalesced per id set, and
   * only where not READY already or last polled over {@value #LAST_POLLED_REFRESH_TEXT} ago.
   */
  public Future<List<FlowRun>> scheduledRuns(List<UUID> deploymentIds, Instant before, int limit) {
    return ScheduledRunStore.scheduledRuns(pool, deploymentIds, before, limit).onSuccess(v -> markReady(deploymentIds));
  }

  static final String LAST_POLLED_REFRESH_TEXT = "15 s";

  private void markReady(List<UUID> ids) {
    if (ids.isEmpty()) {
      return;
    }
    List<UUID> sorted = new ArrayList<>(new java.util.TreeSet<>(ids));
    String key = sorted.toString();
    if (!marking.add(key)) {
      return;
    }
    ScheduledRunStore.markReady(pool, sorted, now(), LAST_POLLED_REFRESH).onComplete(ar -> {
      marking.remove(key);
      if (ar.failed()) {
        LOG.warn("event=mark_deployments_ready_failed deployments={} error=\"{}\"", sorted.size(), ar.cause().toString());
      }
    });
  }

  // ---- flow runs -----------------------------------------------------------------------------

  /**
   * A flow run of the deployment, through run creation (orchestration of its initial state);
   * NOT_FOUND when there is no such deployment.
   */
  public Future<CreatedRun<FlowRun>> createFlowRun(UUID deploymentId, FlowRunFromDeployment b, ApiVersion apiVersion) {
    return createFlowRun(deploymentId, b, apiVersion, null);
  }

  /** {@link #createFlowRun(UUID, FlowRunFromDeployment, ApiVersion)} recording who created it ({@code created_by}). */
  public Future<CreatedRun<FlowRun>> createFlowRun(UUID deploymentId, FlowRunFromDeployment b, ApiVersion apiVersion,
      com.fasterxml.jackson.databind.JsonNode createdBy) {
    return Found.orNotFound(DeploymentRepository.get(pool, deploymentId), NOT_FOUND)
        .map(d -> {
          FlowRunCreate c = flowRunCreate(d, b).withCreatedBy(createdBy);
          return c.labels() != null ? c : c.withLabels(JsonNodeFactory.instance.objectNode()); // none given: none added
        })
        .compose(c -> runs.createFlowRun(new CreateFlowRunCommand(c, apiVersion, Deadline.NONE)));
  }

  /**
   * The run {@code b} asks for of deployment {@code d}: its parameters over the deployment's, the
   * deployment's tags and then its own (Prefect takes their union), its work queue when given, else
   * the deployment's; its context, policy and infrastructure document; SCHEDULED unless a state is
   * given.
   */
  static FlowRunCreate flowRunCreate(Deployment d, FlowRunFromDeployment b) {
    ObjectNode params = d.parameters() == null ? JsonNodeFactory.instance.objectNode() : d.parameters().deepCopy();
    if (b.parameters() != null) {
      params.setAll(b.parameters());
    }
    java.util.LinkedHashSet<String> tags = new java.util.LinkedHashSet<>(d.tags() == null ? List.of() : d.tags());
    if (b.tags() != null) {
      tags.addAll(b.tags());
    }
    StateCreate state = b.state() != null ? b.state() : StateCreate.of(StateType.SCHEDULED);
    return new FlowRunCreate(d.flowId(), b.name(), state, null, params,
        b.context() == null ? JsonNodeFactory.instance.objectNode() : b.context(), b.parentTaskRunId(),
        b.infrastructureDocumentId(), b.empiricalPolicy() == null ? FlowRunPolicy.DEFAULT : b.empiricalPolicy(),
        List.copyOf(tags), b.labels(), b.idempotencyKey(), null,
        b.workQueueName() != null ? b.workQueueName() : d.workQueueName(), b.jobVariables(), d.id());
  }

  /** The deployment with its limit and schedules, or null. */
  private static Future<DeploymentWithLimit> read(SqlClient c, UUID id) {
    return DeploymentConcurrency.get(c, id).compose(w -> w == null ? Future.succeededFuture(null)
        : DeploymentScheduleStore.list(c, id).map(s -> new DeploymentWithLimit(w.deployment().withSchedules(s), w.limit())));
  }
}
