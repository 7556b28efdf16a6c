package dev.baton.persistence;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;

/** The one place where PostgreSQL failures are classified (SQLSTATE → what the caller does). */
public final class SqlErrors {

  public enum Kind {
    /** 23505: a unique constraint; the API answers 409 (or treats it as "already exists"). */
    UNIQUE_VIOLATION,
    /** 23503: a referenced row is missing; 409 or 404 depending on the endpoint. */
    FOREIGN_KEY_VIOLATION,
    /**
     * A value the database refuses to store (a NUL or invalid character, too long a string, a
     * number or date out of range, a check constraint): bad input that validation let through;
     * the API answers 422 with a fixed text.
     */
    INVALID_VALUE,
    /**
     * Serialization failure, deadlock, lost/refused connection, shutdown, too many connections, a
     * timeout of ours (statement_timeout, lock_timeout, idle-in-transaction timeout), the pool's
     * wait queue full or the pool closed (shutdown): 503, nothing committed by this transaction.
     */
    RETRYABLE,
    /** Anything else: 500. */
    INTERNAL
  }

  private SqlErrors() {}

  public static Kind classify(Throwable t) {
    PgException pg = pgException(t);
    if (pg != null) {
      return classify(pg.getSqlState());
    }
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ClosedConnectionException || c instanceof IOException
          || c instanceof ConnectionPoolTooBusyException || isPoolClosed(c)
          || (c instanceof VertxException && String.valueOf(c.getMessage()).contains("Timeout"))) {
        return Kind.RETRYABLE;
      }
    }
    return Kind.INTERNAL;
  }

  public static Kind classify(String sqlState) {
    if (sqlState == null) {
      return Kind.INTERNAL;
    }
    return switch (sqlState) {
      case "23505" -> Kind.UNIQUE_VIOLATION;
      case "23503" -> Kind.FOREIGN_KEY_VIOLATION;
      case "22P05", "22021", "22001", "22003", "22007", "22008", "23514" -> Kind.INVALID_VALUE;
      // 57014 query_canceled (statement_timeout), 55P03 lock_not_available (lock_timeout),
      // 25P03 idle_in_transaction_session_timeout: the transaction was rolled back
      case "40001", "40P01", "57P01", "57P02", "57P03", "53300", "57014", "55P03", "25P03" -> Kind.RETRYABLE;
      default -> sqlState.startsWith("08") ? Kind.RETRYABLE : Kind.INTERNAL;
    };
  }

  /**
   * Why a RETRYABLE failure happened, as a short label for metrics ({@code statement_timeout},
   * {@code lock_timeout}, {@code pool_wait_queue}, …), or null when {@code t} is not RETRYABLE.
   */
  public static String retryableReason(Throwable t) {
    if (classify(t) != Kind.RETRYABLE) {
      return null;
    }
    PgException pg = pgException(t);
    if (pg != null) {
      return switch (String.valueOf(pg.getSqlState())) {
        case "57014" -> "statement_timeout";
        case "55P03" -> "lock_timeout";
        case "25P03" -> "idle_in_transaction_timeout";
        case "40001", "40P01" -> "conflict";
        case "53300" -> "too_many_connections";
        default -> "database_unavailable";
      };
    }
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ConnectionPoolTooBusyException) {
        return "pool_wait_queue";
      }
      if (isPoolClosed(c)) {
        return "pool_closed";
      }
      if (c instanceof VertxException && String.valueOf(c.getMessage()).startsWith("Timeout")) {
        // waited longer than the pool's connection timeout ("Timeout waiting for connection")
        return "pool_timeout";
      }
    }
    return "connection";
  }

  /** The pool's failure for an acquisition after (or during) its close. */
  private static boolean isPoolClosed(Throwable c) {
    return c instanceof VertxException && "Pool closed".equals(c.getMessage());
  }

  public static boolean isRetryable(Throwable t) {
    return classify(t) == Kind.RETRYABLE;
  }

  public static boolean isUniqueViolation(Throwable t) {
    return classify(t) == Kind.UNIQUE_VIOLATION;
  }

  public static boolean isInvalidValue(Throwable t) {
    return classify(t) == Kind.INVALID_VALUE;
  }

  public static boolean isForeignKeyViolation(Throwable t) {
    return classify(t) == Kind.FOREIGN_KEY_VIOLATION;
  }

  /** The violated constraint's name (e.g. {@code uq_flow_run_input__flow_run_id_key}), or null. */
  public static String constraint(Throwable t) {
    PgException pg = pgException(t);
    return pg == null ? null : pg.getConstraint();
  }

  public static PgException pgException(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof PgException pg) {
        return pg;
      }
    }
    return null;
  }
}
