package dev.baton.persistence;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.BiFunction;

/**
 * Transactions whose statements are pipelined: BEGIN travels with the first statements and COMMIT
 * with the last, so a transaction of two dependent steps costs two round trips.
 *
 * <p>These are the hot paths (set-state alone and in groups, run creation, event batches), whose
 * statements look rows up by id and whose plans do not depend on the values bound. Each such
 * transaction plans them once per connection ({@code plan_cache_mode = force_generic_plan}, for the
 * transaction only): left to choose, PostgreSQL plans them again on every execution when the
 * arrays bound are small (custom plans look cheaper than a generic plan sized for ten elements), and
 * planning the lock-and-load join cost more than running it (bench/README.md, "Round 3").
 */
public final class Transactions {
  private Transactions() {}

  /** BEGIN, and generic plans until the transaction ends: one simple query, no extra round trip. */
  static final String BEGIN = "BEGIN; SET LOCAL plan_cache_mode = force_generic_plan";

  /**
   * Runs {@code work} in a transaction on a pooled connection. BEGIN is sent, not awaited: {@code
   * work} gets its future and must join it before acting on its first results, and must end the
   * transaction (see {@link #commitBehind}). On any failure ROLLBACK is sent; the connection goes
   * back to the pool in every case.
   */
  public static <T> Future<T> pipelined(Pool pool, BiFunction<SqlConnection, Future<?>, Future<T>> work) {
    return pool.getConnection().compose(conn -> {
      Future<?> begun = conn.query(BEGIN).execute();
      Future<T> done;
      try {
        done = work.apply(conn, begun);
      } catch (RuntimeException e) {
        // thrown before any future could carry it: roll back and release all the same, or the
        // connection would stay checked out, idle in transaction
        done = Future.failedFuture(e);
      }
      return done
          .recover(t -> conn.query("ROLLBACK").execute().transform(rolledBack -> Future.<T>failedFuture(t)))
          .onComplete(x -> conn.close());
    });
  }

  /**
   * Sends COMMIT right behind the statements already sent (one round trip) and completes with
   * {@code last}'s result once both are done. If {@code last} (or anything before it) failed,
   * PostgreSQL answers that COMMIT with a rollback and the result fails with {@code last}'s cause.
   */
  public static <T> Future<T> commitBehind(SqlConnection conn, Future<T> last) {
    Future<?> committed = conn.query("COMMIT").execute();
    return last.compose(r -> committed.map(r));
  }
}
