package dev.baton.orchestration.scheduled;

import dev.baton.config.BatonConfig;
import dev.baton.domain.Ids;
import dev.baton.domain.RunKind;
import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.orchestration.policies.PolicySelector;
import dev.baton.persistence.PlannerStatistics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.baton.orchestration.engine.Policy;
import dev.baton.orchestration.run.Proposal;
import dev.baton.orchestration.run.RunOrchestrator;

/**
 * Periodic services that move runs through the same engine as requests do:
 * <ul>
 *   <li>the late-runs marker: SCHEDULED runs still named "Scheduled" whose scheduled time is past by
 *       the configured threshold are proposed {@code Late} through the late-runs policy;
 *   <li>pause expirations: PAUSED runs whose {@code pause_timeout} has passed are force-failed
 *       ("The flow was paused and never resumed.");
 *   <li>planner statistics: tables grown to more than twice their last analyzed size are analyzed,
 *       so that the orchestration transactions' cached plans are made again for their real sizes
 *       ({@link PlannerStatistics}).
 * </ul>
 * Safe with several Baton instances on one database: each run is claimed in its own transaction
 * with {@code FOR UPDATE SKIP LOCKED} and its condition re-checked under the lock. Nothing blocks
 * the event loop; a pass never overlaps the previous one.
 */
