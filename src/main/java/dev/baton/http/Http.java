package dev.baton.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.wire.Decoded;
import dev.baton.wire.Json;
import dev.baton.wire.Render;
import dev.baton.failure.Failures;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.baton.admission.InFlightLimiter;

/** Response and request helpers shared by the route groups: every answer is JSON. */
final class Http {
  private static final Logger LOG = LoggerFactory.getLogger(Http.class);
  static final String JSON_TYPE = "application/json";
  static final byte[] NOT_FOUND = Render.detail("Not Found");

  private Http() {}

  /** Every answer ends here; a 503 always carries {@code Retry-After} (1 s unless a caller set its own). */
  static void json(RoutingContext ctx, int status, byte[] body) {
    if (ctx.response().ended()) {
      return;
    }
    if (status == 503 && !ctx.response().headers().contains(HttpHeaders.RETRY_AFTER)) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
    }
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE).end(Buffer.buffer(body));
  }

  static void noContent(RoutingContext ctx) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(204).end();
    }
  }

  static void detail(RoutingContext ctx, int status, String detail) {
    json(ctx, status, Render.detail(detail));
  }

  static void exceptionMessage(RoutingContext ctx, int status, String message) {
    json(ctx, status, Render.exceptionMessage(message));
  }

  /**
   * The UUID path parameter, or null after answering 404 "Not Found" (no lookup is done): like
   * Prefect's {@code {id:uuid}} converter, a segment that is not a UUID matches none of the
   * path's {@code {id}} routes, whatever the method.
   */
  static UUID pathId(RoutingContext ctx, String name) {
    UUID id = PathIds.parse(ctx.pathParam(name));
    if (id == null) {
      json(ctx, 404, NOT_FOUND);
    }
    return id;
  }

  /**
   * Parses the body as JSON (empty ⇒ null). Null after answering 422. The request must come
   * without a {@code Content-Type} (older Prefect clients) or with a JSON one, empty body or not:
   * {@code text/plain} and form types are what a foreign web page can send without a CORS
   * preflight (a form without fields sends an empty body, and the body handler takes form bodies
   * apart), so accepting them would let any page a user opens act on the API — e.g. an empty
   * {@code bulk_delete}.
   */
  static Parsed body(RoutingContext ctx) {
    Buffer b = ctx.body().buffer();
    if (!isJson(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
      json(ctx, 422, Render.validationError(java.util.List.of(new dev.baton.wire.ValidationError(
          "model_attributes_type", java.util.List.of("body"),
          "Input should be a valid dictionary or object to extract fields from",
          com.fasterxml.jackson.databind.node.NullNode.instance, null)), null));
      return null;
    }
    Decoded<JsonNode> parsed = Json.parse(b == null ? null : b.getBytes());
    if (!parsed.isOk()) {
      json(ctx, 422, Render.validationError(parsed.errors(), null));
      return null;
    }
    return new Parsed(parsed.value());
  }

  /** No content type, {@code application/json} or {@code application/<anything>+json}, any parameters. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return true;
    }
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
    return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
  }

  /** A parsed body (its value may be null for an empty body). */
  record Parsed(JsonNode node) {}

  /** Unwraps a decoded value, or answers 422 (with the body echoed) and returns null. */
  static <T> T decoded(RoutingContext ctx, Decoded<T> d, JsonNode requestBody) {
    if (d.isOk()) {
      return d.value();
    }
    json(ctx, 422, toBytes(d.errorBody(requestBody)));
    return null;
  }

  static byte[] toBytes(JsonNode node) {
    try {
      return Json.MAPPER.writeValueAsBytes(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code then} with the UUID path parameter {@code id}; a non-UUID was answered 404. */
  static void withId(RoutingContext ctx, java.util.function.Consumer<UUID> then) {
    UUID id = pathId(ctx, "id");
    if (id != null) {
      then.accept(id);
    }
  }

  /**
   * Parses and decodes the body, then runs {@code then}; bad bodies were answered 422. A body that
   * decodes to null (e.g. {@code reset} without {@code slot_override}) is a value like any other:
   * {@code then} must run, or the request would never be answered.
   */
  static <T> void withBody(RoutingContext ctx, java.util.function.Function<JsonNode, Decoded<T>> decoder,
      java.util.function.Consumer<T> then) {
    Parsed body = body(ctx);
    if (body == null) {
      return;
    }
    Decoded<T> d = decoder.apply(body.node());
    if (!d.isOk()) {
      json(ctx, 422, toBytes(d.errorBody(body.node())));
      return;
    }
    then.accept(d.value());
  }

  /**
   * {@link #withBody(RoutingContext, java.util.function.Function, java.util.function.Consumer)}
   * with a fast decoder tried first on the raw bytes of an acceptable (JSON or untyped) body:
   * {@code fast} returns the value, or null to leave the body to the usual parse and decode
   * (which then answers exactly as without it, 422s included). {@code fast} must return non-null
   * only where {@code decoder} would succeed with the same value.
   */
  static <T> void withBody(RoutingContext ctx, java.util.function.Function<byte[], T> fast,
      java.util.function.Function<JsonNode, Decoded<T>> decoder, java.util.function.Consumer<T> then) {
    if (isJson(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
      Buffer b = ctx.body().buffer();
      T value = b == null ? null : fast.apply(b.getBytes());
      if (value != null) {
        then.accept(value);
        return;
      }
    }
    withBody(ctx, decoder, then);
  }

  /** Answers with {@code onSuccess} when {@code f} succeeds, else with the failure's status. */
  static <T> void reply(RoutingContext ctx, io.vertx.core.Future<T> f, java.util.function.Consumer<T> onSuccess) {
    f.onComplete(ar -> {
      if (ar.succeeded()) {
        onSuccess.accept(ar.result());
      } else {
        fail(ctx, ar.cause());
      }
    });
  }

  /**
   * Sends a proposal (set_state, resume) and answers its result: 201 when a state was written,
   * else 200; a WAIT for a concurrency slot also gets {@code Retry-After}. (The request was
   * admitted within the in-flight bound by {@link Admission}.)
   */
  static void orchestrate(RoutingContext ctx,
      java.util.function.Supplier<io.vertx.core.Future<dev.baton.orchestration.api.OrchestrationResult>> send) {
    send.get().onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, ar.cause());
        return;
      }
      dev.baton.orchestration.api.OrchestrationResult r = ar.result();
      if (r.details() != null && r.details().retryAfter() != null) {
        // WAIT for a concurrency slot: when to retry, in whole seconds (RFC 9110 delay-seconds)
        ctx.response().putHeader("Retry-After", String.valueOf((long) Math.max(1, Math.ceil(r.details().retryAfter()))));
      }
      json(ctx, r.stateWritten() ? 201 : 200,
          dev.baton.wire.Render.orchestrationResult(r.state(), r.status(), r.details()));
    });
  }

  /**
   * 503 {@code {"exception_message": "Service Unavailable"}} with {@code Retry-After: 1}, unless a
   * {@code Retry-After} was already set (the admission gate sets its own, see
   * {@link InFlightLimiter#retryAfterSeconds()}); {@link #json} adds it.
   */
  static void unavailable(RoutingContext ctx) {
    exceptionMessage(ctx, 503, "Service Unavailable");
  }

  /**
   * Counts a 503 by its reason. A proposal's own reason was counted by the orchestration verticle
   * (only the event bus failing to deliver or answer is counted here); a direct database failure
   * by its SQLSTATE or pool condition.
   */
  private static void countUnavailable(RoutingContext ctx, Throwable t) {
    dev.baton.observability.OverloadMetrics m = ctx.get(Admission.METRICS_KEY);
    if (m == null) {
      return;
    }
    if (t instanceof OrchestrationException) {
      if (t.getCause() instanceof io.vertx.core.eventbus.ReplyException re) {
        m.rejected("event_bus_" + re.failureType().name().toLowerCase());
      }
      return;
    }
    m.rejected(Failures.retryableReason(t));
  }

  /** Answers a failed operation with the status and body its kind calls for. */
  static void fail(RoutingContext ctx, Throwable t) {
    OrchestrationException e = Failures.classify(t);
    OrchestrationFailure f = e.failure();
    Failures.Refusal pg = Failures.refusal(t);
    if (pg != null && (f == OrchestrationFailure.CONFLICT || f == OrchestrationFailure.INVALID_INPUT)) {
      // the client gets a fixed text; what PostgreSQL said goes to the log
      LOG.warn("event=request_refused_by_database method={} path={} sqlstate={} constraint={} error=\"{}\"",
          ctx.request().method(), ctx.request().path(), pg.sqlState(), pg.constraint(), pg.message());
    }
    switch (f) {
      case NOT_FOUND -> exceptionMessage(ctx, 404, e.getMessage());
      case CONFLICT -> detail(ctx, 409, e.getMessage());
      case INVALID_INPUT -> detail(ctx, 422, e.getMessage());
      case UNAVAILABLE -> {
        countUnavailable(ctx, t);
        unavailable(ctx);
      }
      case INTERNAL -> {
        LOG.error("event=request_failed method={} path={} error=\"{}\"", ctx.request().method(), ctx.request().path(), t.toString(), t);
        exceptionMessage(ctx, 500, "Internal Server Error");
      }
    }
  }
}
