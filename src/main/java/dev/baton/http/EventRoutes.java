package dev.baton.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Event;
import dev.baton.events.EventFilter;
import dev.baton.events.EventJson;
import dev.baton.events.EventFeed;
import dev.baton.events.EventRecorder;
import dev.baton.wire.Decoded;
import dev.baton.wire.Json;
import dev.baton.wire.ValidationError;
import dev.baton.wire.Times;
import dev.baton.service.EventQueries;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prefect's events API: {@code POST /events}, {@code POST /events/filter},
 * {@code GET /events/filter/next}, and the websockets {@code /events/in} (clients report events,
 * among them their task runs' state changes) and {@code /events/out} (stored, then live, events
 * matching a filter).
 *
 * <p>Websocket protocol (Prefect's): subprotocol {@code prefect}; a first text frame
 * {@code {"type":"auth","token":…}} answered {@code {"type":"auth_success"}}, or the socket closed
 * 1008 when the token is refused. On {@code /events/in} a client that sends an event first is
 * accepted as long as no token check is configured (older clients send no auth message). Then
 * one event per text frame. A frame that is not JSON or not an event closes the socket 1007, a
 * binary frame 1003, an oversized one 1009, each with a reason; nothing of that frame is stored.
 *
 * <p>Acknowledgement: Prefect's client takes a pong as confirmation of everything it sent before
 * the ping. {@link PingHold} answers a ping only once every event received before it is
 * committed; if a write fails the socket closes 1011 and the unanswered ping makes the client
 * resend. {@code POST /events} answers 204 only after the commit.
 */
public final class EventRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(EventRoutes.class);
  static final String SUBPROTOCOL = "prefect";

  private final io.vertx.core.Vertx vertx;
  private final EventQueries queries;
  private final EventRecorder recorder;
  private final Predicate<String> tokenCheck;
  private final long maxMessageBytes;
  private final Clock clock;
  private final EventFeed feed;

  /**
   * @param tokenCheck accepts the token of a websocket auth message; null = no authentication
   * @param maxMessageBytes largest websocket message (larger ⇒ close 1009)
   */
  public EventRoutes(io.vertx.core.Vertx vertx, EventQueries queries, EventRecorder recorder, EventFeed feed,
      Predicate<String> tokenCheck, long maxMessageBytes, Clock clock) {
    this.vertx = vertx;
    this.queries = queries;
    this.recorder = recorder;
    this.feed = feed;
    this.tokenCheck = tokenCheck;
    this.maxMessageBytes = maxMessageBytes;
    this.clock = clock;
  }

  public void mount(Router api) {
    api.post("/events").handler(this::post);
    api.post("/events/filter").handler(this::filter);
    api.get("/events/filter/next").handler(this::next);
    // websocket routes only: any other request to these paths is an unknown route (404), as in Prefect
    api.route("/events/in").handler(ctx -> upgrade(ctx, this::eventsIn));
    api.route("/events/out").handler(ctx -> upgrade(ctx, this::eventsOut));
  }

  // ---- REST ------------------------------------------------------------------------------

  private void post(RoutingContext ctx) {
    Http.Parsed body = Http.body(ctx);
    if (body == null) {
      return;
    }
    List<Event> events = Http.decoded(ctx, EventJson.events(body.node(), clock.instant()), body.node());
    if (events == null) {
      return;
    }
    if (!recorder.hasRoom(events.size())) {
      ctx.response().putHeader("Retry-After", "1");
      Http.exceptionMessage(ctx, 503, "Service Unavailable");
      return;
    }
    recorder.submit(events).onComplete(ar -> {
      if (ar.succeeded()) {
        Http.noContent(ctx);
      } else {
        Http.fail(ctx, ar.cause());
      }
    });
  }

  private void filter(RoutingContext ctx) {
    Http.Parsed body = Http.body(ctx);
    if (body == null) {
      return;
    }
    Instant now = Times.micros(clock.instant());
    EventJson.FilterRequest req = Http.decoded(ctx, EventJson.filterRequest(body.node(), now), body.node());
    if (req == null) {
      return;
    }
    JsonNode rawFilter = body.node() == null ? null : body.node().get("filter");
    page(ctx, req.filter(), rawFilter, now, req.limit(), 0);
  }

  private void next(RoutingContext ctx) {
    String token = ctx.request().getParam("page-token");
    Token t = token == null ? null : Token.decode(token);
    if (t == null) {
      Http.detail(ctx, 403, "Forbidden");
      return;
    }
    Decoded<EventFilter> f = EventJson.filter(t.filter(), t.now());
    if (!f.isOk()) {
      Http.detail(ctx, 403, "Forbidden");
      return;
    }
    page(ctx, f.value(), t.filter(), t.now(), t.limit(), t.offset());
  }

  private void page(RoutingContext ctx, EventFilter f, JsonNode rawFilter, Instant now, int limit, int offset) {
    queries.query(f, limit, offset).onComplete(ar -> {
      if (ar.failed()) {
        Http.fail(ctx, ar.cause());
        return;
      }
      EventQueries.Page p = ar.result();
      String nextPage = null;
      if (limit > 0 && offset + limit < p.total()) {
        String base = ctx.request().scheme() + "://" + ctx.request().authority();
        nextPage = base + "/api/events/filter/next?page-token="
            + new Token(rawFilter, now, limit, offset + limit).encode();
      }
      Http.json(ctx, 200, EventJson.page(p.events(), p.total(), nextPage));
    });
  }

  /**
   * A stateless page token: the filter as the client sent it, the instant its defaults were taken
   * at (so later pages see the same {@code until}), the page size and the offset.
   */
  record Token(JsonNode filter, Instant now, int limit, int offset) {
    String encode() {
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.set("filter", filter);
      o.put("now", now.toString());
      o.put("limit", limit);
      o.put("offset", offset);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(o.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Token decode(String s) {
      try {
        JsonNode o = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(s));
        int limit = o.get("limit").intValue();
        int offset = o.get("offset").intValue();
        if (limit < 1 || limit > EventJson.PAGE_SIZE || offset < 0) {
          return null;
        }
        JsonNode f = o.get("filter");
        return new Token(f == null || f.isNull() ? null : f, Instant.parse(o.get("now").textValue()), limit, offset);
      } catch (Exception e) {
        return null;
      }
    }
  }

  // ---- websockets ------------------------------------------------------------------------

  private void upgrade(RoutingContext ctx, java.util.function.BiConsumer<ServerWebSocket, io.vertx.core.http.HttpConnection> then) {
    String upgrade = ctx.request().getHeader("Upgrade");
    if (ctx.request().method() != io.vertx.core.http.HttpMethod.GET || upgrade == null
        || !upgrade.equalsIgnoreCase("websocket")) {
      Http.json(ctx, 404, Http.NOT_FOUND);
      return;
    }
    ctx.request().toWebSocket().onComplete(ar -> {
      if (ar.failed()) {
        LOG.debug("event=websocket_upgrade_failed path={} error=\"{}\"", ctx.request().path(), ar.cause().toString());
        if (!ctx.response().ended()) {
          Http.detail(ctx, 400, "Websocket upgrade failed");
        }
        return;
      }
      // an open socket is not a request in flight: its events are bounded by the recorder's buffer,
      // and a drain waits for them there (BatonServer), not for the socket to close
      Admission.releaseEarly(ctx);
      then.accept(ar.result(), ctx.request().connection());
    });
  }

  private static void close(ServerWebSocket ws, int code, String reason) {
    if (!ws.isClosed()) {
      // a close reason is at most 123 bytes
      String r = reason.length() > 120 ? reason.substring(0, 120) : reason;
      ws.close((short) code, r);
    }
  }

  /** The auth message, answered; false when the socket was closed instead. */
  private boolean authenticate(ServerWebSocket ws, JsonNode msg) {
    String token = msg.path("token").isTextual() ? msg.get("token").textValue() : null;
    if (tokenCheck != null && (token == null || !tokenCheck.test(token))) {
      close(ws, 1008, "Invalid token");
      return false;
    }
    ws.writeTextMessage("{\"type\":\"auth_success\"}");
    return true;
  }

  /** {@code loc: msg} of the first validation error, for a close reason. */
  private static String firstError(List<ValidationError> errors) {
    if (errors == null || errors.isEmpty()) {
      return "invalid";
    }
    ValidationError e = errors.get(0);
    List<String> loc = new ArrayList<>();
    e.loc().stream().skip(1).forEach(p -> loc.add(String.valueOf(p)));
    return (loc.isEmpty() ? "" : String.join(".", loc) + ": ") + e.msg();
  }

  private static boolean isType(JsonNode msg, String type) {
    return msg != null && msg.isObject() && type.equals(msg.path("type").asText(null));
  }

  /** Parses a text frame as JSON, or closes 1007 (or 1009 when too big) and returns null. */
  private JsonNode parseFrame(ServerWebSocket ws, String text) {
    if (text.length() > maxMessageBytes || text.getBytes(StandardCharsets.UTF_8).length > maxMessageBytes) {
      close(ws, 1009, "Message too big: at most " + maxMessageBytes + " bytes");
      return null;
    }
    Decoded<JsonNode> parsed = Json.parse(text);
    if (!parsed.isOk() || parsed.value() == null) {
      close(ws, 1007, "Invalid JSON");
      return null;
    }
    return parsed.value();
  }

  /** {@code /events/in}: one connection. */
  private void eventsIn(ServerWebSocket ws, io.vertx.core.http.HttpConnection connection) {
    PingHold hold = installPingHold(connection);
    new InConnection(ws, hold).start();
  }

  /**
   * Puts a {@link PingHold} in front of Vert.x's websocket handler (named {@code handler}) in the
   * connection's Netty pipeline; null (logged) when the connection does not expose it. This runs
   * on the connection's event loop in the same task that completed the handshake, before any
   * frame of the client can be read, so the hold's message count and the socket handler's agree
   * from the first message on.
   */
  private static PingHold installPingHold(io.vertx.core.http.HttpConnection connection) {
    if (connection instanceof io.vertx.core.net.impl.ConnectionBase base
        && base.channel().pipeline().get("handler") != null) {
      PingHold hold = new PingHold();
      base.channel().pipeline().addBefore("handler", PingHold.NAME, hold);
      return hold;
    }
    LOG.warn("event=ping_hold_unavailable connection={}; pongs are not tied to commits", connection.getClass().getName());
    return null;
  }

  private final class InConnection {
    private final ServerWebSocket ws;
    private final PingHold hold;
    private long received;
    private final TreeSet<Long> unsettled = new TreeSet<>();
    private boolean first = true;
    private boolean waitingForRoom;

    InConnection(ServerWebSocket ws, PingHold hold) {
      this.ws = ws;
      this.hold = hold;
    }

    void start() {
      ws.textMessageHandler(this::onText);
      ws.binaryMessageHandler(b -> close(ws, 1003, "Binary frames are not accepted: one JSON event per text frame"));
      ws.exceptionHandler(this::onError);
    }

    /** Vert.x reports a message over the size limit as an IllegalStateException (and drops it). */
    private void onError(Throwable t) {
      if (t instanceof IllegalStateException) {
        close(ws, 1009, "Message too big: at most " + maxMessageBytes + " bytes");
      } else {
        LOG.debug("event=events_in_error error=\"{}\"", t.toString());
      }
    }

    private void settled(long seq) {
      unsettled.remove(seq);
      if (hold != null) {
        hold.settledUpTo(unsettled.isEmpty() ? received : unsettled.first() - 1);
      }
    }

    private void onText(String text) {
      long seq = ++received;
      if (ws.isClosed()) {
        return;
      }
      unsettled.add(seq);
      JsonNode msg = parseFrame(ws, text);
      if (msg == null) {
        return;
      }
      if (first) {
        first = false;
        if (isType(msg, "auth")) {
          if (authenticate(ws, msg)) {
            settled(seq);
          }
          return;
        }
        if (tokenCheck != null) {
          close(ws, 1008, "Expected 'auth' message");
          return;
        }
      }
      Decoded<Event> d = EventJson.event(msg, clock.instant());
      if (!d.isOk()) {
        close(ws, 1007, "Invalid event: " + firstError(d.errors()));
        return;
      }
      recorder.submit(List.of(d.value())).onComplete(ar -> {
        if (ar.succeeded()) {
          settled(seq);
        } else {
          LOG.warn("event=events_in_write_failed error=\"{}\"", ar.cause().toString());
          close(ws, 1011, "Events could not be stored; resend them");
        }
      });
      if (!recorder.hasRoom(1) && !waitingForRoom) {
        waitingForRoom = true;
        ws.pause();
        recorder.whenRoom(() -> {
          waitingForRoom = false;
          if (!ws.isClosed()) {
            ws.resume();
          }
        });
      }
    }
  }

  /** {@code /events/out}: auth, a filter message, the backfill, then live events. */
  private void eventsOut(ServerWebSocket ws, io.vertx.core.http.HttpConnection connection) {
    new OutConnection(ws).start();
  }

  private final class OutConnection {
    private final ServerWebSocket ws;
    private int step; // 0: expecting auth, 1: expecting filter, 2: streaming
    private EventFilter filter;
    private MessageConsumer<EventRecorder.Recorded> consumer;
    private List<Event> duringBackfill = new ArrayList<>();
    private Set<UUID> backfilled = new HashSet<>();

    OutConnection(ServerWebSocket ws) {
      this.ws = ws;
    }

    void start() {
      ws.textMessageHandler(this::onText);
      ws.binaryMessageHandler(b -> close(ws, 1003, "Binary frames are not accepted"));
      ws.closeHandler(v -> unsubscribe());
      ws.exceptionHandler(t -> LOG.debug("event=events_out_error error=\"{}\"", t.toString()));
    }

    private void unsubscribe() {
      if (consumer != null) {
        consumer.unregister();
        consumer = null;
        feed.unsubscribed();
      }
    }

    private void onText(String text) {
      if (ws.isClosed()) {
        return;
      }
      JsonNode msg = parseFrame(ws, text);
      if (msg == null) {
        return;
      }
      switch (step) {
        case 0 -> {
          if (!isType(msg, "auth")) {
            close(ws, 1008, "Expected 'auth' message");
          } else if (authenticate(ws, msg)) {
            step = 1;
          }
        }
        case 1 -> {
          if (!isType(msg, "filter")) {
            close(ws, 1002, "Expected 'filter' message");
            return;
          }
          Decoded<EventFilter> f = EventJson.filter(msg.get("filter"), clock.instant());
          if (!f.isOk()) {
            close(ws, 1002, "Invalid filter: " + firstError(f.errors()));
            return;
          }
          step = 2;
          filter = f.value();
          subscribe(!msg.has("backfill") || msg.get("backfill").asBoolean(true));
        }
        default -> { } // nothing more is expected from a subscriber
      }
    }

    private void subscribe(boolean backfill) {
      // live events first, so nothing committed during the backfill query is missed; other
      // instances' events and every server event arrive through the feed
      if (ws.isClosed()) {
        return;
      }
      feed.subscribed();
      consumer = vertx.eventBus().localConsumer(EventRecorder.RECORDED_ADDRESS, m -> {
        for (Event e : m.body().events()) {
          if (filter.matchesLive(e)) {
            if (duringBackfill != null) {
              duringBackfill.add(e);
            } else {
              send(e);
            }
          }
        }
      });
      if (!backfill) {
        duringBackfill = null;
        return;
      }
      queries.query(filter, EventJson.BACKFILL, 0).onComplete(ar -> {
        if (ar.failed()) {
          LOG.warn("event=events_out_backfill_failed error=\"{}\"", ar.cause().toString());
          close(ws, 1011, "Backfill failed");
          return;
        }
        List<Event> events = new ArrayList<>(ar.result().events());
        events.sort(Comparator.comparing(Event::occurred));
        for (Event e : events) {
          backfilled.add(e.id());
          send(e);
        }
        List<Event> live = duringBackfill;
        duringBackfill = null;
        for (Event e : live) {
          if (!backfilled.contains(e.id())) {
            send(e);
          }
        }
        backfilled = null;
      });
    }

    private void send(Event e) {
      if (ws.isClosed()) {
        return;
      }
      if (ws.writeQueueFull()) {
        close(ws, 1013, "Subscriber too slow");
        return;
      }
      ws.writeTextMessage(EventJson.outFrame(e));
    }

  }
}
