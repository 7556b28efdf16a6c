package dev.baton.orchestration.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.StateType;
import dev.baton.domain.command.StateCreate;
import dev.baton.orchestration.run.Noted;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.SetStateCommand;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/** Group formation of {@link ProposalBatcher}, with a recording stand-in for the database side. */
class ProposalBatcherTest {

  /** Records each group and answers it only when told to. */
  private static final class Recorder {
    final List<List<SetStateCommand>> groups = new ArrayList<>();
    final List<List<Promise<OrchestrationResult>>> answers = new ArrayList<>();
    final List<Integer> sizes = new ArrayList<>();

    List<Future<OrchestrationResult>> orchestrate(List<SetStateCommand> cmds) {
      groups.add(List.copyOf(cmds));
      List<Promise<OrchestrationResult>> ps = new ArrayList<>();
      List<Future<OrchestrationResult>> fs = new ArrayList<>();
      for (int i = 0; i < cmds.size(); i++) {
        Promise<OrchestrationResult> p = Promise.promise();
        ps.add(p);
        fs.add(p.future());
      }
      answers.add(ps);
      return fs;
    }

    /** Completes every proposal of group {@code g} with a distinct answer (its name = its run id). */
    void answer(int g) {
      for (int i = 0; i < groups.get(g).size(); i++) {
        answers.get(g).get(i).complete(result(groups.get(g).get(i).runId()));
      }
    }

    ProposalBatcher batcher(int maxGroupSize, int inFlight) {
      return plain(this::orchestrate, maxGroupSize, inFlight, 1000, sizes::add);
    }
  }

  /** A batcher without held WAITs over an orchestrator of plain answers (noted: no slot effects). */
  static ProposalBatcher plain(Function<List<SetStateCommand>, List<Future<OrchestrationResult>>> orchestrate,
      int maxGroupSize, int groupsInFlight, int maxQueued, IntConsumer groupSizes) {
    return new ProposalBatcher(cmds -> {
      List<Future<Noted>> noted = new ArrayList<>();
      orchestrate.apply(cmds).forEach(a -> noted.add(a.map(r -> new Noted(r, List.of(), List.of(), false))));
      return noted;
    }, maxGroupSize, groupsInFlight, maxQueued, groupSizes, ProposalBatcher.WaitHolds.OFF,
        ProposalBatcher.HoldEvents.NONE);
  }

  private static OrchestrationResult result(UUID runId) {
    return new OrchestrationResult(null, OrchestrationStatus.ACCEPT, OrchestrationDetails.ACCEPT, runId.hashCode() % 2 == 0);
  }

  private static SetStateCommand task(UUID id) {
    return SetStateCommand.task(id, StateCreate.of(StateType.RUNNING), false);
  }

  private static SetStateCommand flow(UUID id) {
    return SetStateCommand.flow(id, StateCreate.of(StateType.RUNNING), false, null, null);
  }

  @Test
  void anIdleBatcherSendsAProposalAtOnceAlone() {
    Recorder r = new Recorder();
    ProposalBatcher b = r.batcher(64, 1);
    Future<OrchestrationResult> answer = b.submit(task(UUID.randomUUID()));
    assertEquals(1, r.groups.size());
    assertEquals(1, r.groups.get(0).size());
    assertFalse(answer.isComplete());
    r.answer(0);
    assertTrue(answer.succeeded());
  }

