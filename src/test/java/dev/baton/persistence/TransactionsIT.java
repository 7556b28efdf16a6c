package dev.baton.persistence;

import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link Transactions#pipelined} gives its connection back whatever {@code work} does, and plans
 * its statements generically for that transaction only.
 */
class TransactionsIT {

  @Test
  void workThatThrowsSynchronouslyRollsBackAndReleasesTheConnection() throws Exception {
    Vertx vertx = Vertx.vertx();
    Pool pool = TestDatabase.pool(vertx, 1); // one connection: a leak starves the next transaction
    try {
      String marker = "pipelined-throws-" + System.nanoTime();
      Future<Object> thrown = Transactions.pipelined(pool, (conn, begun) -> {
        // the transaction is open (BEGIN sent, a statement queued behind it) when work throws
        conn.query("SELECT set_config('application_name', '" + marker + "', false)").execute();
        throw new IllegalStateException("boom");
      });
      Throwable t = await(thrown.transform(ar -> Future.succeededFuture(ar.cause())), Duration.ofSeconds(5));
      assertTrue(t instanceof IllegalStateException, String.valueOf(t));

      // the single connection must be free again, and not inside a transaction
      // (without the fix this waits for ever: the connection is still checked out)
      String name = await(Transactions.pipelined(pool, (conn, begun) -> Transactions.commitBehind(conn,
              conn.query("SELECT current_setting('application_name') AS n").execute()
                  .map(rows -> rows.iterator().next().getString("n")))), Duration.ofSeconds(5));
      assertTrue(!marker.equals(name), "the failed transaction was rolled back: " + name);

      Pool observer = TestDatabase.pool(vertx, 1);
      try {
        long idleInTx = await(observer.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + marker
                + "' AND state LIKE 'idle in transaction%'").execute()
            .map(rows -> rows.iterator().next().getLong(0)), Duration.ofSeconds(5));
        assertEquals(0L, idleInTx, "no connection left idle in transaction");
      } finally {
        observer.close();
      }
    } finally {
      await(vertx.close(), Duration.ofSeconds(10));
    }
  }

  @Test
  void genericPlansHoldForThePipelinedTransactionOnly() throws Exception {
    Vertx vertx = Vertx.vertx();
    Pool pool = TestDatabase.pool(vertx, 1); // one connection: the setting must not outlive the transaction
    try {
      String inside = await(Transactions.pipelined(pool, (conn, begun) -> Transactions.commitBehind(conn,
              conn.query("SELECT current_setting('plan_cache_mode') AS m").execute()
                  .map(rows -> rows.iterator().next().getString("m")))), Duration.ofSeconds(5));
      assertEquals("force_generic_plan", inside);
      String after = await(pool.query("SELECT current_setting('plan_cache_mode') AS m").execute()
          .map(rows -> rows.iterator().next().getString("m")), Duration.ofSeconds(5));
      assertEquals("auto", after, "SET LOCAL: the next user of the connection plans as usual");

      // a failed transaction leaves nothing behind either
      await(Transactions.pipelined(pool, (conn, begun) -> conn.query("SELECT 1/0").execute())
          .transform(ar -> Future.succeededFuture()), Duration.ofSeconds(5));
      assertEquals("auto", await(pool.query("SELECT current_setting('plan_cache_mode') AS m").execute()
          .map(rows -> rows.iterator().next().getString("m")), Duration.ofSeconds(5)));
    } finally {
      await(vertx.close(), Duration.ofSeconds(10));
    }
  }
}
