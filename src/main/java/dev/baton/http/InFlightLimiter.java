package dev.baton.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A shared bound on work in flight (the HTTP requests of all HTTP verticle instances; the
 * proposals of all orchestration verticles): past it, work is refused at once (503 with
 * {@code Retry-After}) instead of queueing without limit. Thread-safe.
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

  public int max() {
    return max;
  }

  public int inFlight() {
    return inFlight.get();
  }
}
