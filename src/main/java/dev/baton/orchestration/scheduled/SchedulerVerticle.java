package dev.baton.orchestration.scheduled;

import dev.baton.config.BatonConfig;
import dev.baton.domain.Deployment;
import dev.baton.domain.DeploymentSchedule;
import dev.baton.persistence.DeploymentScheduleStore;
import dev.baton.persistence.ScheduledRunStore;
import dev.baton.schedule.RunPlanner;
import dev.baton.schedule.RunPlanner.PlannedRun;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler (dispatch.md §1.3): creates, ahead of time, the runs deployments' active
 * schedules ask for, in every instance.
 * <ul>
 *   <li>the main pass (every {@code loopMillis}): pages of deployments, by id, that are not paused
 *       and have an active schedule short of runs (fewer than {@code minRuns} future ones, or the
 *       last less than {@code minScheduledTime} ahead); before it, the cap on accumulated Late runs;
 *   <li>the recent pass (every {@code recentLoopMillis}): deployments changed in the last
 *       {@code recentLoopMillis} + 1 s, so a new or changed deployment gets runs within seconds;
 *   <li>the not-ready pass (every {@code statusIntervalMillis}): READY deployments no runner or
 *       worker polled for {@code notReadyAfterMillis} become NOT_READY.
 * </ul>
 * Safe with several instances on one database: the dates are computed from the deployments as
 * read (off the event loop), then one transaction per batch locks those still unchanged with
 * {@code FOR NO KEY UPDATE SKIP LOCKED} — a deployment changed meanwhile, or held by another
 * instance's scheduler or an API change, is skipped (the recent pass sees a change again) — and
 * inserts their runs {@code ON CONFLICT (flow_id, idempotency_key) DO NOTHING}, states only for
 * runs inserted, in the same statement. A pass never overlaps the previous one of its kind; a
 * failed transaction leaves nothing (runs and states commit together).
 */
