package dev.baton.orchestration.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.StateType;
import dev.baton.domain.command.StateCreate;
import dev.baton.orchestration.run.Noted;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.SetStateCommand;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Held WAITs of {@link ProposalBatcher}: a WAIT on a full tag limit is held, joins the group of a
 * holder's next proposal, or is orchestrated once more when its time runs out — with a recording
 * stand-in for the database side and hand-driven timers.
 */
class HeldWaitsTest {
  private static final UUID LIMIT = UUID.randomUUID();
  private static final UUID OTHER_LIMIT = UUID.randomUUID();

  /** Timers fired by the test. */
  private static final class ManualTimers implements ProposalBatcher.Timers {
    final Map<Long, Runnable> pending = new LinkedHashMap<>();
    final List<Long> delays = new ArrayList<>();
    long next = 1;

    @Override
    public long schedule(long delayMillis, Runnable action) {
      delays.add(delayMillis);
      pending.put(next, action);
      return next++;
    }

    @Override
    public void cancel(long id) {
      pending.remove(id);
    }

    void fireAll() {
      List<Runnable> due = new ArrayList<>(pending.values());
      pending.clear();
      due.forEach(Runnable::run);
    }
  }

  /** Records each group; proposals are answered by the test. */
  private static final class Db {
    final List<List<SetStateCommand>> groups = new ArrayList<>();
    final List<List<Promise<Noted>>> answers = new ArrayList<>();
    final List<String> ended = new ArrayList<>();
    int started;
    final ManualTimers timers = new ManualTimers();
    boolean mayHold = true;

    List<Future<Noted>> orchestrate(List<SetStateCommand> cmds) {
      groups.add(List.copyOf(cmds));
      List<Promise<Noted>> ps = new ArrayList<>();
      List<Future<Noted>> fs = new ArrayList<>();
      for (int i = 0; i < cmds.size(); i++) {
        Promise<Noted> p = Promise.promise();
        ps.add(p);
        fs.add(p.future());
      }
      answers.add(ps);
      return fs;
    }

    ProposalBatcher batcher(long holdMillis, int maxHeld) {
      return new ProposalBatcher(this::orchestrate, 64, 1, 1000, s -> { },
          new ProposalBatcher.WaitHolds(holdMillis, maxHeld, () -> mayHold, timers),
          new ProposalBatcher.HoldEvents() {
            @Override
            public void started() {
              started++;
            }

            @Override
            public void ended(String how) {
              ended.add(how);
            }
          });
    }

    /**
     * Submits {@code cmd} to an idle batcher, where it leaves at once in a group of its own, and
     * answers it with {@code n}.
     */
    Future<OrchestrationResult> alone(ProposalBatcher b, SetStateCommand cmd, Noted n) {
      int before = groups.size();
      Future<OrchestrationResult> f = b.submit(cmd);
      assertEquals(before + 1, groups.size(), "left at once");
      assertEquals(List.of(cmd), groups.get(before), "alone");
      answer(before, 0, n);
      return f;
    }

    /** Answers proposal {@code i} of group {@code g}. */
    void answer(int g, int i, Noted n) {
      answers.get(g).get(i).complete(n);
    }

    List<UUID> runsOf(int g) {
      return groups.get(g).stream().map(SetStateCommand::runId).toList();
    }
  }

  private static SetStateCommand running(UUID run) {
    return SetStateCommand.task(run, StateCreate.of(StateType.RUNNING), false);
  }

  private static SetStateCommand completed(UUID run) {
    return SetStateCommand.task(run, StateCreate.of(StateType.COMPLETED), false);
  }

  private static final OrchestrationResult WAIT = new OrchestrationResult(null, OrchestrationStatus.WAIT,
      OrchestrationDetails.waitFor(0, "Concurrency limit reached for tags: t", 0.5), false);
  private static final OrchestrationResult ACCEPT = new OrchestrationResult(null, OrchestrationStatus.ACCEPT,
      OrchestrationDetails.ACCEPT, true);

  private static Noted waitOn(UUID... limits) {
    return new Noted(WAIT, List.of(limits), List.of(), false);
  }

  private static Noted took(UUID... limits) {
    return new Noted(ACCEPT, List.of(), List.of(limits), false);
  }

  private static final Noted RELEASED = new Noted(ACCEPT, List.of(), List.of(), true);
  private static final Noted PLAIN = new Noted(ACCEPT, List.of(), List.of(), false);

