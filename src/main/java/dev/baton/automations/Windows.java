package dev.baton.automations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.automations.Triggers.EventTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The window ("bucket") algorithm of an event trigger (spec/automations.md §2.3–§2.5), on buckets
 * held by a {@link BucketTable}: there is at most one open window per trigger and bucketing key;
 * an event counts in the window it falls in, a reactive trigger fires as soon as its count meets the
 * threshold, a proactive one when its window ends short of it. Pure: the caller loads the buckets
 * it may touch (locked, in one transaction) and writes back what changed.
 */
final class Windows {
  /** How far back a first window opens, so out-of-order earlier events still count (Prefect: 15 min). */
  static final Duration PRECEDING_EVENT_LOOKBACK = Duration.ofMinutes(15);

  private Windows() {}

  /** A window: the trigger's count of expected events between {@code start} and {@code end}. */
  record Bucket(List<String> key, Instant start, Instant end, int count, JsonNode lastEvent) {
    Bucket withCount(int c, JsonNode last) {
      return new Bucket(key, start, end, c, last == null ? lastEvent : last);
    }
  }

  /** The buckets of the transaction: read, upserted, removed. */
  interface BucketTable {
    Bucket read(EventTrigger t, List<String> key);

    void write(EventTrigger t, Bucket b);

    void remove(EventTrigger t, List<String> key);
  }

  /** A trigger that fired: its triggering labels and event (JSON, or null). */
  record Fired(EventTrigger trigger, Map<String, String> labels, JsonNode event) {}

  /** Receives firings. */
  interface Firings {
    void fired(Fired f);
  }

  /**
   * An event for a trigger that covers it: arms or reads the window of its key, then evaluates it
   * at the event's time ({@code occurred}).
   */
  static void react(EventTrigger t, BucketTable table, List<String> key, String name, Instant occurred,
      JsonNode event, Firings firings) {
    Bucket bucket = null;
    boolean expects = t.expects(name);
    if (!t.after().isEmpty() && t.startsAfter(name)) {
      // an event both after and expected starts its window at -1: it counts itself out
      bucket = ensure(t, table, key, occurred, occurred.plus(t.within()), event, expects ? -1 : 0);
    }
    if (bucket == null && t.after().isEmpty() && expects) {
      bucket = ensure(t, table, key, occurred.minus(PRECEDING_EVENT_LOOKBACK), occurred.plus(t.within()), event, 0);
    }
    if (!expects) {
      return;
    }
    if (bucket == null) {
      bucket = table.read(t, key);
      if (bucket == null) {
        return;
      }
    }
    evaluate(t, table, bucket, occurred, event, firings);
  }

  /** An existing window is kept (only its last event updated); else a new one is written. */
  private static Bucket ensure(EventTrigger t, BucketTable table, List<String> key, Instant start, Instant end,
      JsonNode event, int initialCount) {
    Bucket existing = table.read(t, key);
    Bucket b = existing != null ? existing.withCount(existing.count(), event)
        : new Bucket(key, start, end, initialCount, event);
    table.write(t, b);
    return b;
  }

  /**
   * Evaluates a window at {@code now}, for an event ({@code event} non-null: counts one) or
   * proactively (null). Returns the window that is open afterwards, or null.
   */
  static Bucket evaluate(EventTrigger t, BucketTable table, Bucket bucket, Instant now, JsonNode event,
      Firings firings) {
    int count = event != null ? 1 : 0;
    if (now.isBefore(bucket.start())) {
      return bucket; // late or redundant: ignored
    }
    if (count > 0 && (t.immediate() || (!now.isBefore(bucket.start()) && now.isBefore(bucket.end())))) {
      bucket = bucket.withCount(bucket.count() + count, event);
      table.write(t, bucket);
      count = 0;
    }
    boolean ready = !t.proactive() || !bucket.end().isAfter(now);
    boolean meets = t.meetsThreshold(bucket.count());
    if (ready && meets) {
      Map<String, String> labels = new LinkedHashMap<>();
      for (int i = 0; i < t.forEach().size(); i++) {
        labels.put(t.forEach().get(i), bucket.key().get(i));
      }
      firings.fired(new Fired(t, labels, event != null ? event : bucket.lastEvent()));
      table.remove(t, bucket.key());
    } else if (now.isBefore(bucket.end())) {
      // a proactive heartbeat (an event both after and expected) restarts the window from itself
      if (event != null && t.proactive() && !meets && t.startsAfter(name(event)) && t.expects(name(event))) {
        table.remove(t, bucket.key());
        Instant at = occurred(event, now);
        Bucket fresh = new Bucket(bucket.key(), at, at.plus(t.within()), 0, event);
        table.write(t, fresh);
        return fresh;
      }
      return bucket;
    }
    // the window is over (or just fired)
    if (!t.after().isEmpty()) {
      table.remove(t, bucket.key());
      return null; // re-armed by the next `after` event only
    }
    if (t.within().isZero()) {
      return null;
    }
    Instant start = bucket.end().isAfter(now) ? bucket.end() : now;
    Instant end = start.plus(t.within());
    if (!t.proactive() && count > 0) {
      // an event from a later window: it may fire that one
      Bucket next = new Bucket(bucket.key(), start, end, 0, null);
      table.write(t, next);
      return evaluate(t, table, next, now, event, firings);
    }
    Bucket next = new Bucket(bucket.key(), start, end, count, null);
    table.write(t, next);
    return next;
  }

  /**
   * A proactive trigger's periodic pass at {@code asOf}: with no for_each its single window is
   * ensured; satisfied windows are dropped; every other window is evaluated (those past their end
   * short of the threshold fire). Returns when it should run again.
   */
  static Instant proactive(EventTrigger t, BucketTable table, List<Bucket> buckets, Instant asOf, Firings firings) {
    return proactive(t, table, buckets, asOf, null, firings);
  }

  /**
   * {@link #proactive(EventTrigger, BucketTable, List, Instant, Firings)} given only some of the
   * trigger's windows: the others are known to be unsatisfied and open at {@code asOf} (evaluating
   * them would change nothing), and {@code laterEnd} is the earliest end among them (null: none).
   */
  static Instant proactive(EventTrigger t, BucketTable table, List<Bucket> buckets, Instant asOf, Instant laterEnd,
      Firings firings) {
    Instant runAgain = asOf.plus(t.within());
    if (laterEnd != null && asOf.isBefore(laterEnd) && laterEnd.isBefore(runAgain)) {
      runAgain = laterEnd;
    }
    if (t.forEach().isEmpty() && buckets.stream().noneMatch(b -> b.key().isEmpty())) {
      Bucket b = new Bucket(List.of(), asOf, asOf.plus(t.within()), 0, null);
      table.write(t, b);
      buckets = new java.util.ArrayList<>(buckets);
      buckets.add(b);
    }
    for (Bucket b : buckets) {
      if (b.count() >= t.threshold()) {
        table.remove(t, b.key()); // satisfied
        continue;
      }
      Bucket next = evaluate(t, table, b, asOf, null, firings);
      if (next != null && asOf.isBefore(next.end()) && next.end().isBefore(runAgain)) {
        runAgain = next.end();
      }
    }
    return runAgain;
  }

  private static String name(JsonNode event) {
    return event.path("event").asText();
  }

  private static Instant occurred(JsonNode event, Instant fallback) {
    JsonNode o = event.get("occurred");
    try {
      return o == null ? fallback : Instant.parse(o.asText());
    } catch (RuntimeException e) {
      return fallback;
    }
  }
}
