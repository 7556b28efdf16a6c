package dev.baton.observability;

import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.RunKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Orchestration outcome counters (by run kind, endpoint, status and deciding rule) and the latency
 * of each proposal's transaction. Recorded after commit only: a rolled-back proposal emits nothing.
 */
public final class OrchestrationMetrics {
  private final MeterRegistry registry;
  private record OutcomeKey(RunKind kind, String endpoint, OrchestrationStatus status, String rule) {}

  private record FailureKey(RunKind kind, String endpoint, String code) {}

  private final ConcurrentMap<OutcomeKey, Counter> outcomes = new ConcurrentHashMap<>();
  private final ConcurrentMap<FailureKey, Counter> failures = new ConcurrentHashMap<>();
  private final Timer taskLatency;
  private final Timer flowLatency;
  private final DistributionSummary groupSize;
  private final DistributionSummary creationGroupSize;
  private final AtomicInteger waitsHeld = new AtomicInteger();
  private final ConcurrentMap<String, Counter> holdsEnded = new ConcurrentHashMap<>();
  private final Decisions decisions = new Decisions();

  public OrchestrationMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.taskLatency = timer("task_run");
    this.flowLatency = timer("flow_run");
    this.groupSize = DistributionSummary.builder("baton.orchestration.group.size")
        .description("Set-state proposals orchestrated together in one transaction (group commit)")
        .publishPercentileHistogram()
        .minimumExpectedValue(1.0)
        .maximumExpectedValue(1024.0)
        .register(registry);
    this.creationGroupSize = DistributionSummary.builder("baton.creation.group.size")
        .description("Task-run creations made together in one transaction (group commit; 1 = alone)")
        .publishPercentileHistogram()
        .minimumExpectedValue(1.0)
        .maximumExpectedValue(1024.0)
        .register(registry);
    Gauge.builder("baton.orchestration.waits.held", waitsHeld, AtomicInteger::get)
        .description("Set-state proposals refused for a full tag limit and held, not yet answered")
        .register(registry);
  }

  /** A WAIT on a full tag limit is held (ProposalBatcher). */
  public void waitHeld() {
    waitsHeld.incrementAndGet();
  }

  /** A held WAIT left its hold: {@code how} = handed_over, expired or stopped. */
  public void waitHoldEnded(String how) {
    waitsHeld.decrementAndGet();
    holdsEnded.computeIfAbsent(how, h -> Counter.builder("baton.orchestration.waits.held.ended")
        .description("Held WAITs on full tag limits that left their hold: handed_over (joined the group of a"
            + " holder's proposal), expired (orchestrated once more), stopped (answered at stop)")
        .tag("how", h)
        .register(registry)).increment();
  }

  /** One group of set-state proposals left for the database. */
  public void group(int size) {
    groupSize.record(size);
  }

  /** One group of task-run creations (1: a creation alone) left for the database. */
  public void creationGroup(int size) {
    creationGroupSize.record(size);
  }

  private Timer timer(String kind) {
    return Timer.builder("baton.orchestration.duration")
        .description("Time from receiving a proposal to its committed answer")
        .tag("run_kind", kind)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }

  public void outcome(RunKind kind, String endpoint, OrchestrationStatus status, String rule, long nanos) {
    OutcomeKey k = new OutcomeKey(kind, endpoint, status, rule);
    Counter c = outcomes.get(k);
    if (c == null) {
      c = outcomes.computeIfAbsent(k, x -> Counter.builder("baton.orchestration.outcomes")
        .description("Orchestration results by run kind, endpoint, status and the rule that decided")
        .tag("run_kind", kind == RunKind.TASK_RUN ? "task_run" : "flow_run")
        .tag("endpoint", endpoint)
        .tag("status", status.name())
        .tag("rule", rule == null ? "none" : rule)
        .register(registry));
    }
    c.increment();
    (kind == RunKind.TASK_RUN ? taskLatency : flowLatency).record(Duration.ofNanos(nanos));
  }

  /**
   * A set-state proposal answered REJECT, WAIT or ABORT, kept for the console's run timeline
   * ({@link Decisions}); an ACCEPT is not kept (the state history has it).
   */
  public void refused(RunKind kind, java.util.UUID runId, String proposed, OrchestrationStatus status, String rule,
      String reason, String stateType, String stateName) {
    if (status != OrchestrationStatus.ACCEPT) {
      decisions.add(new Decisions.Decision(java.time.Instant.now(), kind == RunKind.TASK_RUN ? "task_run" : "flow_run",
          runId, proposed, status.name(), rule, reason, stateType, stateName));
    }
  }

  /** The refused proposals kept for the console. */
  public Decisions decisions() {
    return decisions;
  }

  public void failure(RunKind kind, String endpoint, String code) {
    FailureKey k = new FailureKey(kind, endpoint, code);
    failures.computeIfAbsent(k, x -> Counter.builder("baton.orchestration.failures")
        .description("Proposals that failed (not found, conflict, unavailable, internal)")
        .tag("run_kind", kind == RunKind.TASK_RUN ? "task_run" : "flow_run")
        .tag("endpoint", endpoint)
        .tag("code", code)
        .register(registry)).increment();
  }
}
