package dev.baton.orchestration.rules.concurrency;

import static dev.baton.domain.StateType.COMPLETED;
import static dev.baton.domain.StateType.PENDING;
import static dev.baton.domain.StateType.RUNNING;
import static dev.baton.domain.StateType.SCHEDULED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.Kit;
import dev.baton.orchestration.engine.ConcurrencyEffect;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.ConcurrencyFacts.Lease;
import dev.baton.orchestration.engine.ConcurrencyFacts.Limit;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.Facts;
import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.engine.TaskRunDraft;
import dev.baton.orchestration.policies.FlowPolicies;
import dev.baton.orchestration.policies.TaskPolicies;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The concurrency rules decide from facts and act only through effects (spec/concurrency.md §2–3). */
class ConcurrencyRulesTest {

  static Limit limit(String name, int limit, int active) {
    return new Limit(Kit.id(), name, true, limit, active, 0, 0, 2.0);
  }

  static TaskRunDraft task(UUID id, String... tags) {
    return new TaskRunDraft(id, null, "task", dev.baton.domain.TaskRunPolicy.DEFAULT, List.of(tags), null, PENDING,
        "Pending", Kit.EARLIER, 0, 0, null, null, null, null, 0L);
  }

  static Facts tagFacts(List<Limit> limits, List<Lease> leases) {
    return Facts.NONE.withConcurrency(new ConcurrencyFacts(limits, List.of(), leases, null));
  }

