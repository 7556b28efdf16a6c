package dev.baton.orchestration.rules.common;

import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;
import java.time.Instant;

/** SCHEDULED/PENDING → RUNNING: WAIT while the initial state's scheduled time is in the future. */
public final class WaitForScheduledTime extends Rule {
  private static final TypeSet FROM = TypeSet.of(StateType.SCHEDULED, StateType.PENDING);
  private static final TypeSet TO = TypeSet.of(StateType.RUNNING);

  @Override public TypeSet fromStates() { return FROM; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void before(RuleContext ctx) {
    State initial = ctx.initial();
    if (initial == null || ctx.proposed() == null) {
      return;
    }
    Instant scheduled = initial.details().scheduledTime();
    if (scheduled == null) {
      return;
    }
    int delay = delaySeconds(Times.microsBetween(ctx.now(), scheduled));
    if (delay > 0) {
      ctx.delay(delay, "Scheduled time is in the future");
    }
  }

  /**
   * Whole seconds of {@code micros}, rounded to nearest with an exact half rounding down (floor of
   * the seconds plus the rounded fraction, the fraction being in [0, 1)).
   */
  static int delaySeconds(long micros) {
    long whole = Math.floorDiv(micros, 1_000_000L);
    long frac = Math.floorMod(micros, 1_000_000L);
    long d = whole + (frac > 500_000L ? 1 : 0);
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, d));
  }
}
