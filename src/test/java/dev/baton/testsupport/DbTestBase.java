package dev.baton.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
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
  static void stopPool() {
    Await.await(vertx.close(), Duration.ofSeconds(10));
  }

  @BeforeEach
  void emptyTables() {
    TestDatabase.truncateAll();
  }

  /** How long {@link #await} and {@link #failure} wait for a future. */
  public static final Duration TIMEOUT = Duration.ofSeconds(20);

  /** The result of {@code f} ({@link Await#await(Future, Duration)}, at most {@link #TIMEOUT}). */
  public static <T> T await(Future<T> f) {
    return Await.await(f, TIMEOUT);
  }

  /** The failure of {@code f}, which must fail ({@link Await#failure}, within {@link #TIMEOUT}). */
  public static Throwable failure(Future<?> f) {
    return Await.failure(f, TIMEOUT);
  }

  protected static <T> T inTx(Function<SqlConnection, Future<T>> work) {
    return await(pool.withTransaction(work));
  }
}
