package dev.baton.service;

import dev.baton.orchestration.api.OrchestrationException;
import io.vertx.core.Future;

/** The services' one way of saying "no such thing": a failed future with a NOT_FOUND {@link OrchestrationException}. */
final class Found {
  private Found() {}

  /** The value, or NOT_FOUND with {@code message} when the repository answered null. */
  static <T> Future<T> orNotFound(Future<T> f, String message) {
    return f.compose(v -> v != null ? Future.succeededFuture(v) : Future.failedFuture(OrchestrationException.notFound(message)));
  }

  /** Done when the repository touched a row, else NOT_FOUND with {@code message}. */
  static Future<Void> touched(Future<Boolean> f, String message) {
    return f.compose(ok -> ok ? Future.<Void>succeededFuture() : Future.failedFuture(OrchestrationException.notFound(message)));
  }
}
