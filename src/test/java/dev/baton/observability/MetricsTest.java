package dev.baton.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetricsTest {

  private static long lines(String scrape, String prefix) {
    return scrape.lines().filter(l -> l.startsWith(prefix)).count();
  }

  @Test
  void timersGetTheFixedLatencyBucketsInsteadOfPercentileHistograms() {
    PrometheusMeterRegistry r = Metrics.newRegistry();
    Timer t = Timer.builder("test.latency").publishPercentileHistogram().register(r);
    t.record(Duration.ofMillis(3));
    t.record(Duration.ofSeconds(30));
    String scrape = r.scrape();
    // 13 fixed buckets + "+Inf"
    assertEquals(Metrics.LATENCY_SECONDS.length + 1, lines(scrape, "test_latency_seconds_bucket{"), scrape);
    assertTrue(scrape.contains("test_latency_seconds_bucket{le=\"0.005\"} 1"), scrape);
    assertTrue(scrape.contains("test_latency_seconds_bucket{le=\"+Inf\"} 2"), scrape);
  }

  @Test
  void byteSizesKeepCountSumAndMaxOnly() {
    PrometheusMeterRegistry r = Metrics.newRegistry();
    DistributionSummary s = DistributionSummary.builder("test.response.bytes").publishPercentileHistogram().register(r);
    s.record(1234);
    String scrape = r.scrape();
    assertEquals(0, lines(scrape, "test_response_bytes_bucket"), scrape);
    assertTrue(scrape.contains("test_response_bytes_sum 1234.0"), scrape);
    assertTrue(scrape.contains("test_response_bytes_count 1"), scrape);
  }

  @Test
  void countedDistributionsGetPowerOfTwoBuckets() {
    PrometheusMeterRegistry r = Metrics.newRegistry();
    DistributionSummary s = DistributionSummary.builder("test.group.size").publishPercentileHistogram().register(r);
    s.record(5);
    String scrape = r.scrape();
    assertEquals(Metrics.COUNTS.length + 1, lines(scrape, "test_group_size_bucket{"), scrape);
    assertTrue(scrape.contains("test_group_size_bucket{le=\"8.0\"} 1"), scrape);
  }
}
