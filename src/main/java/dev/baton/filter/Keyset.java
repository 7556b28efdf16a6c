package dev.baton.filter;

import java.time.Instant;
import java.util.UUID;

/**
 * A position in the console's keyset order of runs, {@code expected_start_time DESC NULLS FIRST,
 * id DESC}: the run's expected start time ({@code null} for a run without one) and its id. A page
 * "after" a key holds the runs that come after it in that order.
 */
public record Keyset(Instant time, UUID id) {
  public Keyset {
    if (id == null) {
      throw new IllegalArgumentException("a keyset position needs an id");
    }
  }
}
