package dev.baton.http;

import dev.baton.admission.ServerState;
import dev.baton.observability.OverloadMetrics;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import dev.baton.admission.InFlightLimiter;

/**
 * The gate in front of every API route that touches the database or the event bus: past the
 * in-flight bound, or while the server drains, the request is answered at once with 503
 * {@code {"exception_message": "Service Unavailable"}} and {@code Retry-After} — never queued.
 * An admitted request holds its place until its response is done (or its connection is gone), and
 * is answered 503 if it is still unanswered after the request timeout.
 * Routes that touch neither (liveness, version, hello, csrf-token) pass freely.
 */
final class Admission implements Handler<RoutingContext> {
  static final String METRICS_KEY = "baton.overloadMetrics";
  /** The admitted request's "give my place back" (idempotent), for {@link #releaseEarly}. */
  private static final String RELEASE_KEY = "baton.admission.release";
  static final Set<String> FREE = Set.of("/api/health", "/api/version", "/api/admin/version", "/api/hello",
      "/api/csrf-token");

  private final Vertx vertx;
  private final InFlightLimiter limiter;
  private final ServerState state;
  private final OverloadMetrics metrics;
  private final long requestTimeoutMs;

  /**
   * @param requestTimeoutMs an admitted request not answered this long after admission is
   *     answered 503 (the timeouts behind it are shorter, so a proposal is always answered first;
   *     docs/operations.md, Timeouts)
   */
  Admission(Vertx vertx, InFlightLimiter limiter, ServerState state, OverloadMetrics metrics, long requestTimeoutMs) {
    this.vertx = vertx;
    this.limiter = limiter;
    this.state = state;
    this.metrics = metrics;
    this.requestTimeoutMs = requestTimeoutMs;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.put(METRICS_KEY, metrics);
    if (FREE.contains(stripSlash(ctx.normalizedPath()))) {
      ctx.next();
      return;
    }
    if (state.draining()) {
      metrics.rejected("draining");
      // this connection will not be served again: the client reconnects, to another instance
      ctx.response().putHeader("Connection", "close");
      Http.unavailable(ctx);
      return;
    }
    if (!limiter.tryAcquire()) {
      metrics.rejected("http_in_flight");
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Refusal.retryAfter(limiter.retryAfterSeconds()));
      Http.unavailable(ctx);
      return;
    }
    // one timer per admitted request only: a refused one costs no timer
    long timer = vertx.setTimer(requestTimeoutMs, id -> {
      if (!ctx.response().ended()) {
        metrics.rejected("request_timeout");
        Http.unavailable(ctx);
      }
    });
    Runnable release = new Runnable() {
      private boolean released;

      @Override
      public void run() { // on the request's event loop only
        if (!released) {
          released = true;
          vertx.cancelTimer(timer);
          limiter.release();
        }
      }
    };
    ctx.put(RELEASE_KEY, release);
    ctx.addEndHandler(done -> release.run());
    ctx.next();
  }

  /**
   * Gives an admitted request's in-flight place back before its response ends: a websocket, once
   * upgraded, holds no place (its work is bounded where it is done, e.g. the event recorder's
   * buffer), so a closed or idle socket never keeps a drain waiting. No effect on a request that
   * was not admitted, or was already released.
   */
  static void releaseEarly(RoutingContext ctx) {
    Runnable release = ctx.get(RELEASE_KEY);
    if (release != null) {
      release.run();
    }
  }

  private static String stripSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
