package dev.baton.orchestration;

import dev.baton.config.BatonConfig;
import dev.baton.observability.OrchestrationMetrics;
import dev.baton.orchestration.commands.ApiService;
import dev.baton.orchestration.engine.OrchestrationSettings;
import dev.baton.orchestration.group.GroupSetState;
import dev.baton.orchestration.resume.ResumeService;
import dev.baton.orchestration.resume.RunInputWorker;
import dev.baton.orchestration.run.DeniedSlots;
import dev.baton.orchestration.run.LoneSetState;
import dev.baton.orchestration.run.RunOrchestrator;
import dev.baton.orchestration.run.TransactionRunner;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * The orchestration side of one Baton instance, assembled over its pool: the locked-run path
 * ({@link #runs}), set-state proposals alone and in groups ({@link #proposals}), resume ({@link
 * #resumes}) and the run commands HTTP and the event bus share ({@link #commands}). The server
 * (and a test) builds one and hands its parts to the verticles and services that serve them.
 */
public final class Orchestration {
  private final DeniedSlots denied;
  private final RunOrchestrator runs;
  private final GroupSetState proposals;
  private final ResumeService resumes;
  private final ApiService commands;
  private final RunInputWorker runInput;
  private final OrchestrationMetrics metrics;

  /**
   * @param runInput where and within which budget resume checks its run input
   * @param groupSize most task-run creations committed in one transaction (1 = each alone)
   * @param groupsInFlight creation groups in the database at once, per event loop
   */
  public Orchestration(Pool pool, OrchestrationSettings settings, OrchestrationMetrics metrics, Clock clock,
      RunInputWorker runInput, int groupSize, int groupsInFlight) {
    this.metrics = metrics;
    this.runInput = runInput;
    this.denied = new DeniedSlots(pool);
    this.runs = new RunOrchestrator(settings, clock, denied);
    TransactionRunner tx = new TransactionRunner(pool, metrics);
    this.proposals = new GroupSetState(tx, runs, new LoneSetState(pool, tx, runs, metrics));
    this.resumes = new ResumeService(pool, tx, runs, runInput, metrics);
    this.commands = new ApiService(pool, runs, settings, metrics, groupSize, groupsInFlight);
  }

  /**
   * With the defaults of a test or a small embedding: resume checks on Vert.x's shared worker pool
   * within the default budget, task-run creations grouped 64 at a time, one group in flight.
   */
  public Orchestration(Pool pool, OrchestrationSettings settings, OrchestrationMetrics metrics, Clock clock) {
    this(pool, settings, metrics, clock, RunInputWorker.onCallerContext(BatonConfig.RunInput.DEFAULTS.maxQueued(),
        RunInputWorker.budget(BatonConfig.RunInput.DEFAULTS)), 64, 1);
  }

  /** The one path a locked run takes (the periodic services propose through it). */
  public RunOrchestrator runs() {
    return runs;
  }

  /** Set-state proposals, alone or as a group (what the orchestration verticle's batcher calls). */
  public GroupSetState proposals() {
    return proposals;
  }

  /** Resuming paused flow runs. */
  public ResumeService resumes() {
    return resumes;
  }

  /** Creating and reading runs, taking and giving back global slots (HTTP and the bus API). */
  public ApiService commands() {
    return commands;
  }

  public RunInputWorker runInput() {
    return runInput;
  }

  public OrchestrationMetrics metrics() {
    return metrics;
  }

  /**
   * Writes the WAITs' denied slots still gathering for their batch (they are written every {@link
   * DeniedSlots#DELAY_MS} ms): the server calls it when it stops, after the orchestration verticles,
   * so a graceful stop loses none. Never fails (a failed batch is logged and dropped).
   */
  public Future<Void> flushDeniedSlots() {
    return denied.flush().recover(t -> Future.succeededFuture());
  }
}
