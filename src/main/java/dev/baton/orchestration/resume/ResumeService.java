package dev.baton.orchestration.resume;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.Ids;
import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.RunKind;
import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.observability.OrchestrationMetrics;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.ResumeCommand;
import dev.baton.orchestration.engine.Policy;
import dev.baton.orchestration.policies.PolicySelector;
import dev.baton.persistence.FlowRunInputRepository;
import dev.baton.persistence.FlowRunRepository;
import dev.baton.persistence.VariableRepository;
import dev.baton.runinput.Hydrator;
import dev.baton.runinput.ResumeInputCheck;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import dev.baton.orchestration.run.TransactionRunner;
import dev.baton.orchestration.run.RunOrchestrator;
import dev.baton.orchestration.run.LockedRun;
import dev.baton.orchestration.run.Proposal;

/**
 * Resumes paused flow runs (resume.md §3): the run input is checked first, outside any lock, on
 * the run-input worker; then one transaction locks the run, re-checks the facts that check
 * depended on and orchestrates the proposal through the {@link RunOrchestrator}, storing the input.
 */
public final class ResumeService {
  private static final String NOT_PAUSED = "Cannot resume a flow run that is not paused.";

  /** A resume's proposal goes through the core flow policy (not forced). */
  private static final Policy POLICY = PolicySelector.select(RunKind.FLOW_RUN, false, false);

  /** Check-then-lock rounds when the pause changes between the input check and the lock, at most. */
  private static final int MAX_RESUME_ROUNDS = 3;

  /** What the locked transaction of a resume came to. */
  private sealed interface Locked {
    /** The resume's answer (committed when it is an ACCEPT that wrote). */
    record Answered(OrchestrationResult result) implements Locked {}

    /** The pause changed since the input was checked: nothing written, the check is done again. */
    record Stale() implements Locked {}
  }

  private final Pool pool;
  private final TransactionRunner tx;
  private final RunOrchestrator runs;
  private final RunInputWorker runInput;
  private final OrchestrationMetrics metrics;

  public ResumeService(Pool pool, TransactionRunner tx, RunOrchestrator runs, RunInputWorker runInput,
      OrchestrationMetrics metrics) {
    this.pool = pool;
    this.tx = tx;
    this.runs = runs;
    this.runInput = runInput;
    this.metrics = metrics;
  }

  /**
   * Resumes a paused flow run (resume.md §3). The costly part comes first and outside any lock:
   * the pause and its schema are read without locking and the run input is hydrated and validated
   * on the run-input worker, within its budget ({@link RunInputWorker}). Then one transaction locks
   * the run row and re-checks only the cheap facts that check depended on — the run is still
   * PAUSED with the same {@code run_input_keyset}, the schema is the same row (kept from deletion
   * with {@code FOR SHARE}) — before the proposal (Running, or Scheduled "Resuming" for a suspended
   * run) goes through the core flow policy and the input is stored under the keyset's response key.
   * If the pause changed in between, the check is done again (at most {@value #MAX_RESUME_ROUNDS}
   * rounds, then UNAVAILABLE); nothing decided on stale facts is committed. Concurrent resumes of
   * one run serialize on the row lock: exactly one is accepted.
   */
  public Future<OrchestrationResult> resume(ResumeCommand cmd) {
    long start = System.nanoTime();
    return resumeRound(cmd, 1)
        .map(r -> {
          metrics.outcome(RunKind.FLOW_RUN, "resume", r.status(), null, System.nanoTime() - start);
          return r;
        })
        .recover(t -> tx.failed(RunKind.FLOW_RUN, "resume", cmd.flowRunId(), t));
  }

  private Future<OrchestrationResult> resumeRound(ResumeCommand cmd, int round) {
    return checkInputBeforeLock(cmd)
        .compose(checked -> checked.answer() != null
            ? Future.<Locked>succeededFuture(new Locked.Answered(checked.answer()))
            : TransactionRunner.retryOnConflict(() -> resumeLocked(cmd, checked)))
        .compose(locked -> {
          if (locked instanceof Locked.Answered a) {
            return Future.succeededFuture(a.result());
          }
          if (round < MAX_RESUME_ROUNDS) {
            return resumeRound(cmd, round + 1);
          }
          return Future.failedFuture(new OrchestrationException(OrchestrationFailure.UNAVAILABLE,
              "The flow run's pause kept changing while its run input was checked; retry later"));
        });
  }

  private static OrchestrationResult notPaused() {
    return new OrchestrationResult(null, OrchestrationStatus.ABORT, OrchestrationDetails.abort(NOT_PAUSED), false);
  }

  /**
   * What was decided before the lock: either an {@code answer} that needs no lock (the run is not
   * paused), or the {@code outcome} of checking the input against the pause's {@code keyset} (null
   * when it asks for no input) and the schema row {@code schemaId} (null when there is none).
   */
  private record CheckedInput(OrchestrationResult answer, Map<String, String> keyset, UUID schemaId,
      ResumeInputCheck.Outcome outcome) {}

