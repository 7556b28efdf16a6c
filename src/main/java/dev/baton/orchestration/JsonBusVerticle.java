package dev.baton.orchestration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.baton.domain.ApiVersion;
import dev.baton.http.ApiHeaders;
import dev.baton.http.PathIds;
import dev.baton.http.json.Bodies;
import dev.baton.http.json.Decoded;
import dev.baton.http.json.Json;
import dev.baton.http.json.Render;
import dev.baton.http.json.ResumeBodies;
import dev.baton.http.json.ValidationError;
import dev.baton.orchestration.api.Addresses;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.ResumeCommand;
import dev.baton.orchestration.api.SetStateCommand;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The orchestration addresses in JSON ({@code <address>.json}, docs/cluster.md), for senders that
 * cannot use the typed records: other JVMs of a clustered bus, other languages through a bridge.
 * Registered with {@code consumer}, so they are reachable cluster-wide. A message is decoded with
 * the REST API's decoders (same shapes, same 422 errors), then handed to the orchestration
 * verticle as the typed command over the local bus, which gives it the proposal deadline, the
 * in-flight bound and draining like every other proposal. The answer is the REST response body.
 *
 * <p>Message: a JSON object (a {@link JsonObject}, or its text as a {@code String} or
 * {@link Buffer}); optional headers {@code baton-api} (must be {@code 1}),
 * {@code X-PREFECT-API-VERSION} and {@code User-Agent} (flow runs, as over HTTP). Reply: a
 * {@link JsonObject} {@code {state, status, details}} with headers {@code baton-api: 1},
 * {@code baton-status} (201 when this message wrote the state, else 200) and, for a WAIT on a
 * concurrency slot, {@code retry-after} (seconds). Failures: {@code fail(code, text)} with the
 * codes of {@link OrchestrationFailure}; for 422 the text is the REST API's 422 body (JSON).
 */
public final class JsonBusVerticle extends VerticleBase {
  /** The version header of the JSON format; absent means this version. */
  public static final String API_HEADER = "baton-api";
  public static final String API_VERSION = "1";
  /** Reply header: {@code 201} when this message wrote the state, else {@code 200} (as over HTTP). */
  public static final String STATUS_HEADER = "baton-status";
  public static final String RETRY_AFTER_HEADER = "retry-after";

  private final long busTimeoutMillis;
  private final long deadlineMillis;
  private OrchestrationClient client;

  /**
   * @param busTimeoutMillis local send timeout towards the orchestration verticle
   * @param deadlineMillis every JSON proposal gets this deadline from its arrival (a remote
   *     sender's clock cannot set one)
   */
  public JsonBusVerticle(long busTimeoutMillis, long deadlineMillis) {
    this.busTimeoutMillis = busTimeoutMillis;
    this.deadlineMillis = deadlineMillis;
  }

  @Override
  public Future<?> start() {
    client = new OrchestrationClient(vertx, busTimeoutMillis, deadlineMillis);
    MessageConsumer<Object> task = vertx.eventBus().consumer(Addresses.TASK_RUN_SET_STATE_JSON,
        msg -> setState(msg, false));
    MessageConsumer<Object> flow = vertx.eventBus().consumer(Addresses.FLOW_RUN_SET_STATE_JSON,
        msg -> setState(msg, true));
    MessageConsumer<Object> resume = vertx.eventBus().consumer(Addresses.FLOW_RUN_RESUME_JSON, this::resume);
    return Future.all(task.completion(), flow.completion(), resume.completion());
  }

  private void setState(Message<Object> msg, boolean flow) {
    String idField = flow ? "flow_run_id" : "task_run_id";
    withCommand(msg, idField, Bodies::setState, (id, req) -> flow
        ? SetStateCommand.flow(id, req.state(), req.force(), apiVersion(msg), clientVersion(msg))
        : SetStateCommand.task(id, req.state(), req.force()))
        .ifPresent(cmd -> answer(msg, client.send(cmd)));
  }

  private void resume(Message<Object> msg) {
    withCommand(msg, "flow_run_id", ResumeBodies::resume,
        (id, req) -> new ResumeCommand(id, req.runInput(), apiVersion(msg), clientVersion(msg)))
        .ifPresent(cmd -> answer(msg, client.send(cmd)));
  }

