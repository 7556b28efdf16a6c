package dev.baton.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the proposals in flight across all HTTP verticle instances: past the bound, requests are
 * answered 503 with {@code Retry-After} instead of queueing without limit.
 */
public final class InFlightLimiter {
  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  public InFlightLimiter(int max) {
    this.max = max;
  }

  public boolean tryAcquire() {
    int n = inFlight.incrementAndGet();
    if (n > max) {
      inFlight.decrementAndGet();
      return false;
    }
    return true;
  }

  public void release() {
    inFlight.decrementAndGet();
  }

  public int inFlight() {
    return inFlight.get();
  }
}