public final class ScheduledServicesVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ScheduledServicesVerticle.class);
  private static final int BATCH = 100;
  /** Tables smaller than this are never analyzed by the planner-statistics pass. */
  static final long STATISTICS_MIN_ROWS = 1000;

  private final RunOrchestrator runs;
  private final Pool pool;
  private final BatonConfig.Services config;
  private final AtomicBoolean lateBusy = new AtomicBoolean();
  private final AtomicBoolean pauseBusy = new AtomicBoolean();
  private final AtomicBoolean statisticsBusy = new AtomicBoolean();
  private final Counter tablesAnalyzed;

  public ScheduledServicesVerticle(RunOrchestrator runs, Pool pool, BatonConfig.Services config,
      MeterRegistry registry) {
    this.runs = runs;
    this.pool = pool;
    this.config = config;
    this.tablesAnalyzed = Counter.builder("baton.db.tables.analyzed")
        .description("Tables analyzed because they outgrew their planner statistics (more than twice their last analyzed size)")
        .register(registry);
  }

  @Override
  public Future<?> start() {
    if (config.lateRunsIntervalMillis() > 0) {
      vertx.setPeriodic(config.lateRunsIntervalMillis(), id -> once(lateBusy, this::markLateRuns));
    }
    if (config.pauseExpirationsIntervalMillis() > 0) {
      vertx.setPeriodic(config.pauseExpirationsIntervalMillis(), id -> once(pauseBusy, this::failExpiredPauses));
    }
    if (config.plannerStatisticsIntervalMillis() > 0) {
      vertx.setPeriodic(config.plannerStatisticsIntervalMillis(), id -> once(statisticsBusy, this::refreshStatistics));
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
        LOG.warn("event=scheduled_service_failed error=\"{}\"", ar.cause().toString());
      }
    });
  }

  // ---- late runs ----

  static final String LATE_CANDIDATES = """
      SELECT id FROM flow_run
       WHERE state_type = 'SCHEDULED' AND state_name = 'Scheduled' AND next_scheduled_start_time <= $1
       ORDER BY next_scheduled_start_time LIMIT $2""";

  /** The late-runs marker proposes {@code Late} through its own flow policy. */
  private static final Policy MARK_LATE = PolicySelector.forFlow(PolicySelector.FlowCall.MARK_LATE, false);

  static final String CLAIM_LATE = """
      SELECT next_scheduled_start_time FROM flow_run
       WHERE id = $1 AND state_type = 'SCHEDULED' AND state_name = 'Scheduled' AND next_scheduled_start_time <= $2
         FOR UPDATE SKIP LOCKED""";

  /** One pass of the late-runs marker; completes with the number of runs marked. */
  public Future<Integer> markLateRuns() {
    Instant now = runs.now();
    OffsetDateTime cutoff = now.minusMillis(config.lateRunsAfterMillis()).atOffset(ZoneOffset.UTC);
    return pool.preparedQuery(LATE_CANDIDATES).execute(Tuple.of(cutoff, BATCH)).compose(rows -> {
      List<UUID> ids = new ArrayList<>();
      rows.forEach(r -> ids.add(r.getUUID("id")));
      return sequentially(ids, id -> pool.withTransaction(conn -> conn.preparedQuery(CLAIM_LATE)
          .execute(Tuple.of(id, cutoff)).compose(claimed -> {
            if (claimed.size() == 0) {
              return Future.succeededFuture(false); // taken by another instance, or no longer late
            }
            Row r = claimed.iterator().next();
            Instant scheduled = r.getOffsetDateTime("next_scheduled_start_time").toInstant();
            Instant at = runs.now();
            State late = new State(Ids.uuid7(), StateType.SCHEDULED, "Late", at, null, null,
                StateDetails.builder().scheduledTime(scheduled).build());
            Proposal p = Proposal.under(MARK_LATE, RunKind.FLOW_RUN, id, late, at);
            return runs.lockAndOrchestrate(conn, p, RunOrchestrator.Ending.IN_TRANSACTION).map(o -> o.stateWritten());
          })));
    });
  }

  // ---- pause expirations ----

  static final String EXPIRED_PAUSES = """
      SELECT fr.id, fr.state_id FROM flow_run fr
        JOIN flow_run_state s ON s.id = fr.state_id
       WHERE fr.state_type = 'PAUSED'
         AND (s.state_details ->> 'pause_timeout') IS NOT NULL
         AND (s.state_details ->> 'pause_timeout')::timestamptz < $1
       LIMIT $2""";

  /** Re-checked on the locked row alone: the current state must still be the paused one we saw. */
  static final String CLAIM_PAUSED = """
      SELECT id FROM flow_run WHERE id = $1 AND state_id = $2 AND state_type = 'PAUSED' FOR UPDATE SKIP LOCKED""";

  /** One pass of pause expirations; completes with the number of runs failed. */
  public Future<Integer> failExpiredPauses() {
    Instant now = runs.now();
    return pool.preparedQuery(EXPIRED_PAUSES).execute(Tuple.of(now.atOffset(ZoneOffset.UTC), BATCH)).compose(rows -> {
      List<UUID[]> paused = new ArrayList<>();
      rows.forEach(r -> paused.add(new UUID[] {r.getUUID("id"), r.getUUID("state_id")}));
      return sequentially(paused, run -> pool.withTransaction(conn -> conn.preparedQuery(CLAIM_PAUSED)
          .execute(Tuple.of(run[0], run[1])).compose(claimed -> {
            if (claimed.size() == 0) {
              return Future.succeededFuture(false);
            }
            Instant at = runs.now();
            State failed = new State(Ids.uuid7(), StateType.FAILED, StateType.FAILED.defaultName(), at,
                "The flow was paused and never resumed.", null, StateDetails.EMPTY);
            return runs.lockAndOrchestrate(conn, Proposal.forced(RunKind.FLOW_RUN, run[0], failed, at),
                RunOrchestrator.Ending.IN_TRANSACTION).map(o -> o.stateWritten());
          })));
    });
  }

  // ---- planner statistics ----

  /** One pass of the planner-statistics service; completes with the number of tables analyzed. */
  public Future<Integer> refreshStatistics() {
    return PlannerStatistics.refresh(pool, STATISTICS_MIN_ROWS).map(analyzed -> {
      for (PlannerStatistics.Outgrown t : analyzed) {
        LOG.info("event=table_analyzed table={} live_rows={} analyzed_rows={}", t.table(), t.liveRows(),
            t.analyzedRows() < 0 ? "never" : Long.toString(t.analyzedRows()));
      }
      tablesAnalyzed.increment(analyzed.size());
      return analyzed.size();
    });
  }

  /** Runs {@code step} over the items one after another; counts the items it changed. */
  private static <T> Future<Integer> sequentially(List<T> items, java.util.function.Function<T, Future<Boolean>> step) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (T item : items) {
      chain = chain.compose(n -> step.apply(item)
          .map(changed -> changed ? n + 1 : n)
          .recover(t -> {
            LOG.warn("event=scheduled_service_item_failed item={} error=\"{}\"", item, t.toString());
            return Future.succeededFuture(n);
          }));
    }
    return chain;
  }
}
