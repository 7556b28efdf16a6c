package dev.baton.orchestration.run;

import dev.baton.domain.RunKind;
import dev.baton.observability.OrchestrationMetrics;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.failure.Failures;
import dev.baton.persistence.SqlErrors;
import dev.baton.persistence.Transactions;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the transactions of orchestration and turns their failures into answers: pipelined or plain
 * transactions on the pool, a whole transaction run again when PostgreSQL rolled it back for a
 * deadlock or serialization failure, and every failure mapped to the closed set of orchestration
 * failures ({@link Failures#classify}), counted and (when unexpected) logged.
 */
public final class TransactionRunner {
  /** Failures are logged under the package's category, whichever path met them. */
  private static final Logger LOG = LoggerFactory.getLogger("dev.baton.orchestration");
  private static final int MAX_ATTEMPTS = 3;

  private final Pool pool;
  private final OrchestrationMetrics metrics;

  public TransactionRunner(Pool pool, OrchestrationMetrics metrics) {
    this.pool = pool;
    this.metrics = metrics;
  }

  /** A transaction whose BEGIN travels with the first statements ({@link Transactions#pipelined}). */
  public <T> Future<T> pipelined(BiFunction<SqlConnection, Future<?>, Future<T>> work) {
    return Transactions.pipelined(pool, work);
  }

  /** A transaction committed only when {@code work} succeeds ({@link Pool#withTransaction}). */
  public <T> Future<T> withTransaction(Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(work);
  }

  /**
   * Runs a whole transaction again (up to {@value #MAX_ATTEMPTS} times) when PostgreSQL rolled it
   * back for a deadlock or serialization failure.
   */
  public static <T> Future<T> retryOnConflict(Supplier<Future<T>> transaction) {
    return retryOnConflict(transaction, 1);
  }

  private static <T> Future<T> retryOnConflict(Supplier<Future<T>> transaction, int n) {
    return transaction.get().recover(t -> n < MAX_ATTEMPTS && isTransactionConflict(t)
        ? retryOnConflict(transaction, n + 1)
        : Future.failedFuture(t));
  }

  /**
   * Deadlock or serialization failure: the transaction was rolled back by PostgreSQL and may be
   * retried as a whole. (Connection errors are not retried: a lost COMMIT may have succeeded.)
   */
  private static boolean isTransactionConflict(Throwable t) {
    io.vertx.pgclient.PgException e = SqlErrors.pgException(t);
    return e != null && ("40P01".equals(e.getSqlState()) || "40001".equals(e.getSqlState()));
  }

  /** Classifies a failed proposal, counts it, logs the unexpected ones, and fails with it. */
  public <T> Future<T> failed(RunKind kind, String endpoint, UUID runId, Throwable t) {
    OrchestrationException e = Failures.classify(t);
    metrics.failure(kind, endpoint, e.failure().name());
    if (e.failure() == OrchestrationFailure.INTERNAL) {
      LOG.error("event=orchestration_failed endpoint={} run_kind={} run_id={} error=\"{}\"", endpoint, kind, runId,
          t.toString(), t);
    } else if (e.failure() == OrchestrationFailure.UNAVAILABLE && LOG.isDebugEnabled()) {
      // shed load is counted (baton_overload_rejected_total), not logged per proposal at INFO+
      LOG.debug("event=orchestration_unavailable endpoint={} run_kind={} run_id={} error=\"{}\"", endpoint, kind, runId,
          t.toString());
    }
    return Future.failedFuture(e);
  }
}