  @Test
  void aWaitOnAFullLimitIsHeldInsteadOfAnswered() {
    Db db = new Db();
    ProposalBatcher b = db.batcher(1000, 10);
    Future<OrchestrationResult> w = db.alone(b, running(UUID.randomUUID()), waitOn(LIMIT));
    assertFalse(w.isComplete());
    assertEquals(1, b.held());
    assertEquals(List.of(1000L), db.timers.delays);
    assertEquals(1, db.started);
  }

  @Test
  void aHolderProposalBringsTheOldestHeldWaiterOfItsLimitIntoItsGroup() {
    Db db = new Db();
    ProposalBatcher b = db.batcher(1000, 10);
    UUID holder = UUID.randomUUID();
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    UUID elsewhere = UUID.randomUUID();
    db.alone(b, running(holder), took(LIMIT)); // holder takes a slot on LIMIT
    Future<OrchestrationResult> w1 = db.alone(b, running(first), waitOn(LIMIT));
    Future<OrchestrationResult> w2 = db.alone(b, running(second), waitOn(LIMIT));
    Future<OrchestrationResult> w3 = db.alone(b, running(elsewhere), waitOn(OTHER_LIMIT));
    assertEquals(3, b.held());

    Future<OrchestrationResult> done = b.submit(completed(holder));
    assertEquals(List.of(holder, first), db.runsOf(4), "the holder's COMPLETED and the oldest waiter on its limit");
    assertEquals(2, b.held());
    assertEquals(List.of("handed_over"), db.ended);
    db.answer(4, 0, RELEASED);
    db.answer(4, 1, took(LIMIT)); // the group handed the freed slot over
    assertSame(ACCEPT, done.result());
    assertSame(ACCEPT, w1.result());
    assertFalse(w2.isComplete() || w3.isComplete(), "the others are still held");

    // the new holder's COMPLETED brings the next waiter; the waiter on another limit stays held
    b.submit(completed(first));
    assertEquals(List.of(first, second), db.runsOf(5));
    assertEquals(1, b.held());
  }

  @Test
  void aRunningProposalOfAHolderBringsNoWaiter() {
    Db db = new Db();
    ProposalBatcher b = db.batcher(1000, 10);
    UUID holder = UUID.randomUUID();
    db.alone(b, running(holder), took(LIMIT));
    db.alone(b, running(UUID.randomUUID()), waitOn(LIMIT));
    b.submit(running(holder)); // not a release
    assertEquals(1, db.groups.get(2).size());
    assertEquals(1, b.held());
  }

  @Test
  void aReleaseForgetsTheHolder() {
    Db db = new Db();
    ProposalBatcher b = db.batcher(1000, 10);
    UUID holder = UUID.randomUUID();
    db.alone(b, running(holder), took(LIMIT));
    db.alone(b, completed(holder), RELEASED);
    db.alone(b, running(UUID.randomUUID()), waitOn(LIMIT));
    b.submit(completed(holder)); // holds nothing any more
    assertEquals(List.of(holder), db.runsOf(3));
    assertEquals(1, b.held());
  }

  @Test
  void aWaiterWhoseHandOverFailedIsHeldAgainForWhatIsLeftOfItsTime() {
    Db db = new Db();
    ProposalBatcher b = db.batcher(1000, 10);
    UUID holder = UUID.randomUUID();
    UUID waiter = UUID.randomUUID();
    db.alone(b, running(holder), took(LIMIT));
    Future<OrchestrationResult> w = db.alone(b, running(waiter), waitOn(LIMIT));
    b.submit(completed(holder));
    db.answer(2, 0, PLAIN); // say the COMPLETED was rejected: the slot stays taken
    db.answer(2, 1, waitOn(LIMIT));
    assertFalse(w.isComplete());
    assertEquals(1, b.held());
    assertEquals(2, db.timers.delays.size());
    assertTrue(db.timers.delays.get(1) <= 1000);
  }

  @Test
  void whenItsTimeRunsOutAHeldProposalIsOrchestratedOnceMoreAndAnsweredWhateverThatGives() {
    Db db = new Db();
    ProposalBatcher b = db.batcher(1000, 10);
    UUID waiter = UUID.randomUUID();
    Future<OrchestrationResult> w = db.alone(b, running(waiter), waitOn(LIMIT));
    db.timers.fireAll();
    assertEquals(List.of("expired"), db.ended);
    assertEquals(List.of(waiter), db.runsOf(1), "orchestrated once more");
    db.answer(1, 0, waitOn(LIMIT));
    assertSame(WAIT, w.result(), "a WAIT on its last try is answered");
    assertEquals(0, b.held());

    Future<OrchestrationResult> lucky = db.alone(b, running(UUID.randomUUID()), waitOn(LIMIT));
    db.timers.fireAll();
    db.answer(3, 0, took(LIMIT)); // a slot freed elsewhere meanwhile
    assertSame(ACCEPT, lucky.result());
  }

