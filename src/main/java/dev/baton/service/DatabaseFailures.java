package dev.baton.service;

import dev.baton.persistence.SqlErrors;
import io.vertx.pgclient.PgException;

/**
 * What the HTTP layer may learn about a failure that came from PostgreSQL, without touching the
 * SQL client: for the log (what the database refused) and for metrics (why it was unavailable).
 * The classification itself stays in {@link SqlErrors}.
 */
public final class DatabaseFailures {
  private DatabaseFailures() {}

  /** What PostgreSQL said when it refused a statement. */
  public record Refusal(String sqlState, String constraint, String message) {}

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
