package dev.baton.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of repository ITs: one Vert.x and pool per class, empty tables before each test, and
 * {@link #await} to wait for a future from the (non-event-loop) test thread.
 */
public abstract class DbTestBase {
  protected static Vertx vertx;
  protected static Pool pool;

  @BeforeAll
  static void startPool() {
    vertx = Vertx.vertx();
    pool = TestDatabase.pool(vertx, 4);
  }

  @AfterAll
  static void stopPool() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void emptyTables() {
    TestDatabase.truncateAll();
  }

  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The failure of {@code f}, which must fail. */
  public static Throwable failure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    throw new AssertionError("expected the future to fail");
  }

  protected static <T> T inTx(Function<SqlConnection, Future<T>> work) {
    return await(pool.withTransaction(work));
  }
}