  @Test
  void anExpiredWaiterGoesFirstInLine() {
    Db db = new Db();
    ProposalBatcher b = db.batcher(1000, 10);
    UUID waiter = UUID.randomUUID();
    db.alone(b, running(waiter), waitOn(LIMIT));
    UUID busy = UUID.randomUUID();
    b.submit(completed(busy)); // group 1 in flight
    UUID later = UUID.randomUUID();
    b.submit(completed(later)); // queued
    db.timers.fireAll(); // the waiter's time runs out while group 1 is in flight
    db.answer(1, 0, PLAIN);
    assertEquals(List.of(waiter, later), db.runsOf(2));
  }

  @Test
  void nothingIsHeldWhenHoldingIsOffFullOrNotAllowed() {
    Db off = new Db();
    ProposalBatcher b = off.batcher(0, 10);
    Future<OrchestrationResult> w = off.alone(b, running(UUID.randomUUID()), waitOn(LIMIT));
    assertSame(WAIT, w.result());

    Db full = new Db();
    ProposalBatcher f = full.batcher(1000, 1);
    full.alone(f, running(UUID.randomUUID()), waitOn(LIMIT));
    Future<OrchestrationResult> second = full.alone(f, running(UUID.randomUUID()), waitOn(LIMIT));
    assertSame(WAIT, second.result(), "past maxHeld: answered at once");
    assertEquals(1, f.held());

    Db draining = new Db();
    draining.mayHold = false;
    ProposalBatcher d = draining.batcher(1000, 10);
    Future<OrchestrationResult> dw = draining.alone(d, running(UUID.randomUUID()), waitOn(LIMIT));
    assertSame(WAIT, dw.result());

    // an answer that is not a WAIT on a limit is never held
    Db plain = new Db();
    ProposalBatcher p = plain.batcher(1000, 10);
    Future<OrchestrationResult> other = plain.alone(p, running(UUID.randomUUID()), new Noted(WAIT, List.of(), List.of(), false));
    assertSame(WAIT, other.result());
  }

  @Test
  void aHoldEndsBeforeTheProposalsOwnDeadline() {
    Db db = new Db();
    ProposalBatcher b = db.batcher(10_000, 10);
    Future<OrchestrationResult> w = db.alone(b, running(UUID.randomUUID()).withDeadline(Deadline.in(2_000)), waitOn(LIMIT));
    assertFalse(w.isComplete());
    long delay = db.timers.delays.get(0);
    assertTrue(delay <= 1_500 && delay > 1_000, "held until half a second before its deadline: " + delay);

    Future<OrchestrationResult> nearlyLate = db.alone(b, running(UUID.randomUUID()).withDeadline(Deadline.in(300)), waitOn(LIMIT));
    assertSame(WAIT, nearlyLate.result(), "too close to its deadline to be held");
  }

  @Test
  void closeAnswersEveryHeldProposalWithItsWait() {
    Db db = new Db();
    ProposalBatcher b = db.batcher(1000, 10);
    Future<OrchestrationResult> w1 = db.alone(b, running(UUID.randomUUID()), waitOn(LIMIT, OTHER_LIMIT));
    Future<OrchestrationResult> w2 = db.alone(b, running(UUID.randomUUID()), waitOn(OTHER_LIMIT));
    b.close();
    assertSame(WAIT, w1.result());
    assertSame(WAIT, w2.result());
    assertEquals(0, b.held());
    assertTrue(db.timers.pending.isEmpty(), "their timers are cancelled");
    assertEquals(List.of("stopped", "stopped"), db.ended);
  }

  @Test
  void aWaiterHeldOnTwoLimitsJoinsOneGroupOnly() {
    Db db = new Db();
    ProposalBatcher b = db.batcher(1000, 10);
    UUID h1 = UUID.randomUUID();
    UUID h2 = UUID.randomUUID();
    db.alone(b, running(h1), took(LIMIT));
    db.alone(b, running(h2), took(OTHER_LIMIT));
    UUID waiter = UUID.randomUUID();
    db.alone(b, running(waiter), waitOn(LIMIT, OTHER_LIMIT));
    b.submit(running(UUID.randomUUID())); // group 3 in flight
    b.submit(completed(h1));
    b.submit(completed(h2));
    db.answer(3, 0, PLAIN);
    assertEquals(List.of(h1, h2, waiter), db.runsOf(4), "once, though both its limits free a slot");
    assertEquals(0, b.held());
  }
}
