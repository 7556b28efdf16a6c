package dev.baton.admission;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A shared bound on work in flight (the HTTP requests of all HTTP verticle instances; the
 * proposals of all orchestration verticles): past it, work is refused at once (503 with
 * {@code Retry-After}) instead of queueing without limit. Thread-safe.
 *
 * <p>It also derives the {@code Retry-After} of its refusals from what it sees (see
 * {@link #retryAfterSeconds()}): the expected wait for a place, so that refused clients come back
 * spread over about the time it takes for places to free up instead of all within a second.
 */
public final class InFlightLimiter {
  /** The longest {@code Retry-After} given (seconds). */
  public static final int MAX_RETRY_AFTER_SECONDS = 10;
  /** How often the expected wait is re-estimated. */
  private static final long WINDOW_NANOS = 1_000_000_000L;

  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder admitted = new LongAdder();
  private final LongAdder refused = new LongAdder();
  /** clock time of the last refusal (meaningful once everRefused) */
  private volatile long lastRefusal;
  private volatile boolean everRefused;
  private final LongSupplier clock;
  private final AtomicLong windowStart;
  /** Written only by the thread that won the window (volatile: the next winner may be another). */
  private volatile long admittedBefore;
  private volatile long refusedBefore;
  /** The smoothed expected wait for a place, in seconds (≥ 1). */
  private volatile double expectedWait = 1.0;

  public InFlightLimiter(int max) {
    this(max, System::nanoTime);
  }

  /** @param clock nanoseconds, as {@link System#nanoTime()} (tests pass their own) */
  InFlightLimiter(int max, LongSupplier clock) {
    this.max = max;
    this.clock = clock;
    this.windowStart = new AtomicLong(clock.getAsLong());
  }

  public boolean tryAcquire() {
    int n = inFlight.incrementAndGet();
    if (n > max) {
      inFlight.decrementAndGet();
      refused();
      return false;
    }
    admitted.increment();
    return true;
  }

  /** Whether every place is taken right now (a hint: a place may free up at any moment). */
  public boolean full() {
    return inFlight.get() >= max;
  }

  /** Counts a refusal decided without {@link #tryAcquire()} (because {@link #full()}). */
  public void refused() {
    refused.increment();
    lastRefusal = clock.getAsLong();
    everRefused = true;
  }

  /** Whether work was refused for lack of a place within the last {@code nanos}. */
  public boolean refusedWithin(long nanos) {
    return everRefused && clock.getAsLong() - lastRefusal < nanos;
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

  /**
   * The {@code Retry-After} (whole seconds, 1..{@value #MAX_RETRY_AFTER_SECONDS}) for a refusal now.
   *
   * <p>Once a second the expected wait for a place is estimated as: clients waiting to come back
   * ≈ refusals per second × the wait they were told (Little's law), divided by the places handed
   * out per second. It is smoothed (half old, half new) and kept within 1..max. So while refusals
   * outnumber admissions the wait grows, and when they fall below it shrinks back towards 1; after
   * a second without refusals it is 1. The estimate is given as a whole number of seconds rounded up or down at
   * random in proportion to its fraction (2.3 s: 2 for 70 %, 3 for 30 % of refusals), so that the
   * mean is the estimate and clients are spread over both seconds.
   */
  public int retryAfterSeconds() {
    long now = clock.getAsLong();
    long start = windowStart.get();
    if (now - start >= WINDOW_NANOS && windowStart.compareAndSet(start, now)) {
      reestimate((now - start) / 1e9);
    }
    double w = expectedWait;
    int whole = (int) w;
    return Math.min(MAX_RETRY_AFTER_SECONDS, whole + (ThreadLocalRandom.current().nextDouble() < w - whole ? 1 : 0));
  }

  /** The expected wait for a place as last estimated, in ms (1000..10000): a gauge. */
  public int expectedWaitMillis() {
    return (int) Math.round(expectedWait * 1000);
  }

  /** Only the thread that won the window's compare-and-set runs this, once per window. */
  private void reestimate(double seconds) {
    long a = admitted.sum();
    long r = refused.sum();
    double admittedPerS = (a - admittedBefore) / seconds;
    double refusedPerS = (r - refusedBefore) / seconds;
    admittedBefore = a;
    refusedBefore = r;
    double told = expectedWait;
    if (refusedPerS == 0) {
      expectedWait = 1.0;
      return;
    }
    double estimate;
    if (admittedPerS == 0) {
      estimate = told * 2;
    } else {
      estimate = refusedPerS * told / admittedPerS;
    }
    expectedWait = Math.max(1.0, Math.min(MAX_RETRY_AFTER_SECONDS, (told + estimate) / 2));
  }
}
