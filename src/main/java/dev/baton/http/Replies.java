package dev.baton.http;

import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Answers for the resource routes over the {@code dev.baton.service} commands. Those fail with
 * NOT_FOUND when the thing is missing; Prefect's resource routes answer that as
 * {@code 404 {"detail": …}} with their own text, where {@link Http#fail} writes
 * {@code {"exception_message": …}} — so the route names its text here. Any other failure goes
 * to {@link Http#fail}.
 */
final class Replies {
  private Replies() {}

  /**
   * {@code onSuccess} when {@code f} succeeds; a NOT_FOUND the service raised: 404
   * {@code {"detail": notFound}} (null: the exception's own message).
   */
  static <T> void reply(RoutingContext ctx, Future<T> f, String notFound, Consumer<T> onSuccess) {
    f.onComplete(ar -> {
      if (ar.succeeded()) {
        onSuccess.accept(ar.result());
      } else if (raised(ar.cause(), OrchestrationFailure.NOT_FOUND)) {
        Http.detail(ctx, 404, notFound != null ? notFound : ar.cause().getMessage());
      } else {
        Http.fail(ctx, ar.cause());
      }
    });
  }

  /** 200 with the rendered value; a NOT_FOUND: 404 {@code {"detail": notFound}}. */
  static <T> void found(RoutingContext ctx, Future<T> f, String notFound, Function<T, byte[]> render) {
    reply(ctx, f, notFound, v -> Http.json(ctx, 200, render.apply(v)));
  }

  /** 204; a NOT_FOUND: 404 {@code {"detail": notFound}}. */
  static void noContent(RoutingContext ctx, Future<Void> f, String notFound) {
    reply(ctx, f, notFound, v -> Http.noContent(ctx));
  }

  /**
   * Whether {@code t} is an {@link OrchestrationException} of kind {@code failure} as a service
   * raised it — not a database or other error {@link Http#fail} would classify as one.
   */
  static boolean raised(Throwable t, OrchestrationFailure failure) {
    return t instanceof OrchestrationException e && e.failure() == failure;
  }
}
