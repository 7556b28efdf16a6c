package dev.baton.orchestration.engine;

import dev.baton.domain.State;

/**
 * The engine's validation step: last check of a proposal before it is written. A
 * {@link RetryableException} propagates (the request is answered 503); any other exception turns the
 * result into ABORT "Error validating state: …" with nothing written.
 */
@FunctionalInterface
public interface StateValidator {
  StateValidator NONE = (state, run) -> {};

  void validate(State proposed, RunDraft run);

  /** A transient failure: the whole request may be retried. */
  class RetryableException extends RuntimeException {
    public RetryableException(String message) {
      super(message);
    }
  }
}
