package dev.baton.orchestration.bus;

import dev.baton.admission.ServerState;
import dev.baton.admission.InFlightLimiter;
import dev.baton.observability.OverloadMetrics;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.persistence.SqlErrors;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import dev.baton.failure.Failures;

/**
 * The overload bound of the typed event-bus API: a command is admitted only while the server is
 * not draining, its deadline has not passed and a place in flight (shared with set-state and
 * resume proposals) is free; otherwise it is answered UNAVAILABLE at once, nothing queued and
 * nothing written.
 */
final class BusAdmission {
  private final InFlightLimiter inFlight;
  private final ServerState state;
  private final OverloadMetrics overload;

  BusAdmission(InFlightLimiter inFlight, ServerState state, OverloadMetrics overload) {
    this.inFlight = inFlight;
    this.state = state;
    this.overload = overload;
  }

  /** Takes a place in flight, or answers UNAVAILABLE (draining, past its deadline, bound reached). */
  boolean admit(Message<?> msg, boolean deadlinePassed) {
    String refused = state.draining() ? "draining"
        : deadlinePassed ? "deadline"
        : !inFlight.tryAcquire() ? "orchestration_in_flight"
        : null;
    if (refused == null) {
      return true;
    }
    overload.rejected(refused);
    msg.fail(OrchestrationFailure.UNAVAILABLE.code(), "Service Unavailable");
    return false;
  }

  /** Answers an admitted command with its result or its classified failure, and frees its place. */
  <T> void reply(Message<?> msg, Future<T> result) {
    result.onComplete(ar -> {
      inFlight.release();
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        OrchestrationException e = Failures.classify(ar.cause());
        if (e.failure() == OrchestrationFailure.UNAVAILABLE) {
          Throwable root = e.getCause() != null ? e.getCause() : ar.cause();
          overload.rejected(Deadline.isExceeded(ar.cause()) ? "deadline" : SqlErrors.retryableReason(root));
        }
        msg.fail(e.failure().code(), e.getMessage());
      }
    });
  }
}