public final class SchedulerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);
  /** Deployments marked NOT_READY per statement. */
  static final int STATUS_BATCH = 500;
  /** Late runs deleted per statement. */
  static final int TRIM_BATCH = 1000;

  private final Vertx loop;
  private final Pool pool;
  private final BatonConfig.Scheduler config;
  private final Clock clock;
  private final AtomicBoolean mainBusy = new AtomicBoolean();
  private final AtomicBoolean recentBusy = new AtomicBoolean();
  private final AtomicBoolean statusBusy = new AtomicBoolean();
  private final Counter inserted;
  private final Counter lateDeleted;
  private final Counter skipped;

  public SchedulerVerticle(Vertx vertx, Pool pool, BatonConfig.Scheduler config, Clock clock, MeterRegistry registry) {
    this.loop = vertx;
    this.pool = pool;
    this.config = config;
    this.clock = clock;
    this.inserted = Counter.builder("baton.scheduler.runs.inserted")
        .description("Scheduled runs the scheduler inserted (runs whose idempotency key existed not counted)")
        .register(registry);
    this.lateDeleted = Counter.builder("baton.scheduler.late.runs.deleted")
        .description("Late auto-scheduled runs deleted past BATON_SCHEDULER_MAX_LATE_RUNS per schedule")
        .register(registry);
    this.skipped = Counter.builder("baton.scheduler.deployments.skipped")
        .description("Deployments a batch skipped: changed since read, paused, or held by another transaction")
        .register(registry);
  }

  @Override
  public Future<?> start() {
    if (config.loopMillis() > 0) {
      loop.setPeriodic(config.loopMillis(), id -> once(mainBusy, this::mainPass));
      loop.setTimer(1, id -> once(mainBusy, this::mainPass));
    }
    if (config.recentLoopMillis() > 0) {
      loop.setPeriodic(config.recentLoopMillis(), id -> once(recentBusy, this::recentPass));
    }
    if (config.statusIntervalMillis() > 0) {
      loop.setPeriodic(config.statusIntervalMillis(), id -> once(statusBusy, this::notReadyPass));
    }
    return Future.succeededFuture();
  }

  private static void once(AtomicBoolean busy, java.util.function.Supplier<Future<Integer>> pass) {
    if (!busy.compareAndSet(false, true)) {
      return;
    }
    pass.get().onComplete(ar -> {
      busy.set(false);
      if (ar.failed()) {
        LOG.warn("event=scheduler_pass_failed error=\"{}\"", ar.cause().toString());
      }
    });
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  // ---- passes --------------------------------------------------------------------------------

  /** One main pass (after the Late-run cap); completes with the number of runs inserted. */
  public Future<Integer> mainPass() {
    Instant now = now();
    Duration minTime = Duration.ofMillis(config.minScheduledTimeMillis());
    return trimLateRuns().compose(trimmed -> pages(after -> ScheduledRunStore.toSchedule(pool, after, now,
        config.minRuns(), minTime, config.deploymentBatchSize())))
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("event=scheduled_runs pass=main inserted={}", n);
          }
        });
  }

  /** One recent pass; completes with the number of runs inserted. */
  public Future<Integer> recentPass() {
    Instant since = now().minusMillis(config.recentLoopMillis() + 1000);
    return pages(after -> ScheduledRunStore.recent(pool, after, since, config.deploymentBatchSize()))
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("event=scheduled_runs pass=recent inserted={}", n);
          }
        });
  }

  /** Deletes the Late runs past the cap; completes with how many (0 when the cap is off). */
  public Future<Integer> trimLateRuns() {
    if (config.maxLateRuns() <= 0) {
      return Future.succeededFuture(0);
    }
    return repeat(() -> ScheduledRunStore.trimLate(pool, config.maxLateRuns(), TRIM_BATCH), TRIM_BATCH).onSuccess(n -> {
      if (n > 0) {
        lateDeleted.increment(n);
        LOG.info("event=late_runs_deleted deleted={} kept_per_schedule={}", n, config.maxLateRuns());
      }
    });
  }

  /** One not-ready pass; completes with the number of deployments marked NOT_READY. */
  public Future<Integer> notReadyPass() {
    Instant now = now();
    Instant cutoff = now.minusMillis(config.notReadyAfterMillis());
    return repeat(() -> ScheduledRunStore.markNotReady(pool, cutoff, now, STATUS_BATCH).map(w -> w[0]), STATUS_BATCH);
  }

  private static Future<Integer> repeat(java.util.function.Supplier<Future<Integer>> step, int full) {
    return step.get().compose(n -> n < full ? Future.succeededFuture(n) : repeat(step, full).map(m -> n + m));
  }

  /** Every page of deployment ids {@code page} gives (cursor = last id), each scheduled in turn. */
  private Future<Integer> pages(Function<UUID, Future<List<UUID>>> page) {
    return pagesFrom(null, page, 0);
  }

  private Future<Integer> pagesFrom(UUID after, Function<UUID, Future<List<UUID>>> page, int total) {
    return page.apply(after).compose(ids -> {
      if (ids.isEmpty()) {
        return Future.succeededFuture(total);
      }
      return schedule(ids).compose(n -> ids.size() < config.deploymentBatchSize()
          ? Future.succeededFuture(total + n)
          : pagesFrom(ids.get(ids.size() - 1), page, total + n));
    });
  }

  /**
   * Schedules the deployments: read them and their active schedules, plan on a worker thread,
   * then insert batch after batch. Completes with the number of runs inserted.
   */
  public Future<Integer> schedule(List<UUID> ids) {
    Instant now = now();
    RunPlanner.Window window = new RunPlanner.Window(now, now.plusMillis(config.maxScheduledTimeMillis()),
        Duration.ofMillis(config.minScheduledTimeMillis()), config.minRuns(), config.maxRuns());
    return ScheduledRunStore.load(pool, ids).compose(deployments -> DeploymentScheduleStore.activeOf(pool, ids)
        .compose(schedules -> loop.executeBlocking(() -> plan(deployments, schedules, window), false)))
        .compose(plans -> insertBatches(plans, now));
  }

  /** A deployment's planned runs and the {@code updated} they were planned from. */
  record Plan(UUID deploymentId, Instant updated, List<PlannedRun> runs) {}

  static List<Plan> plan(List<Deployment> deployments, Map<UUID, List<DeploymentSchedule>> schedules,
      RunPlanner.Window window) {
    List<Plan> out = new ArrayList<>();
    for (Deployment d : deployments) {
      List<DeploymentSchedule> own = schedules.getOrDefault(d.id(), List.of());
      if (own.isEmpty()) {
        continue;
      }
      try {
        out.add(new Plan(d.id(), d.updated(), RunPlanner.plan(d, own, window, true)));
      } catch (RuntimeException e) {
        LOG.error("event=scheduling_failed deployment={} error=\"{}\"", d.id(), e.toString(), e);
      }
    }
    return out;
  }

  /** Transactions of at most {@code insertBatchSize} runs (a deployment's runs in one), one after another. */
  private Future<Integer> insertBatches(List<Plan> plans, Instant now) {
    List<List<Plan>> batches = new ArrayList<>();
    List<Plan> current = new ArrayList<>();
    int size = 0;
    for (Plan p : plans) {
      if (p.runs().isEmpty()) {
        continue;
      }
      if (!current.isEmpty() && size + p.runs().size() > config.insertBatchSize()) {
        batches.add(current);
        current = new ArrayList<>();
        size = 0;
      }
      current.add(p);
      size += p.runs().size();
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    Future<Integer> chain = Future.succeededFuture(0);
    for (List<Plan> batch : batches) {
      chain = chain.compose(n -> insertBatch(batch, now).map(m -> n + m));
    }
    return chain;
  }

  private Future<Integer> insertBatch(List<Plan> batch, Instant now) {
    Map<UUID, Instant> updated = new LinkedHashMap<>();
    batch.forEach(p -> updated.put(p.deploymentId(), p.updated()));
    return pool.withTransaction(c -> ScheduledRunStore.lockUnchanged(c, updated).compose(locked -> {
      java.util.Set<UUID> ok = new java.util.HashSet<>(locked);
      List<PlannedRun> runs = new ArrayList<>();
      batch.stream().filter(p -> ok.contains(p.deploymentId())).forEach(p -> runs.addAll(p.runs()));
      if (locked.size() < batch.size()) {
        skipped.increment(batch.size() - locked.size());
      }
      return ScheduledRunStore.insert(c, runs, now);
    })).onSuccess(inserted::increment);
  }
}
