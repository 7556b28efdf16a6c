package dev.baton.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.http.json.Decoded;
import dev.baton.http.json.Json;
import dev.baton.http.json.Render;
import dev.baton.orchestration.OrchestrationService;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Response and request helpers shared by the route groups: every answer is JSON. */
final class Http {
  private static final Logger LOG = LoggerFactory.getLogger(Http.class);
  static final String JSON_TYPE = "application/json";
  static final byte[] NOT_FOUND = Render.detail("Not Found");

  private Http() {}

  static void json(RoutingContext ctx, int status, byte[] body) {
    if (ctx.response().ended()) {
      return;
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

  /** The UUID path parameter, or null after answering 404 "Not Found" (no lookup is done). */
  static UUID pathId(RoutingContext ctx, String name) {
    UUID id = PathIds.parse(ctx.pathParam(name));
    if (id == null) {
      json(ctx, 404, NOT_FOUND);
    }
    return id;
  }

  /** Parses the body as JSON (any content type; empty ⇒ null). Null after answering 422. */
  static Parsed body(RoutingContext ctx) {
    Buffer b = ctx.body().buffer();
    Decoded<JsonNode> parsed = Json.parse(b == null ? null : b.getBytes());
    if (!parsed.isOk()) {
      json(ctx, 422, Render.validationError(parsed.errors(), null));
      return null;
    }
    return new Parsed(parsed.value());
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

  /** Answers a failed operation with the status and body its kind calls for. */
  static void fail(RoutingContext ctx, Throwable t) {
    OrchestrationException e = OrchestrationService.classify(t);
    OrchestrationFailure f = e.failure();
    switch (f) {
      case NOT_FOUND -> exceptionMessage(ctx, 404, e.getMessage());
      case CONFLICT -> detail(ctx, 409, e.getMessage());
      case INVALID_INPUT -> detail(ctx, 422, e.getMessage());
      case UNAVAILABLE -> {
        ctx.response().putHeader("Retry-After", "1");
        exceptionMessage(ctx, 503, "Service Unavailable");
      }
      case INTERNAL -> {
        LOG.error("event=request_failed method={} path={} error=\"{}\"", ctx.request().method(), ctx.request().path(), t.toString(), t);
        exceptionMessage(ctx, 500, "Internal Server Error");
      }
    }
  }
}
