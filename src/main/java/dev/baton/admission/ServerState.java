package dev.baton.admission;

import java.util.concurrent.atomic.AtomicBoolean;
import dev.baton.Baton;

/**
 * What every verticle of one Baton instance must agree on at run time: whether it is draining
 * (shutting down). Once draining, new HTTP requests and new proposals are answered 503 with
 * {@code Retry-After}; work already accepted finishes. Readiness reports the same flag.
 */
public final class ServerState {
  private final AtomicBoolean draining = new AtomicBoolean();

  public boolean draining() {
    return draining.get();
  }

  /** Starts draining; false when it had already started. */
  public boolean startDraining() {
    return draining.compareAndSet(false, true);
  }
}
