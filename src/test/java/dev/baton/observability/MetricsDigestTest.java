package dev.baton.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.RunKind;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class MetricsDigestTest {
  /** histogram_quantile's arithmetic: linear inside the bucket the rank falls in, the last bound past it. */
  @Test
  void quantileInterpolatesAsPrometheusDoes() {
    double[] bounds = {1, 2, 5, 10};
    // 100 observations: 50 ≤ 1 ms, 90 ≤ 2, 99 ≤ 5, 100 ≤ 10
    assertEquals(1.0, MetricsDigest.quantile(0.5, bounds, new double[] {50, 90, 99, 100}, 100), 1e-9);
    assertEquals(2.0 + 3.0 * (99 - 90) / 9.0, MetricsDigest.quantile(0.99, bounds, new double[] {50, 90, 99, 100}, 100), 1e-9);
    assertEquals(0.5, MetricsDigest.quantile(0.25, bounds, new double[] {50, 90, 99, 100}, 100), 1e-9);
    // every observation above the last bound
    assertEquals(10.0, MetricsDigest.quantile(0.99, bounds, new double[] {0, 0, 0, 0}, 10), 1e-9);
    assertNull(MetricsDigest.quantile(0.99, bounds, new double[] {0, 0, 0, 0}, 0));
  }

  /** Rates, the p99 and the counts by rule come from the same meters /metrics shows, as differences between samples. */
  @Test
  void ratesAndCountsAreDifferencesOfTheSameMeters() {
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    OrchestrationMetrics m = new OrchestrationMetrics(registry);
    OverloadMetrics overload = new OverloadMetrics(registry);
    MetricsDigest digest = new MetricsDigest(registry);
    m.outcome(RunKind.TASK_RUN, "set_state", OrchestrationStatus.ACCEPT, null, 1_000_000);
    digest.sample(0);
    for (int i = 0; i < 20; i++) {
      m.outcome(RunKind.TASK_RUN, "set_state", OrchestrationStatus.ACCEPT, null, 3_000_000); // 3 ms: bucket (2.5, 5]
    }
    m.outcome(RunKind.FLOW_RUN, "set_state", OrchestrationStatus.REJECT, "HandleFlowTerminalStateTransitions", 1_000_000);
    m.outcome(RunKind.TASK_RUN, "set_state", OrchestrationStatus.WAIT, "SecureTaskConcurrencySlots", 1_000_000);
    m.outcome(RunKind.TASK_RUN, "set_state", OrchestrationStatus.WAIT, "SecureTaskConcurrencySlots", 1_000_000);
    overload.rejected("http_in_flight");
    digest.sample(2_000);
    MetricsDigest.View v = digest.view(10);
    assertEquals(10.0, v.transitionsPerSecond(), 1e-9, "20 accepted in 2 s");
    assertEquals(1, v.points().size());
    assertEquals(10.0, v.points().get(0).accepted(), 1e-9);
    assertEquals(1.0, v.points().get(0).waited(), 1e-9);
    assertEquals(0.5, v.points().get(0).rejected(), 1e-9);
    assertEquals(0.5, v.points().get(0).overloadRefused(), 1e-9);
    // 23 latencies between the samples: 3 at 1 ms, 20 at 3 ms; the 99th lies in (2.5, 5]
    double p99 = v.p99Millis();
    assertEquals(2.5 + 2.5 * (0.99 * 23 - 3) / 20, p99, 1e-6);
    assertEquals(2, v.byRule().size());
    MetricsDigest.Count wait = v.byRule().get(0);
    assertEquals("task_run WAIT", wait.kind());
    assertEquals("SecureTaskConcurrencySlots", wait.key());
    assertEquals(2.0, wait.total(), 1e-9);
    assertEquals(2.0, wait.recent(), 1e-9);
    assertEquals("http_in_flight", v.overload().get(0).key());
    assertEquals(24.0, v.proposalsTotal(), 1e-9, "1 + 20 accepted, 1 rejected, 2 waited");
    // the same count /metrics shows
    assertEquals(2.0, registry.get("baton.orchestration.outcomes").tag("status", "WAIT").counter().count(), 1e-9);
  }

  @Test
  void keepsFiveMinutes() {
    MetricsDigest digest = new MetricsDigest(Metrics.newRegistry());
    for (int i = 0; i < 1000; i++) {
      digest.sample(i * 1000L);
    }
    MetricsDigest.View v = digest.view(10);
    assertEquals(MetricsDigest.KEEP - 1, v.points().size());
    assertEquals(300, v.recentSeconds());
    assertNull(v.p99Millis());
  }

  @Test
  void decisionsKeepTheLastOnesPerRun() {
    Decisions d = new Decisions();
    java.util.UUID a = java.util.UUID.randomUUID();
    java.util.UUID b = java.util.UUID.randomUUID();
    for (int i = 0; i < Decisions.CAPACITY + 5; i++) {
      d.add(new Decisions.Decision(java.time.Instant.EPOCH, "task_run", i % 2 == 0 ? a : b, "RUNNING", "WAIT",
          "SecureTaskConcurrencySlots", String.valueOf(i), null, null));
    }
    assertEquals(5_000, d.forRun(a).size(), "the even ones of the last 10,000");
    assertEquals(String.valueOf(Decisions.CAPACITY + 4), d.forRun(a).get(d.forRun(a).size() - 1).reason(), "newest last");
    assertEquals(Decisions.CAPACITY + 5, d.added());
  }
}
