package dev.baton.orchestration.group;

import dev.baton.domain.RunKind;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.SetStateCommand;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.run.ConcurrencyLoading;
import dev.baton.orchestration.run.FlowRunStateEvents;
import dev.baton.orchestration.run.LoadedRuns;
import dev.baton.orchestration.run.LockedRun;
import dev.baton.orchestration.run.LoneSetState;
import dev.baton.orchestration.run.Noted;
import dev.baton.orchestration.run.OutcomeRows;
import dev.baton.orchestration.run.Proposal;
import dev.baton.orchestration.run.RunOrchestrator;
import dev.baton.orchestration.run.TransactionRunner;
import dev.baton.persistence.ServerEventStore.FlowRunStateEvent;
import dev.baton.persistence.SqlErrors;
import dev.baton.persistence.Transactions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Set-state proposals for distinct runs orchestrated together (group commit): one transaction
 * locks and loads them all in one statement per run kind, runs the engine on each, writes every
 * outcome and commits — two round trips and one commit for the whole group. Each proposal still gets
 * its own answer, exactly as if it had been sent alone:
 * <ul>
 *   <li>a run that does not exist fails NOT_FOUND alone;
 *   <li>a tagged task run that may hold or take a slot is decided on the group's concurrency facts
 *       ({@link GroupSlots});
 *   <li>a run the group cannot write — a flow run that may hold or take a slot, one whose outcome
 *       orchestrates other runs — is left untouched by the group and orchestrated alone right after
 *       it commits ({@link LoneSetState});
 *   <li>when PostgreSQL rejects any statement of the group (a constraint, a deadlock), the group is
 *       rolled back and every proposal is orchestrated alone, so one bad proposal never fails
 *       another;
 *   <li>a lost connection fails them all (a COMMIT may or may not have happened), as it would fail
 *       a proposal sent alone.
 * </ul>
 */
public final class GroupSetState {
  /** What the group writes for a run that cannot hold or take a slot: the outcome's own statement. */
  private static final Set<Effect.Writer> WRITES = EnumSet.of(Effect.Writer.WITH_OUTCOME, Effect.Writer.AFTER_COMMIT);

  private final TransactionRunner tx;
  private final RunOrchestrator runs;
  private final LoneSetState lone;
  private final GroupSlots slots;

  public GroupSetState(TransactionRunner tx, RunOrchestrator runs, LoneSetState lone) {
    this.tx = tx;
    this.runs = runs;
    this.lone = lone;
    this.slots = new GroupSlots(this::decideQuietly);
  }

  /** One proposal alone, in its own transaction. */
  public Future<OrchestrationResult> setState(SetStateCommand cmd) {
    return lone.setState(cmd).map(Noted::result);
  }

  /** The proposals' answers, index-aligned with {@code cmds}, whose run ids must be distinct per kind. */
  public List<Future<OrchestrationResult>> setStates(List<SetStateCommand> cmds) {
    List<Future<OrchestrationResult>> answers = new ArrayList<>(cmds.size());
    setStatesNoted(cmds).forEach(f -> answers.add(f.map(Noted::result)));
    return answers;
  }

  /** {@link #setStates}, each answer noted with its slot effects ({@link ProposalBatcher}'s held WAITs). */
  public List<Future<Noted>> setStatesNoted(List<SetStateCommand> cmds) {
    if (cmds.size() == 1) {
      return List.of(lone.setState(cmds.get(0)));
    }
    long start = System.nanoTime();
    Instant now = runs.now();
    List<Proposal> proposals = new ArrayList<>(cmds.size());
    List<Promise<OrchestrationOutcome>> outcomes = new ArrayList<>(cmds.size());
    List<Future<Noted>> answers = new ArrayList<>(cmds.size());
    for (SetStateCommand cmd : cmds) {
      proposals.add(Proposal.of(cmd, now));
      Promise<OrchestrationOutcome> p = Promise.promise();
      outcomes.add(p);
      answers.add(lone.answered(cmd, start, p.future()));
    }
    group(proposals).onComplete(group -> {
      for (int i = 0; i < cmds.size(); i++) {
        SetStateCommand cmd = cmds.get(i);
        Verdict verdict = group.succeeded() ? group.result().get(i) : afterFailure(group.cause());
        if (verdict instanceof Verdict.Written w) {
          outcomes.get(i).complete(runs.effects().recordDenials(w.outcome()));
        } else if (verdict instanceof Verdict.AloneWaitFirst) {
          lone.waitFirst(cmd).onComplete(outcomes.get(i));
        } else if (verdict instanceof Verdict.Failed f) {
          outcomes.get(i).fail(f.cause());
        } else {
          lone.outcome(cmd).onComplete(outcomes.get(i));
        }
      }
    });
    return answers;
  }

