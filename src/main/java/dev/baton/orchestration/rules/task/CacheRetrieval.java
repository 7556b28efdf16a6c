package dev.baton.orchestration.rules.task;

import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;

/**
 * Entering RUNNING with a {@code cache_key}: when the service found an unexpired cached state for
 * that key ({@code Facts.cacheHit}), REJECT into a fresh copy of it named "Cached". First in the task
 * policies, so cache hits bypass everything else (spec §5.2).
 */
public final class CacheRetrieval extends Rule {
  private static final TypeSet TO = TypeSet.of(StateType.RUNNING);

  @Override public TypeSet fromStates() { return TypeSet.ALL; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void before(RuleContext ctx) {
    State proposed = ctx.proposed();
    if (proposed == null || proposed.details().cacheKey() == null
        || Boolean.TRUE.equals(proposed.details().refreshCache())) {
      return;
    }
    State hit = ctx.facts().cacheHit();
    if (hit == null) {
      return;
    }
    ctx.reject(hit.freshCopy(ctx.newId(), ctx.now()).withName("Cached"), "Retrieved state from cache");
  }
}
