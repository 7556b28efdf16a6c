package dev.baton.failure;

import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.persistence.SqlErrors;
import dev.baton.persistence.TaskRunIdConflictException;
import io.vertx.pgclient.PgException;

/**
 * Every failure mapped, in one place, to the closed set of {@link OrchestrationFailure}s that the
 * HTTP routes, the event bus and the typed client answer with ({@link #classify}); and what the
 * HTTP layer may learn about a failure that came from PostgreSQL without touching the SQL client:
 * for the log (what the database refused) and for metrics (why it was unavailable). The SQLSTATE
 * tests themselves stay in {@link SqlErrors}.
 */
public final class Failures {
  private Failures() {}

  /** What PostgreSQL said when it refused a statement. */
  public record Refusal(String sqlState, String constraint, String message) {}

  /**
   * The orchestration failure {@code t} is: itself when it is one already; a conflicting task-run id,
   * a unique or foreign-key violation → CONFLICT; a value PostgreSQL refused → INVALID_INPUT; a
   * connection, pool, timeout, deadlock or serialization failure → UNAVAILABLE; anything else →
   * INTERNAL. The texts are fixed: what PostgreSQL said goes to the log, not to the client.
   */
  public static OrchestrationException classify(Throwable t) {
    if (t instanceof OrchestrationException oe) {
      return oe;
    }
    if (t instanceof TaskRunIdConflictException) {
      return new OrchestrationException(OrchestrationFailure.CONFLICT, t.getMessage(), t);
    }
    if (SqlErrors.isRetryable(t)) {
      return unavailable(t);
    }
    if (SqlErrors.isUniqueViolation(t) || SqlErrors.isForeignKeyViolation(t)) {
      return new OrchestrationException(OrchestrationFailure.CONFLICT,
          "Data integrity conflict. This usually means a unique or foreign key constraint was violated. See server logs for details.", t);
    }
    if (SqlErrors.isInvalidValue(t)) {
      return new OrchestrationException(OrchestrationFailure.INVALID_INPUT,
          "Invalid request: a value was refused by the database. See server logs for details.", t);
    }
    return new OrchestrationException(OrchestrationFailure.INTERNAL, "Internal Server Error", t);
  }

  /** UNAVAILABLE ("Service Unavailable"): retrying later can help. */
  public static OrchestrationException unavailable(Throwable cause) {
    return new OrchestrationException(OrchestrationFailure.UNAVAILABLE, "Service Unavailable", cause);
  }

  /** The refusal behind {@code t} (anywhere in its causes), or null when PostgreSQL refused nothing. */
  public static Refusal refusal(Throwable t) {
    PgException pg = SqlErrors.pgException(t);
    return pg == null ? null : new Refusal(pg.getSqlState(), pg.getConstraint(), pg.getErrorMessage());
  }

  /**
   * Why a retryable failure happened, as a short metrics label ({@code statement_timeout},
   * {@code pool_wait_queue}, …), or null when {@code t} is not retryable.
   */
  public static String retryableReason(Throwable t) {
    return SqlErrors.retryableReason(t);
  }
}
