package dev.baton.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.IntSupplier;

/**
 * Load shedding made visible: {@code baton_overload_rejected_total{reason}} counts every request
 * or proposal refused with 503 because a bound was reached, a timeout or deadline passed, or the
 * server is draining; gauges show the work in flight against its bound.
 */
public final class OverloadMetrics {
  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counter> rejected = new ConcurrentHashMap<>();

  /** @param registry where to register, or null for none (the counts are then not kept) */
  public OverloadMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** One request or proposal refused for {@code reason} (e.g. {@code http_in_flight}, {@code deadline}). */
  public void rejected(String reason) {
    if (registry == null || reason == null) {
      return;
    }
    rejected.computeIfAbsent(reason, r -> Counter.builder("baton.overload.rejected")
        .description("Requests and proposals refused with 503 (bound reached, timeout, deadline, draining), by reason")
        .tag("reason", r)
        .register(registry)).increment();
  }

  /** A gauge {@code baton_<name>} reading {@code value}. */
  public void gauge(String name, String description, IntSupplier value) {
    if (registry != null) {
      Gauge.builder("baton." + name, value::getAsInt).description(description).register(registry);
    }
  }

  /** The count for {@code reason} so far (0 when never counted or without a registry). */
  public double count(String reason) {
    Counter c = rejected.get(reason);
    return c == null ? 0 : c.count();
  }
}
