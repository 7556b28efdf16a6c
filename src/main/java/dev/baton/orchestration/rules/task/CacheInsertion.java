package dev.baton.orchestration.rules.task;

import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;

/**
 * A written COMPLETED state with a {@code cache_key} becomes a cache entry. Quirk kept (spec §8.3):
 * an over-long key is "rejected" into the very same proposal, which is still written and still
 * cached; only the status (REJECT) and reason tell the client.
 */
public final class CacheInsertion extends Rule {
  private static final TypeSet TO = TypeSet.of(StateType.COMPLETED);

  @Override public TypeSet fromStates() { return TypeSet.ALL; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void before(RuleContext ctx) {
    State proposed = ctx.proposed();
    if (proposed == null) {
      return;
    }
    String key = proposed.details().cacheKey();
    int max = ctx.settings().maxCacheKeyLength();
    if (key != null && key.codePointCount(0, key.length()) > max) {
      ctx.reject(proposed, "Cache key exceeded maximum allowed length of " + max + " characters.");
    }
  }

  @Override
  public void after(RuleContext ctx) {
    State validated = ctx.validated();
    if (validated == null || validated.details().cacheKey() == null) {
      return;
    }
    ctx.emit(new Effect.InsertCacheEntry(validated.details().cacheKey(),
        validated.details().cacheExpiration(), validated.id()));
  }
}