  /** Reads the pause, its schema and (when referred to) the variables without locking; checks the input on the worker. */
  private Future<CheckedInput> checkInputBeforeLock(ResumeCommand cmd) {
    UUID id = cmd.flowRunId();
    return FlowRunRepository.get(pool, id).compose(run -> {
      if (run == null) {
        return Future.failedFuture(RunOrchestrator.notFound(RunKind.FLOW_RUN, id));
      }
      State current = run.state();
      if (current == null || current.type() != StateType.PAUSED) {
        return Future.succeededFuture(new CheckedInput(notPaused(), null, null, null));
      }
      Map<String, String> keyset = current.details().runInputKeyset();
      if (!ResumeInputCheck.wantsInput(keyset)) {
        // no input asked for: nothing is hydrated, validated or stored
        return Future.succeededFuture(new CheckedInput(null, null, null,
            ResumeInputCheck.check(null, cmd.runInput(), null, Map.of())));
      }
      String schemaKey = ResumeInputCheck.schemaKey(keyset);
      Future<FlowRunInputRepository.FlowRunInput> schema = schemaKey == null
          ? Future.succeededFuture(null)
          : FlowRunInputRepository.get(pool, id, schemaKey);
      // workspace variables are loaded only when the input refers to one
      Future<Map<String, JsonNode>> variables = Hydrator.referencesVariables(cmd.runInput())
          ? VariableRepository.all(pool)
          : Future.succeededFuture(Map.of());
      return Future.all(schema, variables).compose(all -> {
        FlowRunInputRepository.FlowRunInput s = schema.result();
        return runInput.check(keyset, cmd.runInput(), s == null ? null : s.value(), variables.result())
            .map(outcome -> new CheckedInput(null, keyset, s == null ? null : s.id(), outcome));
      });
    });
  }

  /** The keyset as far as the input check is concerned: null when it asks for no input. */
  private static Map<String, String> inputKeyset(Map<String, String> keyset) {
    return ResumeInputCheck.wantsInput(keyset) ? keyset : null;
  }

  /**
   * The transaction of a resume whose input has been checked: lock the run (with the schema row's
   * id, read {@code FOR SHARE} behind the lock), re-check what the check depended on ({@link
   * Locked.Stale} when it changed), then the proposal through the locked-run path and the stored
   * input. Past the deadline the transaction is rolled back instead of committed ({@code
   * withTransaction} commits only when the work succeeds).
   */
  private Future<Locked> resumeLocked(ResumeCommand cmd, CheckedInput checked) {
    if (cmd.deadlinePassed()) { // e.g. the input check waited for a worker
      return Future.failedFuture(Deadline.exceeded());
    }
    Instant now = runs.now();
    UUID id = cmd.flowRunId();
    String schemaKey = ResumeInputCheck.schemaKey(checked.keyset());
    return tx.withTransaction(conn -> {
      Future<LockedRun> locked = RunOrchestrator.lockFlowRun(conn, id);
      // pipelined behind the lock: it reads (and shares) the schema row once the run row is locked
      Future<UUID> schemaId = schemaKey == null ? Future.succeededFuture(null)
          : FlowRunInputRepository.shareId(conn, id, schemaKey);
      return Future.all(locked, schemaId)
          .compose(both -> resumeLocked(conn, cmd, checked, locked.result(), schemaId.result(), now))
          .compose(r -> cmd.deadlinePassed() ? Future.<Locked>failedFuture(Deadline.exceeded())
              : Future.succeededFuture(r));
    });
  }

  /** The resume of a run locked in this transaction. */
  private Future<Locked> resumeLocked(SqlConnection conn, ResumeCommand cmd, CheckedInput checked, LockedRun run,
      UUID schemaId, Instant now) {
    State current = run.current();
    if (current == null || current.type() != StateType.PAUSED) {
      return Future.succeededFuture(new Locked.Answered(notPaused()));
    }
    if (!Objects.equals(inputKeyset(current.details().runInputKeyset()), inputKeyset(checked.keyset()))
        || !Objects.equals(schemaId, checked.schemaId())) {
      return Future.succeededFuture(new Locked.Stale());
    }
    if (checked.outcome() instanceof ResumeInputCheck.Reject reject) {
      // status REJECT with abort_details, as Prefect answers input problems; nothing written
      return Future.succeededFuture(new Locked.Answered(new OrchestrationResult(current, OrchestrationStatus.REJECT,
          OrchestrationDetails.abort(reject.reason()), false)));
    }
    ResumeInputCheck.Ok ok = (ResumeInputCheck.Ok) checked.outcome();
    State proposal = current.details().pauseReschedule()
        ? new State(Ids.uuid7(), StateType.SCHEDULED, "Resuming", now, null, null,
            StateDetails.builder().scheduledTime(now).build())
        : new State(Ids.uuid7(), StateType.RUNNING, StateType.RUNNING.defaultName(), now, null, null, StateDetails.EMPTY);
    Proposal p = Proposal.under(POLICY, RunKind.FLOW_RUN, cmd.flowRunId(), proposal, now)
        .from(cmd.apiVersion(), cmd.clientVersion(), cmd.deadlineNanos());
    return runs.orchestrateLocked(conn, p, run, RunOrchestrator.Ending.IN_TRANSACTION).compose(o -> {
      OrchestrationResult result = new OrchestrationResult(o.state(), o.status(), o.details(), o.stateWritten());
      if (o.status() != OrchestrationStatus.ACCEPT || !ok.shouldStore()) {
        return Future.succeededFuture(new Locked.Answered(result));
      }
      // stored as compact JSON text, e.g. {"approved":true}
      return FlowRunInputRepository.insert(conn, cmd.flowRunId(), ok.responseKey(), ok.input().toString(), null)
          .map(new Locked.Answered(result));
    });
  }
}
