package dev.baton.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;

/**
 * The Prometheus registry with Baton's bucket layout. Micrometer's percentile histograms publish
 * about 70 buckets per series (276 for byte sizes), which made {@code /metrics} 1.5 MB after a few
 * dozen requests; operators use latency percentiles per route and outcome, which a fixed set of
 * 13 latency buckets serves (histogram_quantile over them), and only totals of request and
 * response sizes.
 */
public final class Metrics {
  /** Latency buckets, seconds: 1 ms … 10 s, roughly 1-2.5-5 per decade. */
  static final double[] LATENCY_SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  /** Buckets of counted distributions (e.g. group sizes): powers of two up to 1,024. */
  static final double[] COUNTS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  private Metrics() {}

  /** A new registry whose timers and summaries use Baton's buckets. */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(BUCKETS);
    return registry;
  }

  static final MeterFilter BUCKETS = new MeterFilter() {
    @Override
    public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
      double[] slos;
      if (id.getType() == Meter.Type.TIMER || id.getType() == Meter.Type.LONG_TASK_TIMER) {
        slos = Arrays.stream(LATENCY_SECONDS).map(s -> s * 1e9).toArray(); // timers record nanoseconds
      } else if (id.getType() == Meter.Type.DISTRIBUTION_SUMMARY && !id.getName().endsWith(".bytes")) {
        slos = COUNTS;
      } else {
        slos = null; // sizes in bytes: count, sum and max only
      }
      return DistributionStatisticConfig.builder()
          .percentilesHistogram(false)
          .percentiles(new double[0])
          .serviceLevelObjectives(slos)
          .build()
          .merge(config);
    }
  };
}