  @Test
  void proposalsArrivingWhileAGroupIsInFlightLeaveTogetherInArrivalOrder() {
    Recorder r = new Recorder();
    ProposalBatcher b = r.batcher(64, 1);
    b.submit(task(UUID.randomUUID()));
    List<SetStateCommand> waiting = new ArrayList<>();
    List<Future<OrchestrationResult>> answers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      SetStateCommand c = i % 2 == 0 ? task(UUID.randomUUID()) : flow(UUID.randomUUID());
      waiting.add(c);
      answers.add(b.submit(c));
    }
    assertEquals(1, r.groups.size(), "the second group waits for the first");
    assertEquals(5, b.queued());
    r.answer(0);
    assertEquals(2, r.groups.size());
    assertEquals(waiting, r.groups.get(1));
    assertEquals(List.of(1, 5), r.sizes);
    r.answer(1);
    for (int i = 0; i < 5; i++) {
      // each proposal gets its own answer, not a neighbour's
      assertEquals(result(waiting.get(i).runId()), answers.get(i).result());
    }
  }

  @Test
  void aGroupHoldsOneProposalPerRunAndTheSecondWaitsForTheNextGroup() {
    Recorder r = new Recorder();
    ProposalBatcher b = r.batcher(64, 1);
    UUID same = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    b.submit(task(UUID.randomUUID()));
    SetStateCommand first = task(same);
    SetStateCommand second = task(same);
    SetStateCommand third = task(other);
    SetStateCommand sameIdFlow = flow(same); // another kind: another run
    b.submit(first);
    b.submit(second);
    b.submit(third);
    b.submit(sameIdFlow);
    r.answer(0);
    assertEquals(List.of(first, third, sameIdFlow), r.groups.get(1));
    r.answer(1);
    assertEquals(List.of(second), r.groups.get(2));
  }

  @Test
  void groupsAreCappedAtTheMaximumSize() {
    Recorder r = new Recorder();
    ProposalBatcher b = r.batcher(3, 1);
    for (int i = 0; i < 8; i++) {
      b.submit(task(UUID.randomUUID()));
    }
    r.answer(0);
    r.answer(1);
    r.answer(2);
    assertEquals(List.of(1, 3, 3, 1), r.sizes);
  }

  @Test
  void atMostGroupsInFlightAtOnce() {
    Recorder r = new Recorder();
    ProposalBatcher b = r.batcher(64, 2);
    for (int i = 0; i < 6; i++) {
      b.submit(task(UUID.randomUUID()));
    }
    assertEquals(List.of(1, 1), r.sizes, "two proposals start at once, the rest wait");
    r.answer(1);
    assertEquals(List.of(1, 1, 4), r.sizes);
  }

  @Test
  void aGroupStaysInFlightUntilEveryAnswerIsIn() {
    Recorder r = new Recorder();
    ProposalBatcher b = r.batcher(64, 1);
    b.submit(task(UUID.randomUUID()));
    b.submit(task(UUID.randomUUID()));
    b.submit(task(UUID.randomUUID()));
    r.answer(0);
    b.submit(task(UUID.randomUUID()));
    r.answers.get(1).get(0).complete(result(UUID.randomUUID()));
    assertEquals(2, r.groups.size(), "one answer of the group is still out");
    r.answers.get(1).get(1).fail(new IllegalStateException("x"));
    assertEquals(3, r.groups.size());
  }

  @Test
  void withGroupSizeOneEveryProposalGoesAloneAtOnce() {
    Recorder r = new Recorder();
    ProposalBatcher b = r.batcher(1, Integer.MAX_VALUE);
    for (int i = 0; i < 4; i++) {
      b.submit(task(UUID.randomUUID()));
    }
    assertEquals(List.of(1, 1, 1, 1), r.sizes);
  }

  @Test
  void aFailureOfOneAnswerReachesOnlyItsProposal() {
    Recorder r = new Recorder();
    ProposalBatcher b = r.batcher(64, 1);
    b.submit(task(UUID.randomUUID()));
    Future<OrchestrationResult> bad = b.submit(task(UUID.randomUUID()));
    Future<OrchestrationResult> good = b.submit(task(UUID.randomUUID()));
    r.answer(0);
    IllegalStateException boom = new IllegalStateException("boom");
    r.answers.get(1).get(0).fail(boom);
    r.answers.get(1).get(1).complete(result(UUID.randomUUID()));
    assertSame(boom, bad.cause());
    assertTrue(good.succeeded());
  }

  @Test
  void anOrchestratorThatThrowsFailsItsGroupAndTheBatcherGoesOn() {
    List<Integer> sizes = new ArrayList<>();
    int[] calls = {0};
    ProposalBatcher b = plain(cmds -> {
      if (calls[0]++ == 0) {
        throw new IllegalStateException("down");
      }
      List<Future<OrchestrationResult>> ok = new ArrayList<>();
      cmds.forEach(c -> ok.add(Future.succeededFuture(result(c.runId()))));
      return ok;
    }, 64, 1, 1000, sizes::add);
    assertEquals("down", b.submit(task(UUID.randomUUID())).cause().getMessage());
    assertTrue(b.submit(task(UUID.randomUUID())).succeeded());
  }

  @Test
  void pastTheQueueBoundAProposalIsRefusedAtOnce() {
    Recorder r = new Recorder();
    ProposalBatcher b = plain(r::orchestrate, 64, 1, 2, r.sizes::add);
    b.submit(task(UUID.randomUUID())); // in flight
    Future<OrchestrationResult> q1 = b.submit(task(UUID.randomUUID()));
    Future<OrchestrationResult> q2 = b.submit(task(UUID.randomUUID()));
    Future<OrchestrationResult> refused = b.submit(task(UUID.randomUUID()));
    assertEquals(OrchestrationFailure.UNAVAILABLE, ((OrchestrationException) refused.cause()).failure());
    assertEquals(2, b.queued());
    r.answer(0);
    r.answer(1);
    assertTrue(q1.succeeded() && q2.succeeded());
    assertTrue(b.submit(task(UUID.randomUUID())) != null && b.queued() == 0, "room again once the queue drained");
  }

  @Test
  void proposalsPastTheirDeadlineLeaveTheQueueRefusedWithoutReachingTheDatabase() {
    Recorder r = new Recorder();
    ProposalBatcher b = r.batcher(64, 1);
    b.submit(task(UUID.randomUUID())); // in flight
    long past = Deadline.in(-1);
    Future<OrchestrationResult> late1 = b.submit(task(UUID.randomUUID()).withDeadline(past));
    UUID live = UUID.randomUUID();
    Future<OrchestrationResult> onTime = b.submit(task(live).withDeadline(Deadline.in(3_600_000)));
    Future<OrchestrationResult> late2 = b.submit(flow(UUID.randomUUID()).withDeadline(past));
    r.answer(0);
    assertEquals(2, r.groups.size());
    assertEquals(List.of(live), r.groups.get(1).stream().map(SetStateCommand::runId).toList(), "only the live one");
    assertTrue(Deadline.isExceeded(late1.cause()), String.valueOf(late1.cause()));
    assertTrue(Deadline.isExceeded(late2.cause()));
    assertEquals(OrchestrationFailure.UNAVAILABLE, ((OrchestrationException) late2.cause()).failure());
    r.answer(1);
    assertTrue(onTime.succeeded());

    // a queue holding only late proposals empties without a group
    b.submit(task(UUID.randomUUID())); // in flight (group 2)
    Future<OrchestrationResult> late3 = b.submit(task(UUID.randomUUID()).withDeadline(past));
    Future<OrchestrationResult> late4 = b.submit(task(UUID.randomUUID()).withDeadline(past));
    r.answer(2);
    assertEquals(3, r.groups.size());
    assertTrue(Deadline.isExceeded(late3.cause()) && Deadline.isExceeded(late4.cause()));
    assertEquals(0, b.queued());
  }

  @Test
  void rejectsNonsenseBounds() {
    assertThrows(IllegalArgumentException.class, () -> new Recorder().batcher(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new Recorder().batcher(1, 0));
    assertThrows(IllegalArgumentException.class, () -> plain(c -> List.of(), 1, 1, 0, s -> { }));
  }
}
