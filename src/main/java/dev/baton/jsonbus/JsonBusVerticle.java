package dev.baton.jsonbus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.config.BatonConfig;
import dev.baton.domain.ApiVersion;
import dev.baton.wire.Bodies;
import dev.baton.wire.ConcurrencyBodies;
import dev.baton.wire.ConcurrencyRender;
import dev.baton.wire.Decoded;
import dev.baton.wire.Json;
import dev.baton.wire.Render;
import dev.baton.wire.ResumeBodies;
import dev.baton.orchestration.api.AcquireSlotsCommand;
import dev.baton.orchestration.api.Addresses;
import dev.baton.orchestration.api.CreateFlowRunCommand;
import dev.baton.orchestration.api.CreateTaskRunCommand;
import dev.baton.orchestration.api.CreatedRun;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.ReadCommand;
import dev.baton.orchestration.api.ReleaseLeaseCommand;
import dev.baton.orchestration.api.RenewLeaseCommand;
import dev.baton.orchestration.api.ResumeCommand;
import dev.baton.orchestration.api.SetStateCommand;
import dev.baton.orchestration.api.SlotsResult;
import dev.baton.orchestration.api.StateHistory;
import dev.baton.failure.Failures;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The JSON twin of every typed address ({@code <address>.json}, {@link Addresses#json}): for other
 * languages and for a clustered event bus. A message is the REST route's JSON body as a
 * {@code String} (path parameters as headers), with {@value Addresses#VERSION_HEADER}:
 * {@value Addresses#VERSION}; it is decoded and validated by the same decoders as HTTP, sent on
 * as the typed command (so it is bounded by the same admission), and the result rendered as the
 * REST answer with a {@value Addresses#STATUS_HEADER} header. Failures are
 * {@code message.fail(code, text)} with the codes of {@link OrchestrationFailure}; a body that
 * does not validate fails 422 with the REST API's JSON error body as its text.
 */
public final class JsonBusVerticle extends VerticleBase {
  private final Clock clock;
  private final BatonConfig.Api api;
  private final long busTimeoutMs;
  private final long deadlineMs;
  private OrchestrationClient client;

  public JsonBusVerticle(Clock clock, BatonConfig.Api api, BatonConfig.Overload overload) {
    this.clock = clock;
    this.api = api;
    this.busTimeoutMs = overload.busTimeoutMs();
    this.deadlineMs = overload.proposalDeadlineMs();
  }

  /** A decoded JSON message: the typed request to send and how to render its result. */
  private record Call<T>(Supplier<Future<T>> send, Function<T, Answer> render) {}

  /** A JSON reply: REST status and body (null for 204). */
  private record Answer(int status, byte[] body, String retryAfter) {
    static Answer of(int status, byte[] body) {
      return new Answer(status, body, null);
    }
  }

  @FunctionalInterface
  private interface Decoder {
    /** The call for a valid message; throws {@link Invalid} for a bad one. */
    Call<?> decode(Message<?> msg, JsonNode body, long deadline);
  }

  /** A message refused before it was sent on: INVALID_INPUT with this text. */
  private static final class Invalid extends RuntimeException {
    Invalid(String text) {
      super(text, null, false, false);
    }
  }

  @Override
  public Future<?> start() {
    client = new OrchestrationClient(vertx, busTimeoutMs, deadlineMs);
    List<Future<Void>> ready = new ArrayList<>();
    serve(ready, Addresses.TASK_RUN_SET_STATE, (m, b, d) -> {
      Bodies.SetState req = decode(Bodies.setState(b), b);
      SetStateCommand cmd = SetStateCommand.task(id(m), req.state(), req.force()).withDeadline(d);
      return new Call<>(() -> client.send(cmd), JsonBusVerticle::orchestrated);
    });
    serve(ready, Addresses.FLOW_RUN_SET_STATE, (m, b, d) -> {
      Bodies.SetState req = decode(Bodies.setState(b), b);
      SetStateCommand cmd = SetStateCommand.flow(id(m), req.state(), req.force(), apiVersion(m), null).withDeadline(d);
      return new Call<>(() -> client.send(cmd), JsonBusVerticle::orchestrated);
    });
    serve(ready, Addresses.FLOW_RUN_RESUME, (m, b, d) -> {
      ResumeBodies.Resume req = decode(ResumeBodies.resume(b), b);
      ResumeCommand cmd = new ResumeCommand(id(m), req.runInput(), apiVersion(m), null, d);
      return new Call<>(() -> client.send(cmd), JsonBusVerticle::orchestrated);
    });
    serve(ready, Addresses.FLOW_CREATE, (m, b, d) -> {
      var cmd = new dev.baton.orchestration.api.CreateFlowCommand(decode(Bodies.flowCreate(b), b), d);
      return new Call<CreatedRun<dev.baton.domain.Flow>>(() -> client.request(Addresses.FLOW_CREATE, cmd),
          c -> Answer.of(c.created() ? 201 : 200, Render.flow(c.run())));
    });
    serve(ready, Addresses.FLOW_RUN_CREATE, (m, b, d) -> {
      CreateFlowRunCommand cmd = new CreateFlowRunCommand(decode(Bodies.flowRunCreate(b, api.maxParameterSize()), b),
          apiVersion(m), d);
      return new Call<CreatedRun<dev.baton.domain.FlowRun>>(() -> client.request(Addresses.FLOW_RUN_CREATE, cmd),
          c -> Answer.of(c.created() ? 201 : 200, Render.flowRun(c.run(), now())));
    });
    serve(ready, Addresses.TASK_RUN_CREATE, (m, b, d) -> {
      CreateTaskRunCommand cmd = new CreateTaskRunCommand(decode(Bodies.taskRunCreate(b, api.maxCacheKeyLength()), b), d);
      return new Call<CreatedRun<dev.baton.domain.TaskRun>>(() -> client.request(Addresses.TASK_RUN_CREATE, cmd),
          c -> Answer.of(c.created() ? 201 : 200, Render.taskRun(c.run(), now())));
    });
    serve(ready, Addresses.FLOW_RUN_READ, (m, b, d) -> this.<dev.baton.domain.FlowRun>read(Addresses.FLOW_RUN_READ, new ReadCommand(id(m), d), r -> Answer.of(200, Render.flowRun(r, now()))));
    serve(ready, Addresses.TASK_RUN_READ, (m, b, d) -> this.<dev.baton.domain.TaskRun>read(Addresses.TASK_RUN_READ, new ReadCommand(id(m), d), r -> Answer.of(200, Render.taskRun(r, now()))));
    serve(ready, Addresses.FLOW_RUN_STATES, (m, b, d) -> this.<StateHistory>read(Addresses.FLOW_RUN_STATES, new ReadCommand(id(m), d),
        h -> Answer.of(200, Render.list(h.states(), Render::state))));
    serve(ready, Addresses.TASK_RUN_STATES, (m, b, d) -> this.<StateHistory>read(Addresses.TASK_RUN_STATES, new ReadCommand(id(m), d),
        h -> Answer.of(200, Render.list(h.states(), Render::state))));
    serve(ready, Addresses.CONCURRENCY_ACQUIRE, (m, b, d) -> {
      ConcurrencyBodies.Increment req = decode(ConcurrencyBodies.incrementWithLease(b), b);
      AcquireSlotsCommand cmd = new AcquireSlotsCommand(req.names(), req.slots(), true, req.leaseDuration(),
          req.holder() == null ? null : req.holder().type(), req.holder() == null ? null : req.holder().id(),
          req.rateLimit(), d);
      return new Call<SlotsResult>(() -> client.acquireSlots(cmd), r -> r.acquired()
          ? Answer.of(200, ConcurrencyRender.acquired(r))
          : new Answer(423, Render.detail("Locked"), String.valueOf(r.retryAfterSeconds())));
    });
    serve(ready, Addresses.CONCURRENCY_RELEASE, (m, b, d) -> {
      ReleaseLeaseCommand cmd = new ReleaseLeaseCommand(decode(ConcurrencyBodies.leaseId(b), b), d);
      return new Call<Integer>(() -> client.request(Addresses.CONCURRENCY_RELEASE, cmd), n -> Answer.of(204, null));
    });
    serve(ready, Addresses.CONCURRENCY_RENEW, (m, b, d) -> {
      RenewLeaseCommand cmd = new RenewLeaseCommand(id(m), decode(ConcurrencyBodies.renew(b), b), d);
      return new Call<Void>(() -> client.request(Addresses.CONCURRENCY_RENEW, cmd), v -> Answer.of(204, null));
    });
    return Future.all(ready);
  }

  private <T> Call<T> read(String address, ReadCommand cmd, Function<T, Answer> render) {
    return new Call<>(() -> client.request(address, cmd), render);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** A consumer that a clustered event bus can reach ({@code consumer}, not {@code localConsumer}). */
  private void serve(List<Future<Void>> ready, String typedAddress, Decoder decoder) {
    MessageConsumer<Object> c = vertx.eventBus().consumer(Addresses.json(typedAddress), msg -> handle(msg, decoder));
    ready.add(c.completion());
  }

  @SuppressWarnings("unchecked")
  private void handle(Message<Object> raw, Decoder decoder) {
    String version = raw.headers().get(Addresses.VERSION_HEADER);
    if (!Addresses.VERSION.equals(version)) {
      raw.fail(OrchestrationFailure.INVALID_INPUT.code(), "Unsupported message format: header " + Addresses.VERSION_HEADER
          + " must be " + Addresses.VERSION + (version == null ? " (missing)" : " (was " + version + ")"));
      return;
    }
    // JSON text as a String (or Buffer), or a JsonObject as the SockJS / TCP bridges deliver it
    byte[] bytes = raw.body() == null ? null
        : raw.body() instanceof String t ? t.getBytes(StandardCharsets.UTF_8)
        : raw.body() instanceof io.vertx.core.buffer.Buffer b ? b.getBytes()
        : raw.body() instanceof io.vertx.core.json.JsonObject o ? o.toBuffer().getBytes()
        : null;
    if (raw.body() != null && bytes == null) {
      raw.fail(OrchestrationFailure.INVALID_INPUT.code(),
          "The body of a JSON message must be JSON text (String or Buffer) or a JsonObject");
      return;
    }
    Message<Object> msg = raw;
    JsonNode body = null;
    if (bytes != null && bytes.length > 0) {
      Decoded<JsonNode> parsed = Json.parse(bytes);
      if (!parsed.isOk()) {
        msg.fail(OrchestrationFailure.INVALID_INPUT.code(), Render.validationErrorNode(parsed.errors(), null).toString());
        return;
      }
      body = parsed.value();
    }
    Call<Object> call;
    try {
      call = (Call<Object>) decoder.decode(msg, body, deadline(msg));
    } catch (Invalid e) {
      msg.fail(OrchestrationFailure.INVALID_INPUT.code(), e.getMessage());
      return;
    }
    Future<Object> sent;
    try {
      sent = call.send().get();
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    sent.onComplete(ar -> {
      if (ar.failed()) {
        OrchestrationException e = Failures.classify(ar.cause());
        msg.fail(e.failure().code(), e.getMessage());
        return;
      }
      Answer a;
      try {
        a = call.render().apply(ar.result());
      } catch (RuntimeException e) {
        msg.fail(OrchestrationFailure.INTERNAL.code(), "Internal Server Error");
        return;
      }
      DeliveryOptions o = new DeliveryOptions()
          .addHeader(Addresses.VERSION_HEADER, Addresses.VERSION)
          .addHeader(Addresses.STATUS_HEADER, String.valueOf(a.status()));
      if (a.retryAfter() != null) {
        o.addHeader(Addresses.RETRY_AFTER_HEADER, a.retryAfter());
      }
      msg.reply(a.body() == null ? null : new String(a.body(), StandardCharsets.UTF_8), o);
    });
  }

  private static Answer orchestrated(OrchestrationResult r) {
    Answer a = Answer.of(r.stateWritten() ? 201 : 200, Render.orchestrationResult(r.state(), r.status(), r.details()));
    if (r.details() != null && r.details().retryAfter() != null) {
      return new Answer(a.status(), a.body(), String.valueOf(r.details().retryAfter()));
    }
    return a;
  }

  private static <T> T decode(Decoded<T> d, JsonNode body) {
    if (!d.isOk()) {
      throw new Invalid(d.errorBody(body).toString());
    }
    return d.value();
  }

  private static UUID id(Message<?> m) {
    String raw = m.headers().get(Addresses.ID_HEADER);
    if (raw == null) {
      throw new Invalid("Header " + Addresses.ID_HEADER + " is required: the id the REST route takes in its path");
    }
    try {
      UUID id = UUID.fromString(raw.trim());
      if (!id.toString().equalsIgnoreCase(raw.trim())) {
        throw new IllegalArgumentException();
      }
      return id;
    } catch (IllegalArgumentException e) {
      throw new Invalid("Header " + Addresses.ID_HEADER + " must be a UUID");
    }
  }

  private static ApiVersion apiVersion(Message<?> m) {
    String raw = m.headers().get(Addresses.API_VERSION_HEADER);
    if (raw == null) {
      return null;
    }
    ApiVersion v = ApiVersion.parse(raw);
    if (v == null) {
      throw new Invalid("Header " + Addresses.API_VERSION_HEADER + " must be a version x.y.z");
    }
    return v;
  }

  private long deadline(Message<?> m) {
    String raw = m.headers().get(Addresses.DEADLINE_HEADER);
    long ms = deadlineMs;
    if (raw != null) {
      try {
        ms = Long.parseLong(raw.trim());
      } catch (NumberFormatException e) {
        throw new Invalid("Header " + Addresses.DEADLINE_HEADER + " must be an integer number of milliseconds");
      }
      if (ms <= 0 || ms > deadlineMs) {
        // a caller may shorten the deadline, not extend it past the server's bound
        ms = Math.max(0, Math.min(ms, deadlineMs));
      }
    }
    return Deadline.in(ms);
  }
}
