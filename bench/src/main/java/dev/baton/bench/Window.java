package dev.baton.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The measured window on the {@link System#nanoTime()} clock. A request belongs to it when its
 * intended send time is in [start, end); such requests are waited for (however long they take) and
 * are the only ones recorded. The end moves earlier if a scenario runs out of pre-created runs.
 */
final class Window {
  final long origin;
  final long start;
  private final AtomicLong end;
  private final AtomicLong exhaustedAt = new AtomicLong(Long.MAX_VALUE);

  Window(long origin, long warmupNanos, long durationNanos) {
    this.origin = origin;
    this.start = origin + warmupNanos;
    this.end = new AtomicLong(start + durationNanos);
  }

  long end() {
    return end.get();
  }

  boolean contains(long intended) {
    return intended >= start && intended < end.get();
  }

  /** No more runs to work on: the window closes now. */
  void exhausted(long now) {
    exhaustedAt.accumulateAndGet(now, Math::min);
    end.accumulateAndGet(Math.max(now, start), Math::min);
  }

  boolean wasExhausted() {
    return exhaustedAt.get() != Long.MAX_VALUE;
  }

  /** Exhausted before the window even opened: nothing valid was measured. */
  boolean exhaustedBeforeStart() {
    return exhaustedAt.get() <= start;
  }

  double seconds() {
    return (end.get() - start) / 1e9;
  }
}
