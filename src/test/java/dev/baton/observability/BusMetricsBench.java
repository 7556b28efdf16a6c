package dev.baton.observability;

import static dev.baton.testsupport.Await.await;

import dev.baton.orchestration.api.LocalCodec;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.EnumSet;

/**
 * Not a test: process CPU per event-bus request/reply (local codec, a send timeout, as
 * {@code OrchestrationClient} sends a proposal) with Vert.x's Micrometer metrics as {@code Main}
 * configures them, with and without the event-bus metrics domain (bench/README.md, "CPU per
 * set_state"). {@code java -cp target/baton.jar:target/test-classes dev.baton.observability.BusMetricsBench}
 */
public final class BusMetricsBench {
  private BusMetricsBench() {}

  record Msg(long n) {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    for (int round = 0; round < 6; round++) {
      for (boolean busMetrics : new boolean[] {true, false}) {
        double us = run(busMetrics, n);
        if (round >= 2) {
          System.out.printf("round %d, event-bus metrics %s: %.2f us CPU per request/reply%n", round,
              busMetrics ? "on " : "off", us);
        }
      }
    }
  }

  private static double run(boolean busMetrics, int n) throws Exception {
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE, Label.POOL_NAME))
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
    if (!busMetrics) {
      metrics.addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
    }
    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1).setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
    try {
      vertx.eventBus().registerDefaultCodec(Msg.class, new LocalCodec<>(Msg.class));
      await(vertx.eventBus().<Msg>localConsumer("bench.address", m -> m.reply(m.body()))
          .completion(), Duration.ofSeconds(10));
      DeliveryOptions options = new DeliveryOptions().setSendTimeout(12_000).setLocalOnly(true);
      // warm-up, then the measured run, each a chain of n sequential requests on the event loop
      await(chain(vertx, options, n), Duration.ofSeconds(120));
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long t0 = os.getProcessCpuTime();
      await(chain(vertx, options, n), Duration.ofSeconds(120));
      return (os.getProcessCpuTime() - t0) / 1e3 / n;
    } finally {
      await(vertx.close(), Duration.ofSeconds(30));
    }
  }

  private static Future<Void> chain(Vertx vertx, DeliveryOptions options, int n) {
    Promise<Void> done = Promise.promise();
    vertx.runOnContext(v -> next(vertx, options, n, done));
    return done.future();
  }

  private static void next(Vertx vertx, DeliveryOptions options, int left, Promise<Void> done) {
    if (left == 0) {
      done.complete();
      return;
    }
    vertx.eventBus().<Msg>request("bench.address", new Msg(left), options).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
      } else {
        next(vertx, options, left - 1, done);
      }
    });
  }
}
