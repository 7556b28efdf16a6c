package dev.baton.http;

import dev.baton.admission.ServerState;
import dev.baton.wire.Render;
import dev.baton.observability.OverloadMetrics;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import dev.baton.admission.InFlightLimiter;

/**
 * The cheap refusal: while every in-flight place is taken, an API request that {@link Admission}
 * would refuse anyway is answered 503 straight from the HTTP server's request handler — before the
 * router, the body handler and the routing context — with pre-built headers and body, and without
 * reading its body (Vert.x discards what arrives of it; the connection stays usable). At 2,000
 * clients most requests are refusals, so what a refusal costs is what the event loops spend.
 *
 * <p>Only a request whose answer is certain takes this path: a plain {@code /api/…} path that is
 * not one of the free routes, no websocket upgrade, no CORS {@code Origin}, a valid or absent
 * {@code X-PREFECT-API-VERSION}, and (with an auth string) valid credentials; the server is not
 * draining. Anything else goes through the router, where the same checks answer in their usual
 * order and {@link Admission} decides. The answer is the same as Admission's: same status, body,
 * {@code Retry-After} rule and {@code baton_overload_rejected_total{reason="http_in_flight"}}.
 */
final class Refusal implements Handler<HttpServerRequest> {
  private static final byte[] BODY = Render.exceptionMessage("Service Unavailable");
  private static final CharSequence JSON = HttpHeaders.createOptimized(Http.JSON_TYPE);
  private static final CharSequence[] RETRY_AFTER = new CharSequence[InFlightLimiter.MAX_RETRY_AFTER_SECONDS + 1];

  static {
    for (int i = 0; i < RETRY_AFTER.length; i++) {
      RETRY_AFTER[i] = HttpHeaders.createOptimized(Integer.toString(i));
    }
  }

  private final Handler<HttpServerRequest> next;
  private final InFlightLimiter limiter;
  private final ServerState state;
  private final OverloadMetrics metrics;
  private final ApiAuth auth;
  private final boolean cors;

  Refusal(Handler<HttpServerRequest> next, InFlightLimiter limiter, ServerState state, OverloadMetrics metrics,
      ApiAuth auth, boolean cors) {
    this.next = next;
    this.limiter = limiter;
    this.state = state;
    this.metrics = metrics;
    this.auth = auth;
    this.cors = cors;
  }

  /** The pre-built {@code Retry-After} value for {@code seconds} (0..max). */
  static CharSequence retryAfter(int seconds) {
    return RETRY_AFTER[Math.max(0, Math.min(RETRY_AFTER.length - 1, seconds))];
  }

  @Override
  public void handle(HttpServerRequest request) {
    if (limiter.full() && certain(request)) {
      limiter.refused();
      metrics.rejected("http_in_flight");
      HttpServerResponse response = request.response();
      response.setStatusCode(503);
      response.headers()
          .add(HttpHeaders.CONTENT_TYPE, JSON)
          .add(HttpHeaders.RETRY_AFTER, retryAfter(limiter.retryAfterSeconds()));
      response.end(Buffer.buffer(BODY));
      return;
    }
    next.handle(request);
  }

  /** Whether the router would reach {@link Admission} with this request, and Admission refuse it. */
  private boolean certain(HttpServerRequest request) {
    String path = request.path();
    if (path == null || !path.startsWith("/api/") || !plain(path) || state.draining()) {
      return false;
    }
    String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (Admission.FREE.contains(p) || HttpVerticle.WEBSOCKETS.contains(p)) {
      return false;
    }
    if (cors && request.getHeader(HttpHeaders.ORIGIN) != null) {
      return false;
    }
    String version = request.getHeader(ApiHeaders.API_VERSION);
    if (version != null && ApiHeaders.checkApiVersion(version).error() != null) {
      return false;
    }
    return !auth.enabled() || auth.accepts(request.getHeader(HttpHeaders.AUTHORIZATION));
  }

  /** No dot segments, empty segments or escapes: the path is what the router will match. */
  private static boolean plain(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%' || c == '\\' || (c == '/' || c == '.') && i + 1 < path.length()
          && (path.charAt(i + 1) == '/' || path.charAt(i + 1) == '.')) {
        return false;
      }
    }
    return true;
  }
}
