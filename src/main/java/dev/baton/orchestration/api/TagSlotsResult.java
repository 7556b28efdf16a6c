package dev.baton.orchestration.api;

import java.util.List;

/**
 * The answer to a v1 tag increment ({@code POST /api/concurrency_limits/increment}): the limits
 * whose slots the task run took (v2 ones by tag, then legacy rows), or a refusal — nothing written
 * but the denial — with its text and, when retrying can help, after how many seconds.
 */
public record TagSlotsResult(List<SlotsResult.Limit> taken, String refusal, Double retryAfterSeconds) {
  public TagSlotsResult {
    taken = taken == null ? List.of() : List.copyOf(taken);
  }

  public static TagSlotsResult taken(List<SlotsResult.Limit> taken) {
    return new TagSlotsResult(taken, null, null);
  }

  public static TagSlotsResult refused(String refusal, Double retryAfterSeconds) {
    return new TagSlotsResult(List.of(), refusal, retryAfterSeconds);
  }

  public boolean acquired() {
    return refusal == null;
  }
}
