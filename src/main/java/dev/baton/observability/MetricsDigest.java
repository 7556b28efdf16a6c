package dev.baton.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last minutes of {@code /metrics}, one sample a second, for the operator console: the same
 * Micrometer meters Prometheus scrapes, read in-process (no text format, no HTTP). Each sample holds
 * the cumulative values of the orchestration outcomes ({@code baton_orchestration_outcomes_total}
 * by run kind, status and rule), the proposal-latency histograms ({@code
 * baton_orchestration_duration_seconds}, both run kinds), the load-shedding counters ({@code
 * baton_overload_rejected_total} by reason) and the events stored ({@code
 * baton_events_stored_total}); rates and quantiles are differences between samples, as PromQL's
 * {@code rate} and {@code histogram_quantile} compute them.
 *
 * <p>Not thread-safe: one owner samples and reads it (the console's live verticle).
 */
public final class MetricsDigest {
  /** Samples kept: five minutes. */
  public static final int KEEP = 301;

  /** The cumulative values at one moment. */
  record Sample(long atMillis, Map<String, Double> outcomes, double[] bucketBounds, double[] buckets, double latencyCount,
      Map<String, Double> overload, double events) {}

  /** Proposals answered in one second, by status, and their latency. */
  public record Point(long atMillis, double accepted, double rejected, double waited, double aborted, double events,
      double overloadRefused, Double p99Millis) {}

  /** A counter's total since start and its increase over the kept samples. */
  public record Count(String kind, String key, double total, double recent) {}

  /** What the console shows: per-second points, headline rates, p99 and the counts by rule and reason. */
  public record View(long atMillis, List<Point> points, double transitionsPerSecond, double eventsPerSecond,
      Double p99Millis, long recentSeconds, List<Count> byRule, List<Count> overload, double proposalsTotal) {}

  private final MeterRegistry registry;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();

  public MetricsDigest(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Reads the meters now. */
  public void sample(long nowMillis) {
    Map<String, Double> outcomes = new TreeMap<>();
    for (Counter c : registry.find("baton.orchestration.outcomes").counters()) {
      String key = c.getId().getTag("run_kind") + "|" + c.getId().getTag("status") + "|" + c.getId().getTag("rule");
      outcomes.merge(key, c.count(), Double::sum);
    }
    double[] bounds = null;
    double[] buckets = null;
    double latencyCount = 0;
    for (Timer t : registry.find("baton.orchestration.duration").timers()) {
      CountAtBucket[] cab = t.takeSnapshot().histogramCounts();
      if (bounds == null) {
        bounds = new double[cab.length];
        buckets = new double[cab.length];
        for (int i = 0; i < cab.length; i++) {
          bounds[i] = cab[i].bucket(java.util.concurrent.TimeUnit.MILLISECONDS);
        }
      }
      for (int i = 0; i < Math.min(cab.length, buckets.length); i++) {
        buckets[i] += cab[i].count();
      }
      latencyCount += t.count();
    }
    Map<String, Double> overload = new TreeMap<>();
    for (Counter c : registry.find("baton.overload.rejected").counters()) {
      overload.merge(c.getId().getTag("reason"), c.count(), Double::sum);
    }
    double events = 0;
    for (Counter c : registry.find("baton.events.stored").counters()) {
      events += c.count();
    }
    samples.addLast(new Sample(nowMillis, outcomes, bounds == null ? new double[0] : bounds,
        buckets == null ? new double[0] : buckets, latencyCount, overload, events));
    while (samples.size() > KEEP) {
      samples.removeFirst();
    }
  }

  /** The view over the kept samples; {@code p99Seconds} is the window of the headline p99 and rates. */
  public View view(int headlineSeconds) {
    List<Point> points = new ArrayList<>();
    Sample prev = null;
    for (Sample s : samples) {
      if (prev != null) {
        points.add(point(prev, s));
      }
      prev = s;
    }
    if (samples.isEmpty()) {
      return new View(0, points, 0, 0, null, 0, List.of(), List.of(), 0);
    }
    Sample last = samples.peekLast();
    Sample first = samples.peekFirst();
    Sample head = first;
    for (Iterator<Sample> it = samples.descendingIterator(); it.hasNext(); ) {
      Sample s = it.next();
      head = s;
      if (last.atMillis() - s.atMillis() >= headlineSeconds * 1000L) {
        break;
      }
    }
    double secs = Math.max(1e-3, (last.atMillis() - head.atMillis()) / 1000.0);
    double tps = head == last ? 0 : status(last, "ACCEPT") - status(head, "ACCEPT");
    double eps = head == last ? 0 : last.events() - head.events();
    Double p99 = head == last ? null : quantile(0.99, last, head);
    List<Count> byRule = new ArrayList<>();
    for (var e : last.outcomes().entrySet()) {
      String[] k = e.getKey().split("\\|", 3);
      if (k[1].equals("ACCEPT")) {
        continue;
      }
      byRule.add(new Count(k[0] + " " + k[1], k[2], e.getValue(), e.getValue() - first.outcomes().getOrDefault(e.getKey(), 0.0)));
    }
    byRule.sort((a, b) -> Double.compare(b.total(), a.total()));
    List<Count> overload = new ArrayList<>();
    for (var e : last.overload().entrySet()) {
      overload.add(new Count("overload", e.getKey(), e.getValue(), e.getValue() - first.overload().getOrDefault(e.getKey(), 0.0)));
    }
    overload.sort((a, b) -> Double.compare(b.total(), a.total()));
    double proposals = 0;
    for (double v : last.outcomes().values()) {
      proposals += v;
    }
    return new View(last.atMillis(), points, head == last ? 0 : tps / secs, head == last ? 0 : eps / secs, p99,
        (last.atMillis() - first.atMillis()) / 1000, byRule, overload, proposals);
  }

  private static Point point(Sample a, Sample b) {
    double secs = Math.max(1e-3, (b.atMillis() - a.atMillis()) / 1000.0);
    double overload = 0;
    for (var e : b.overload().entrySet()) {
      overload += e.getValue() - a.overload().getOrDefault(e.getKey(), 0.0);
    }
    return new Point(b.atMillis(), (status(b, "ACCEPT") - status(a, "ACCEPT")) / secs,
        (status(b, "REJECT") - status(a, "REJECT")) / secs, (status(b, "WAIT") - status(a, "WAIT")) / secs,
        (status(b, "ABORT") - status(a, "ABORT")) / secs, (b.events() - a.events()) / secs, overload / secs,
        quantile(0.99, b, a));
  }

  private static double status(Sample s, String status) {
    double n = 0;
    String mid = "|" + status + "|";
    for (var e : s.outcomes().entrySet()) {
      if (e.getKey().contains(mid)) {
        n += e.getValue();
      }
    }
    return n;
  }

  /**
   * The {@code q} quantile of the latencies recorded between {@code older} and {@code newer}, in
   * milliseconds, as Prometheus's {@code histogram_quantile} estimates it from cumulative buckets
   * (linear within the bucket; past the last bound, the last bound); null when nothing was recorded.
   */
  static Double quantile(double q, Sample newer, Sample older) {
    double total = newer.latencyCount() - older.latencyCount();
    if (total <= 0 || newer.bucketBounds().length == 0) {
      return null;
    }
    double[] bounds = newer.bucketBounds();
    double[] delta = new double[bounds.length];
    for (int i = 0; i < bounds.length; i++) {
      double before = i < older.buckets().length ? older.buckets()[i] : 0;
      delta[i] = newer.buckets()[i] - before;
    }
    return quantile(q, bounds, delta, total);
  }

  /** {@code histogram_quantile} over cumulative {@code counts} at {@code bounds} (ms) of {@code total} observations. */
  static Double quantile(double q, double[] bounds, double[] counts, double total) {
    if (total <= 0) {
      return null;
    }
    double rank = q * total;
    for (int i = 0; i < bounds.length; i++) {
      if (counts[i] >= rank) {
        double lower = i == 0 ? 0 : bounds[i - 1];
        double below = i == 0 ? 0 : counts[i - 1];
        double inBucket = counts[i] - below;
        return inBucket <= 0 ? bounds[i] : lower + (bounds[i] - lower) * (rank - below) / inBucket;
      }
    }
    return bounds.length == 0 ? null : bounds[bounds.length - 1];
  }
}
