package dev.baton.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Latencies, counts and errors per request kind. One instance per event loop (never shared
 * between threads while measuring); the instances are merged once every worker has stopped.
 */
final class Stats {
  /** 1 µs resolution, up to 5 minutes, 3 significant digits. */
  private static final long HIGHEST_US = TimeUnit.MINUTES.toMicros(5);
  private static final int MAX_ERROR_SAMPLES = 20;

  static final class Kind {
    final Histogram histogram = new Histogram(1, HIGHEST_US, 3);
    long ok;
    long errors;
    final Map<String, Long> errorsByCause = new LinkedHashMap<>();
  }

  final Map<String, Kind> kinds = new LinkedHashMap<>();
  final List<String> errorSamples = new ArrayList<>();
  long transitions;
  long lifecycles;
  /** Expected WAIT answers (contended): no state written, not errors, not transitions. */
  long waits;

  Kind kind(String name) {
    return kinds.computeIfAbsent(name, k -> new Kind());
  }

  void ok(String kind, long latencyNanos) {
    Kind k = kind(kind);
    k.ok++;
    k.histogram.recordValue(Math.max(1, Math.min(HIGHEST_US, latencyNanos / 1000)));
    transitions++;
  }

  /** An expected WAIT answer to {@code kind}: timed under its own kind "<kind> → WAIT". */
  void waited(String kind, long latencyNanos) {
    Kind k = kind(kind + " → WAIT");
    k.ok++;
    k.histogram.recordValue(Math.max(1, Math.min(HIGHEST_US, latencyNanos / 1000)));
    waits++;
  }

  void error(String kind, String cause, String sample) {
    Kind k = kind(kind);
    k.errors++;
    k.errorsByCause.merge(cause, 1L, Long::sum);
    if (errorSamples.size() < MAX_ERROR_SAMPLES) {
      errorSamples.add(kind + ": " + sample);
    }
  }

  long errors() {
    return kinds.values().stream().mapToLong(k -> k.errors).sum();
  }

  void mergeFrom(Stats other) {
    other.kinds.forEach((name, o) -> {
      Kind k = kind(name);
      k.histogram.add(o.histogram);
      k.ok += o.ok;
      k.errors += o.errors;
      o.errorsByCause.forEach((c, n) -> k.errorsByCause.merge(c, n, Long::sum));
    });
    for (String s : other.errorSamples) {
      if (errorSamples.size() < MAX_ERROR_SAMPLES) {
        errorSamples.add(s);
      }
    }
    transitions += other.transitions;
    lifecycles += other.lifecycles;
    waits += other.waits;
  }

  static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  /** Lifecycle order: create, then PENDING, PAUSED, resume, RUNNING, COMPLETED. */
  static int rank(String kind) {
    String[] order = {"create", "PENDING", "PAUSED", "resume", "RUNNING", "COMPLETED"};
    for (int i = 0; i < order.length; i++) {
      if (kind.contains(order[i])) {
        return i;
      }
    }
    return order.length;
  }

  JsonObject kindsJson(double seconds) {
    JsonObject out = new JsonObject();
    List<String> names = new ArrayList<>(kinds.keySet());
    names.sort(java.util.Comparator.comparingInt(Stats::rank).thenComparing(n -> n));
    names.forEach(name -> {
      Kind k = kinds.get(name);
      Histogram h = k.histogram;
      JsonObject j = new JsonObject()
          .put("count", k.ok)
          .put("errors", k.errors)
          .put("per_second", round2(k.ok / seconds));
      if (h.getTotalCount() > 0) {
        j.put("p50_ms", ms(h.getValueAtPercentile(50)))
            .put("p90_ms", ms(h.getValueAtPercentile(90)))
            .put("p99_ms", ms(h.getValueAtPercentile(99)))
            .put("p999_ms", ms(h.getValueAtPercentile(99.9)))
            .put("max_ms", ms(h.getMaxValue()))
            .put("mean_ms", Math.round(h.getMean() / 10.0) / 100.0);
      }
      if (!k.errorsByCause.isEmpty()) {
        JsonObject causes = new JsonObject();
        k.errorsByCause.forEach(causes::put);
        j.put("error_causes", causes);
      }
      out.put(name, j);
    });
    return out;
  }

  /** All transition kinds together (WAIT answers left out), for the headline latency. */
  Histogram all() {
    Histogram h = new Histogram(1, HIGHEST_US, 3);
    kinds.forEach((name, k) -> {
      if (!name.endsWith(" → WAIT")) {
        h.add(k.histogram);
      }
    });
    return h;
  }

  JsonArray errorSamplesJson() {
    return new JsonArray(new ArrayList<>(errorSamples));
  }

  static double round2(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