  /**
   * Every proposal's verdict when the group failed: alone when PostgreSQL refused a statement (the
   * group was rolled back) or the group's accounting found slots gone; else the failure itself.
   */
  private static Verdict afterFailure(Throwable cause) {
    return SqlErrors.pgException(cause) != null || cause instanceof GroupSlots.SlotsGone ? Verdict.ALONE
        : new Verdict.Failed(cause);
  }

  /** The group's transaction; one verdict per proposal, index-aligned. */
  private Future<List<Verdict>> group(List<Proposal> proposals) {
    int n = proposals.size();
    List<UUID> taskIds = new ArrayList<>(n);
    List<String> cacheKeys = new ArrayList<>(n);
    List<UUID> flowIds = new ArrayList<>();
    for (Proposal p : proposals) {
      if (p.kind() == RunKind.TASK_RUN) {
        taskIds.add(p.runId());
        cacheKeys.add(p.cacheKeyToLookUp());
      } else {
        flowIds.add(p.runId());
      }
    }
    Instant now = proposals.get(0).now();
    return tx.pipelined((conn, begun) -> {
      // Flow runs are locked before task runs, the order nested orchestration takes them in.
      Future<Map<UUID, LockedRun>> flows = flowIds.isEmpty() ? Future.succeededFuture(Map.of())
          : LoadedRuns.lockFlowRuns(conn, flowIds);
      Future<Map<UUID, LockedRun>> tasks = taskIds.isEmpty() ? Future.succeededFuture(Map.of())
          : LoadedRuns.lockTaskRuns(conn, taskIds, cacheKeys, now);
      return Future.all(begun, flows, tasks).compose(loaded -> {
        Verdict[] verdicts = new Verdict[n];
        List<OrchestrationOutcome> written = new ArrayList<>(n);
        List<FlowRunStateEvent> events = new ArrayList<>();
        List<Integer> slotRuns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          Proposal p = proposals.get(i);
          LockedRun run = (p.kind() == RunKind.TASK_RUN ? tasks : flows).result().get(p.runId());
          if (run == null) {
            verdicts[i] = new Verdict.Failed(RunOrchestrator.notFound(p));
          } else if (p.deadlinePassed()) {
            // the caller is (about to be) told 503: it must not be committed — left out of the writes
            verdicts[i] = new Verdict.Failed(Deadline.exceeded());
          } else if (!ConcurrencyLoading.factsKnownEmpty(p, run)) {
            if (p.kind() == RunKind.TASK_RUN) {
              slotRuns.add(i); // decided below, on the group's concurrency facts
            } else {
              verdicts[i] = Verdict.ALONE;
            }
          } else {
            OrchestrationOutcome o = decideQuietly(p, run, ConcurrencyFacts.EMPTY);
            if (o == null || !o.writtenBy(WRITES)) {
              verdicts[i] = Verdict.ALONE;
            } else {
              verdicts[i] = new Verdict.Written(o);
              written.add(o);
              FlowRunStateEvent e = FlowRunStateEvents.of(p.kind(), o, run.current());
              if (e != null) {
                events.add(e);
              }
            }
          }
        }
        if (slotRuns.isEmpty()) {
          // the writes and COMMIT in one round trip; a failed write fails the group
          return Transactions.commitBehind(conn, OutcomeRows.writeAll(conn, written, events))
              .map(v -> Arrays.asList(verdicts));
        }
        return slots.decide(conn, proposals, slotRuns, tasks.result()).compose(decided -> {
          decided.verdicts().forEach((i, v) -> verdicts[i] = v);
          written.addAll(decided.written());
          // (the slot runs are task runs: their outcomes emit no event)
          return Transactions.commitBehind(conn, GroupSlots.write(conn, written, events, decided.writes()))
              .map(v -> Arrays.asList(verdicts));
        });
      });
    });
  }

  /** The engine's outcome, or null when it throws: the proposal then goes alone and fails there. */
  private OrchestrationOutcome decideQuietly(Proposal p, LockedRun run, ConcurrencyFacts facts) {
    try {
      return runs.decide(p, run, facts);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
