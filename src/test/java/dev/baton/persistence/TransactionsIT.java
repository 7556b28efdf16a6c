package dev.baton.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Transactions#pipelined} gives its connection back whatever {@code work} does. */
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
      Throwable t = thrown.transform(ar -> Future.succeededFuture(ar.cause()))
          .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertTrue(t instanceof IllegalStateException, String.valueOf(t));

      // the single connection must be free again, and not inside a transaction
      // (without the fix this waits for ever: the connection is still checked out)
      String name = Transactions.pipelined(pool, (conn, begun) -> Transactions.commitBehind(conn,
              conn.query("SELECT current_setting('application_name') AS n").execute()
                  .map(rows -> rows.iterator().next().getString("n"))))
          .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertTrue(!marker.equals(name), "the failed transaction was rolled back: " + name);

      Pool observer = TestDatabase.pool(vertx, 1);
      try {
        long idleInTx = observer.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + marker
                + "' AND state LIKE 'idle in transaction%'").execute()
            .map(rows -> rows.iterator().next().getLong(0))
            .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(0L, idleInTx, "no connection left idle in transaction");
      } finally {
        observer.close();
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