  static <T> List<T> effects(OrchestrationOutcome o, Class<T> type) {
    return o.effects().stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void taskAcquiresEveryActiveTagLimitInOneLease() {
    Limit a = limit("tag:a", 2, 1);
    Limit b = limit("tag:b", 1, 0);
    UUID run = Kit.id();
    State initial = Kit.initial(PENDING);
    OrchestrationOutcome o = Kit.run(TaskPolicies.CORE, task(run, "a", "b"), initial, Kit.proposal(RUNNING),
        tagFacts(List.of(a, b), List.of()));
    assertEquals(OrchestrationStatus.ACCEPT, o.status());
    ConcurrencyEffect.AcquireSlots acq = effects(o, ConcurrencyEffect.AcquireSlots.class).get(0);
    assertEquals(List.of(a.id(), b.id()), acq.limitIds());
    assertEquals(1, acq.slots());
    assertEquals("task_run", acq.holderType());
    assertEquals(run, acq.holderId());
    assertNotNull(acq.leaseId());
  }

  @Test
  void taskWaitsWhenAnyLimitIsFullAndTakesNothing() {
    Limit a = limit("tag:a", 2, 0);
    Limit b = limit("tag:b", 1, 1);
    OrchestrationOutcome o = Kit.run(TaskPolicies.CORE, task(Kit.id(), "a", "b"), Kit.initial(PENDING),
        Kit.proposal(RUNNING), tagFacts(List.of(a, b), List.of()));
    assertEquals(OrchestrationStatus.WAIT, o.status());
    assertEquals("Concurrency limit reached for tags: a, b", o.details().reason());
    assertTrue(o.details().delaySeconds() >= 1 && o.details().delaySeconds() <= 3, o.details().toString());
    assertNotNull(o.details().retryAfter());
    assertTrue(effects(o, ConcurrencyEffect.AcquireSlots.class).isEmpty());
    assertEquals(List.of(b.id()), effects(o, ConcurrencyEffect.RecordDenied.class).get(0).limitIds());
  }

  @Test
  void zeroLimitAbortsBeforeTakingAnything() {
    OrchestrationOutcome o = Kit.run(TaskPolicies.CORE, task(Kit.id(), "ok", "zero"), Kit.initial(PENDING),
        Kit.proposal(RUNNING), tagFacts(List.of(limit("tag:ok", 5, 0), limit("tag:zero", 0, 0)), List.of()));
    assertEquals(OrchestrationStatus.ABORT, o.status());
    assertEquals("The concurrency limit on tag \"zero\" is 0 and will deadlock if the task tries to run again.",
        o.details().reason());
    assertTrue(o.effects().isEmpty());
  }

  @Test
  void runAlreadyHoldingTheSlotIsNotChargedAgain() {
    Limit a = limit("tag:a", 1, 1);
    UUID run = Kit.id();
    Lease held = new Lease(Kit.id(), List.of(a.id()), 1, Kit.EARLIER, Instant.MAX, "task_run", run);
    OrchestrationOutcome o = Kit.run(TaskPolicies.CORE, task(run, "a"), Kit.initial(RUNNING), Kit.proposal(RUNNING),
        tagFacts(List.of(a), List.of(held)));
    assertEquals(OrchestrationStatus.ACCEPT, o.status());
    assertTrue(effects(o, ConcurrencyEffect.AcquireSlots.class).isEmpty());
  }

  @Test
  void fizzledAcquisitionIsDropped() {
    Limit a = limit("tag:a", 1, 0);
    State scheduled = Kit.details(Kit.initial(SCHEDULED), d -> d.scheduledTime(Kit.NOW.plusSeconds(60)));
    OrchestrationOutcome o = Kit.run(TaskPolicies.CORE, task(Kit.id(), "a"), scheduled, Kit.proposal(RUNNING),
        tagFacts(List.of(a), List.of()));
    assertEquals(OrchestrationStatus.WAIT, o.status());
    assertEquals("Scheduled time is in the future", o.details().reason());
    assertTrue(o.effects().isEmpty(), o.effects().toString());
  }

  @ParameterizedTest
  @CsvSource({"COMPLETED, true", "FAILED, true", "CANCELLING, false", "RUNNING, false", "PENDING, true"})
  void releaseOnLeavingRunning(StateType to, boolean releases) {
    UUID run = Kit.id();
    Lease held = new Lease(Kit.id(), List.of(Kit.id()), 1, Kit.EARLIER, Instant.MAX, "task_run", run);
    OrchestrationOutcome o = Kit.full(TaskPolicies.MINIMAL, TaskPolicies.GLOBAL, task(run, "a"), Kit.initial(RUNNING),
        Kit.proposal(to), tagFacts(List.of(), List.of(held)));
    List<ConcurrencyEffect.ReleaseLeases> rel = effects(o, ConcurrencyEffect.ReleaseLeases.class);
    assertEquals(releases, !rel.isEmpty());
    if (releases) {
      assertEquals(List.of(held.id()), rel.get(0).leaseIds());
    }
  }

  // ---- flows ----

  static FlowRunDraft flowRun(UUID id, State state) {
    return Kit.flow().id(id).deployment().state(state).build();
  }

  static Facts depFacts(Limit limit, boolean cancelNew, List<Lease> leases, String client) {
    return Facts.NONE.withClientVersion(client).withConcurrency(new ConcurrencyFacts(List.of(), List.of(), leases,
        new ConcurrencyFacts.Deployment(Kit.id(), limit, cancelNew, null)));
  }

  @Test
  void flowPendingTakesASlotAndNamesTheLease() {
    Limit l = limit("deployment:x", 2, 1);
    State initial = Kit.initial(SCHEDULED);
    UUID run = Kit.id();
    OrchestrationOutcome o = Kit.run(FlowPolicies.CORE, flowRun(run, initial), initial, Kit.proposal(PENDING),
        depFacts(l, false, List.of(), null));
    assertEquals(OrchestrationStatus.ACCEPT, o.status());
    ConcurrencyEffect.AcquireSlots acq = effects(o, ConcurrencyEffect.AcquireSlots.class).get(0);
    assertEquals(acq.leaseId(), o.state().details().deploymentConcurrencyLeaseId());
    assertEquals(300.0, acq.ttlSeconds());
    assertEquals(run, acq.holderId());
  }

  @Test
  void flowPendingFullEnqueuesOrCancels() {
    Limit l = limit("deployment:x", 1, 1);
    State initial = Kit.initial(SCHEDULED);
    OrchestrationOutcome enq = Kit.run(FlowPolicies.CORE, flowRun(Kit.id(), initial), initial, Kit.proposal(PENDING),
        depFacts(l, false, List.of(), null));
    assertEquals(OrchestrationStatus.REJECT, enq.status());
    assertEquals("AwaitingConcurrencySlot", enq.state().name());
    assertEquals(Kit.NOW.plusSeconds(30), enq.state().details().scheduledTime());
    OrchestrationOutcome cancel = Kit.run(FlowPolicies.CORE, flowRun(Kit.id(), initial), initial, Kit.proposal(PENDING),
        depFacts(l, true, List.of(), null));
    assertEquals(StateType.CANCELLED, cancel.state().type());
    assertEquals("Deployment concurrency limit reached.", cancel.state().message());
    assertTrue(effects(cancel, ConcurrencyEffect.AcquireSlots.class).isEmpty());
  }

  @Test
  void selfManagingClientsAndMissingDeployment() {
    State initial = Kit.initial(SCHEDULED);
    OrchestrationOutcome skip = Kit.run(FlowPolicies.CORE, flowRun(Kit.id(), initial), initial, Kit.proposal(PENDING),
        depFacts(limit("deployment:x", 1, 0), false, List.of(), "3.0.2"));
    assertTrue(skip.effects().isEmpty());
    Facts missing = Facts.NONE.withConcurrency(ConcurrencyFacts.EMPTY);
    OrchestrationOutcome abort = Kit.run(FlowPolicies.CORE, flowRun(Kit.id(), initial), initial, Kit.proposal(PENDING), missing);
    assertEquals("Deployment not found.", abort.details().reason());
  }

  @Test
  void runningRenewsOrReacquiresForNewClients() {
    Limit l = limit("deployment:x", 1, 1);
    UUID run = Kit.id();
    UUID leaseId = Kit.id();
    State pending = Kit.details(Kit.initial(PENDING), d -> d.deploymentConcurrencyLeaseId(leaseId));
    Lease lease = new Lease(leaseId, List.of(l.id()), 1, Kit.EARLIER, Kit.NOW, "flow_run", run);
    OrchestrationOutcome renew = Kit.run(FlowPolicies.CORE, flowRun(run, pending), pending, Kit.proposal(RUNNING),
        depFacts(l, false, List.of(lease), "3.5.0"));
    assertEquals(OrchestrationStatus.ACCEPT, renew.status());
    assertEquals(leaseId, renew.state().details().deploymentConcurrencyLeaseId());
    assertInstanceOf(ConcurrencyEffect.RenewLease.class, renew.effects().get(0));

    OrchestrationOutcome lost = Kit.run(FlowPolicies.CORE, flowRun(run, pending), pending, Kit.proposal(RUNNING),
        depFacts(l, false, List.of(), "3.5.0"));
    assertEquals(StateType.CANCELLED, lost.state().type());
    assertEquals("Deployment concurrency limit reached after lease expiry.", lost.details().reason());

    OrchestrationOutcome fresh = Kit.run(FlowPolicies.CORE, flowRun(run, pending), pending, Kit.proposal(RUNNING),
        depFacts(limit("deployment:y", 1, 0), false, List.of(), "3.5.0"));
    assertEquals(OrchestrationStatus.ACCEPT, fresh.status());
    assertEquals(effects(fresh, ConcurrencyEffect.AcquireSlots.class).get(0).leaseId(),
        fresh.state().details().deploymentConcurrencyLeaseId());
  }

  @Test
  void oldClientsPinTheLeaseAndReleaseIsByLease() {
    Limit l = limit("deployment:x", 1, 1);
    UUID run = Kit.id();
    UUID leaseId = Kit.id();
    State pending = Kit.details(Kit.initial(PENDING), d -> d.deploymentConcurrencyLeaseId(leaseId));
    Lease lease = new Lease(leaseId, List.of(l.id()), 1, Kit.EARLIER, Kit.NOW, "flow_run", run);
    OrchestrationOutcome o = Kit.run(FlowPolicies.CORE, flowRun(run, pending), pending, Kit.proposal(RUNNING),
        depFacts(l, false, List.of(lease), "3.4.10"));
    ConcurrencyEffect.RenewLease pin = effects(o, ConcurrencyEffect.RenewLease.class).get(0);
    assertEquals(leaseId, pin.leaseId());
    assertNull(pin.ttlSeconds());

    State running = Kit.details(Kit.initial(RUNNING), d -> d.deploymentConcurrencyLeaseId(leaseId));
    OrchestrationOutcome done = Kit.full(FlowPolicies.CORE, FlowPolicies.GLOBAL, flowRun(run, running), running,
        Kit.proposal(COMPLETED), depFacts(l, false, List.of(lease), null));
    assertEquals(List.of(leaseId), effects(done, ConcurrencyEffect.ReleaseLeases.class).get(0).leaseIds());
    // the lease is gone (reaped): nothing to release, no blind decrement
    OrchestrationOutcome gone = Kit.full(FlowPolicies.CORE, FlowPolicies.GLOBAL, flowRun(run, running), running,
        Kit.proposal(COMPLETED), depFacts(l, false, List.of(), null));
    assertTrue(effects(gone, Effect.Concurrency.class).isEmpty());
  }

  @ParameterizedTest
  @CsvSource({"3.4.11, 0", "3.4.10, -1", "3.5.0, 1", "3.4.11rc1, -1", "3.4.11.dev2, -1", "3.4.11+local, 0",
      "3.0.0rc20, -1", "10.0.0, 1", "3.4.11.post1, 0"})
  void clientVersions(String v, int sign) {
    assertEquals(sign, Integer.signum(Slots.compare(v, new int[] {3, 4, 11})));
  }
}
