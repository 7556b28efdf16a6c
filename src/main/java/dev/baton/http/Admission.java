package dev.baton.http;

import dev.baton.ServerState;
import dev.baton.observability.OverloadMetrics;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * The gate in front of every API route that touches the database or the event bus: past the
 * in-flight bound, or while the server drains, the request is answered at once with 503
 * {@code {"exception_message": "Service Unavailable"}} and {@code Retry-After} — never queued.
 * An admitted request holds its place until its response is done (or its connection is gone), and
 * is answered 503 if it is still unanswered after the request timeout.
 * Routes that touch neither (liveness, version, hello, csrf-token) pass freely.
 *
 * <p>The request timeout costs no timer per request: every admitted request has the same timeout,
 * so admission order is deadline order. Admitted requests wait in a list, oldest first, that
 * their end unlinks them from (O(1)); one timer, armed for the oldest deadline, answers whatever
 * is past its deadline when it fires and re-arms for the next. An instance serves the router of
 * one HTTP verticle, so everything here runs on that verticle's event loop.
 */
final class Admission implements Handler<RoutingContext> {
  static final String METRICS_KEY = "baton.overloadMetrics";
  static final Set<String> FREE = Set.of("/api/health", "/api/version", "/api/admin/version", "/api/hello",
      "/api/csrf-token");

  private final Vertx vertx;
  private final InFlightLimiter limiter;
  private final ServerState state;
  private final OverloadMetrics metrics;
  private final long requestTimeoutMs;
  private final long requestTimeoutNanos;
  /** Sentinel of the circular list of admitted, unanswered requests, oldest first. */
  private final Pending pending = new Pending(null, 0);
  /** Whether the timer for the oldest deadline is armed. */
  private boolean armed;

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
    this.requestTimeoutNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs);
    pending.prev = pending;
    pending.next = pending;
  }

  /** An admitted request and its deadline, linked into {@link #pending} until it ends or times out. */
  private static final class Pending {
    final RoutingContext ctx;
    final long deadlineNanos;
    Pending prev;
    Pending next;

    Pending(RoutingContext ctx, long deadlineNanos) {
      this.ctx = ctx;
      this.deadlineNanos = deadlineNanos;
    }
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
    Pending p = new Pending(ctx, System.nanoTime() + requestTimeoutNanos);
    p.prev = pending.prev;
    p.next = pending;
    pending.prev.next = p;
    pending.prev = p;
    if (!armed) {
      arm(requestTimeoutMs);
    }
    ctx.addEndHandler(done -> {
      unlink(p);
      limiter.release();
    });
    ctx.next();
  }

  private void arm(long delayMs) {
    armed = true;
    vertx.setTimer(Math.max(1, delayMs), id -> expire());
  }

  /** Answers 503 every admitted request past its deadline, then re-arms for the oldest left. */
  private void expire() {
    armed = false;
    long now = System.nanoTime();
    Pending p;
    while ((p = pending.next) != pending && p.deadlineNanos - now <= 0) {
      unlink(p);
      if (!p.ctx.response().ended()) {
        metrics.rejected("request_timeout");
        Http.unavailable(p.ctx);
      }
    }
    if (p != pending) {
      // round up: the timer must not fire before the deadline
      arm((p.deadlineNanos - now + 999_999) / 1_000_000);
    }
  }

  private static void unlink(Pending p) {
    if (p.next != null) {
      p.prev.next = p.next;
      p.next.prev = p.prev;
      p.next = null;
      p.prev = null;
    }
  }

  private static String stripSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