  /**
   * Decodes the message into a command: version header, JSON object, its run id field, the rest
   * with the REST decoder. Empty after answering 4xx.
   */
  private <T, C> java.util.Optional<C> withCommand(Message<Object> msg, String idField,
      Function<JsonNode, Decoded<T>> decoder, java.util.function.BiFunction<UUID, T, C> build) {
    String version = msg.headers().get(API_HEADER);
    if (version != null && !API_VERSION.equals(version.trim())) {
      msg.fail(OrchestrationFailure.INVALID_INPUT.code(),
          "Unsupported " + API_HEADER + " version \"" + version + "\"; this server speaks " + API_VERSION);
      return java.util.Optional.empty();
    }
    if (flowHeadersInvalid(msg)) {
      return java.util.Optional.empty();
    }
    Decoded<JsonNode> parsed = parse(msg.body());
    if (!parsed.isOk()) {
      invalid(msg, parsed.errorBody(null));
      return java.util.Optional.empty();
    }
    JsonNode root = parsed.value();
    if (root == null || !root.isObject()) {
      invalid(msg, Decoded.invalid(List.of(new ValidationError("model_attributes_type", List.of("body"),
          "Input should be a valid dictionary or object to extract fields from", root, null))).errorBody(root));
      return java.util.Optional.empty();
    }
    ObjectNode body = ((ObjectNode) root).deepCopy();
    JsonNode idNode = body.remove(idField);
    UUID id = idNode != null && idNode.isTextual() ? PathIds.parse(idNode.asText()) : null;
    if (id == null) {
      ValidationError e = idNode == null
          ? new ValidationError("missing", List.of("body", idField), "Field required", root, null)
          : new ValidationError("uuid_parsing", List.of("body", idField),
              "Input should be a valid UUID", idNode, null);
      invalid(msg, Decoded.invalid(List.of(e)).errorBody(root));
      return java.util.Optional.empty();
    }
    Decoded<T> d = decoder.apply(body);
    if (!d.isOk()) {
      invalid(msg, d.errorBody(root));
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(build.apply(id, d.value()));
  }

  /** {@code X-PREFECT-API-VERSION} checked as over HTTP (malformed or too old: 422, HTTP says 400). */
  private static boolean flowHeadersInvalid(Message<Object> msg) {
    ApiHeaders.VersionCheck check = ApiHeaders.checkApiVersion(header(msg.headers(), ApiHeaders.API_VERSION));
    if (check.error() != null) {
      msg.fail(OrchestrationFailure.INVALID_INPUT.code(), check.error());
      return true;
    }
    return false;
  }

  private static ApiVersion apiVersion(Message<Object> msg) {
    return ApiHeaders.checkApiVersion(header(msg.headers(), ApiHeaders.API_VERSION)).version();
  }

  private static String clientVersion(Message<Object> msg) {
    return ApiHeaders.clientVersion(header(msg.headers(), "User-Agent"));
  }

  private static String header(MultiMap headers, String name) {
    return headers.get(name); // case-insensitive
  }

  /** The body as a JSON tree: a JsonObject, or JSON text in a String or Buffer; anything else is 422. */
  static Decoded<JsonNode> parse(Object body) {
    if (body instanceof JsonObject o) {
      return Json.parse(o.toBuffer().getBytes());
    }
    if (body instanceof Buffer b) {
      return Json.parse(b.getBytes());
    }
    if (body instanceof String s) {
      return Json.parse(s);
    }
    String type = body == null ? "null" : body.getClass().getSimpleName();
    return Decoded.invalid(List.of(new ValidationError("model_attributes_type", List.of("body"),
        "Input should be a JSON object (JsonObject, or its text as String or Buffer), got " + type,
        TextNode.valueOf(type), null)));
  }

  private static void invalid(Message<Object> msg, ObjectNode errorBody) {
    msg.fail(OrchestrationFailure.INVALID_INPUT.code(), errorBody.toString());
  }

  private static void answer(Message<Object> msg, Future<OrchestrationResult> result) {
    result.onComplete(ar -> {
      if (ar.failed()) {
        Throwable t = ar.cause();
        if (t instanceof OrchestrationException oe) {
          msg.fail(oe.failure().code(), oe.getMessage());
        } else {
          msg.fail(OrchestrationFailure.INTERNAL.code(), "Internal Server Error");
        }
        return;
      }
      OrchestrationResult r = ar.result();
      DeliveryOptions headers = new DeliveryOptions()
          .addHeader(API_HEADER, API_VERSION)
          .addHeader(STATUS_HEADER, r.stateWritten() ? "201" : "200");
      if (r.details() != null && r.details().retryAfter() != null) {
        headers.addHeader(RETRY_AFTER_HEADER,
            String.valueOf((long) Math.max(1, Math.ceil(r.details().retryAfter()))));
      }
      msg.reply(new JsonObject(Buffer.buffer(Render.orchestrationResult(r.state(), r.status(), r.details()))),
          headers);
    });
  }
}
