package dev.baton.observability;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The last {@link #CAPACITY} set-state proposals this instance answered with something else than
 * ACCEPT — REJECT, WAIT, ABORT — with the rule that decided and its reason, for the console's run
 * timeline: the state history keeps only written states, so the rule behind a refusal is known
 * nowhere else. In memory, per instance, lost on restart (docs/console.md); a fixed ring, so its
 * cost per refused proposal is one short synchronized store.
 */
public final class Decisions {
  public static final int CAPACITY = 10_000;

  /** One refused proposal. */
  public record Decision(Instant at, String runKind, UUID runId, String proposed, String status, String rule,
      String reason, String stateType, String stateName) {}

  private final Decision[] ring = new Decision[CAPACITY];
  private long next;

  public synchronized void add(Decision d) {
    ring[(int) (next++ % CAPACITY)] = d;
  }

  /** The kept decisions about {@code runId}, oldest first. */
  public List<Decision> forRun(UUID runId) {
    Decision[] copy;
    long n;
    synchronized (this) {
      copy = ring.clone();
      n = next;
    }
    List<Decision> out = new ArrayList<>();
    long from = Math.max(0, n - CAPACITY);
    for (long i = from; i < n; i++) {
      Decision d = copy[(int) (i % CAPACITY)];
      if (d != null && d.runId().equals(runId)) {
        out.add(d);
      }
    }
    return out;
  }

  /** How many were ever added (the oldest are gone once past {@link #CAPACITY}). */
  public synchronized long added() {
    return next;
  }
}
