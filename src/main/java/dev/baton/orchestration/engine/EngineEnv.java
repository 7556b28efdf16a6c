package dev.baton.orchestration.engine;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Everything the engine takes from outside that is not a fact about the run: the clock reading,
 * the id generator for server-built states, randomness (retry jitter) and settings.
 */
public record EngineEnv(
    Instant now,
    Supplier<UUID> ids,
    RandomGenerator random,
    OrchestrationSettings settings,
    StateValidator validator) {

  public EngineEnv {
    Objects.requireNonNull(now);
    Objects.requireNonNull(ids);
    Objects.requireNonNull(random);
    settings = settings == null ? OrchestrationSettings.DEFAULTS : settings;
    validator = validator == null ? StateValidator.NONE : validator;
  }
}
