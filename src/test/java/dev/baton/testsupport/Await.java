package dev.baton.testsupport;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Blocking on a Vert.x {@link Future} from a test thread (never from an event loop: the servers of
 * the tests fail on a blocked loop). A failed future's cause is rethrown as it is when unchecked,
 * else wrapped in an {@link IllegalStateException}; a future still pending after the timeout is an
 * {@link IllegalStateException} around the {@link TimeoutException}.
 */
public final class Await {
  /** The timeout of {@link #await(Future)}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private Await() {}

  /** The result of {@code f}, waiting at most {@link #DEFAULT_TIMEOUT}. */
  public static <T> T await(Future<T> f) {
    return await(f, DEFAULT_TIMEOUT);
  }

  /** The result of {@code f}, waiting at most {@code timeout}. */
  public static <T> T await(Future<T> f, Duration timeout) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw unchecked(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("no outcome within " + timeout, e);
    }
  }

  /** The cause of the failure of {@code f}, which must fail within {@code timeout}. */
  public static Throwable failure(Future<?> f, Duration timeout) {
    try {
      f.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("no outcome within " + timeout, e);
    }
    throw new AssertionError("expected the future to fail");
  }

  private static RuntimeException unchecked(Throwable cause) {
    if (cause instanceof RuntimeException r) {
      return r;
    }
    if (cause instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(cause);
  }
}
