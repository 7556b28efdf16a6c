package dev.baton.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.baton.filter.Keyset;
import dev.baton.observability.Decisions;
import dev.baton.observability.MetricsDigest;
import dev.baton.service.Console;
import dev.baton.service.ConsoleLive;
import dev.baton.service.ConcurrencyLimits;
import dev.baton.wire.ConcurrencyRender;
import dev.baton.wire.ConsoleBodies;
import dev.baton.wire.Render;
import dev.baton.wire.Times;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The operator console (docs/console.md): its page at {@code /} and assets under {@code /console/}
 * (from the jar, {@code src/main/resources/console}), and the API the REST API lacks, under
 * {@code /api/console}:
 *
 * <ul>
 *   <li>{@code GET /api/console/overview}: the live feed's last snapshot (metrics of the last
 *       minutes, runs by state, changes of the last second), runs counted now when older than the
 *       feed's counting delay;
 *   <li>{@code GET /api/console/live}: the same snapshot once a second, as server-sent events
 *       ({@code event: snapshot}), rendered once per HTTP verticle for all its pages;
 *   <li>{@code POST /api/console/flow_runs}, {@code /task_runs}: keyset pages ({@link ConsoleBodies});
 *
 *   <li>{@code GET /api/console/concurrency_limits}: the v2 limits (tag limits included) with their
 *       denied slots, which the API's filter leaves out;
 *   <li>{@code GET /api/console/decisions/{run_id}}: the REJECT, WAIT and ABORT answers this instance
 *       gave the run lately, with the deciding rule and reason ({@link Decisions});
 * </ul>
 *
 * <p>One instance per HTTP verticle: its streams are written on its own event loop.
 */
final class ConsoleRoutes {
  /** Paths served without credentials (the page and its assets hold none; the API calls carry them). */
  static boolean isAsset(String path) {
    return path.equals("/") || path.equals("/index.html") || path.startsWith("/console/") && !path.contains("..");
  }

  /** What the page may load and where it may connect: this origin only, no inline script, no frames. */
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private final Console console;
  private final ConsoleLive live;
  private final ConcurrencyLimits limits;
  private final Supplier<Instant> now;
  private final Set<HttpServerResponse> streams = new LinkedHashSet<>();
  private final ConsoleLive.Listener listener = this::ticked;
  private Context context;

  ConsoleRoutes(Console console, ConsoleLive live, ConcurrencyLimits limits, Supplier<Instant> now) {
    this.console = console;
    this.limits = limits;
    this.live = live;
    this.now = now;
  }

  /** The API routes on {@code api} (under /api), the page and its assets on {@code root}. */
  void mount(Vertx vertx, Router root, Router api) {
    this.context = vertx.getOrCreateContext();
    api.get("/console/overview").handler(this::overview);
    api.get("/console/live").handler(this::stream);
    // v2 limits with their denied slots (the API's filter shows no denied_slots, as Prefect's)
    api.get("/console/concurrency_limits").handler(ctx -> Http.reply(ctx, limits.list(ConsoleBodies.MAX_LIMIT, 0),
        list -> Http.json(ctx, 200, Render.list(list, ConcurrencyRender::v2Full))));
    api.get("/console/decisions/:id").handler(ctx -> Http.withId(ctx, id -> Http.json(ctx, 200,
        Render.list(live.decisions().forRun(id), ConsoleRoutes::decision))));
    api.post("/console/flow_runs").handler(ctx -> Http.withBody(ctx, ConsoleBodies::keyset, req ->
        Http.reply(ctx, console.flowRuns(req.filter(), req.after(), req.limit()), page ->
            Http.json(ctx, 200, page(page, (g, r) -> Render.flowRun(g, r, now.get()))))));
    api.post("/console/task_runs").handler(ctx -> Http.withBody(ctx, ConsoleBodies::keyset, req ->
        Http.reply(ctx, console.taskRuns(req.filter(), req.after(), req.limit()), page ->
            Http.json(ctx, 200, page(page, (g, r) -> Render.taskRun(g, r, now.get()))))));

    // the assets are console/<name> in the jar; the handler serves the path below the route's prefix
    StaticHandler assets = StaticHandler.create("console").setCachingEnabled(false).setDirectoryListing(false)
        .setDefaultContentEncoding("UTF-8");
    root.get("/").handler(ctx -> ctx.reroute("/console/index.html"));
    root.get("/index.html").handler(ctx -> ctx.reroute("/console/index.html"));
    root.get("/console/*").handler(this::pageHeaders).handler(assets);
  }

  private void pageHeaders(RoutingContext ctx) {
    ctx.response().putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cache-Control", "no-cache");
    ctx.next();
  }

  private void overview(RoutingContext ctx) {
    Http.reply(ctx, live.counts(), counts -> {
      ConsoleLive.Snapshot s = live.latest();
      Http.json(ctx, 200, snapshot(new ConsoleLive.Snapshot(s.seq(), s.at(), s.metrics(), counts, s.changes(),
          s.changesDropped(), s.pages())));
    });
  }

  /**
   * Server-sent events: the last snapshot at once, then one a second. The stream holds no in-flight
   * place (it does no work of its own); a client too slow to take a second's update misses it
   * rather than queueing it.
   */
  private void stream(RoutingContext ctx) {
    Admission.releaseEarly(ctx);
    HttpServerResponse res = ctx.response();
    res.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Accel-Buffering", "no");
    res.write(Buffer.buffer("retry: 2000\n\n")).compose(v -> res.write(event(snapshot(live.latest()))));
    if (streams.isEmpty()) {
      live.addListener(listener);
    }
    streams.add(res);
    live.pageOpened();
    Runnable closed = new Runnable() {
      private boolean done;

      @Override
      public void run() {
        if (!done) {
          done = true;
          streams.remove(res);
          live.pageClosed();
          if (streams.isEmpty()) {
            live.removeListener(listener);
          }
        }
      }
    };
    res.closeHandler(v -> closed.run());
    res.endHandler(v -> closed.run());
  }

  /** On the feed's context: one render for all this verticle's streams, written on its own loop. */
  private void ticked(ConsoleLive.Snapshot s) {
    context.runOnContext(v -> {
      if (streams.isEmpty()) {
        return;
      }
      Buffer b = event(snapshot(s));
      for (HttpServerResponse res : streams) {
        if (!res.writeQueueFull()) {
          res.write(b);
        }
      }
    });
  }

  private static Buffer event(byte[] json) {
    Buffer b = Buffer.buffer(json.length + 32);
    b.appendString("event: snapshot\ndata: ").appendBytes(json).appendString("\n\n");
    return b;
  }

  // ---- JSON ----------------------------------------------------------------------------------

  private static <T> byte[] page(Console.KeysetPage<T> page, Render.Item<T> item) {
    return Render.bytes(g -> {
      g.writeStartObject();
      g.writeFieldName("results");
      Render.list(g, page.items(), item);
      Keyset next = page.next();
      g.writeStringField("next", ConsoleBodies.cursor(next));
      g.writeBooleanField("partial", page.partial());
      g.writeNumberField("scanned", page.scanned());
      g.writeEndObject();
    });
  }

  private static void decision(JsonGenerator g, Decisions.Decision d) throws IOException {
    g.writeStartObject();
    g.writeStringField("at", Times.format(d.at()));
    g.writeStringField("run_kind", d.runKind());
    g.writeStringField("run_id", d.runId().toString());
    g.writeStringField("proposed_type", d.proposed());
    g.writeStringField("status", d.status());
    g.writeStringField("rule", d.rule());
    g.writeStringField("reason", d.reason());
    g.writeStringField("state_type", d.stateType());
    g.writeStringField("state_name", d.stateName());
    g.writeEndObject();
  }

  static byte[] snapshot(ConsoleLive.Snapshot s) {
    return Render.bytes(g -> {
      g.writeStartObject();
      g.writeNumberField("seq", s.seq());
      g.writeStringField("at", Times.format(s.at()));
      g.writeNumberField("pages", s.pages());
      counts(g, s.counts());
      metrics(g, s.metrics());
      g.writeArrayFieldStart("changes");
      for (ConsoleLive.RunChange c : s.changes()) {
        g.writeStartObject();
        g.writeStringField("kind", c.kind());
        g.writeStringField("id", c.id().toString());
        g.writeStringField("state_type", c.stateType());
        g.writeStringField("state_name", c.stateName());
        g.writeStringField("timestamp", c.timestamp() == null ? null : Times.format(c.timestamp()));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeNumberField("changes_dropped", s.changesDropped());
      g.writeEndObject();
    });
  }

  private static void counts(JsonGenerator g, Console.StateCounts c) throws IOException {
    if (c == null) {
      g.writeNullField("counts");
      return;
    }
    g.writeObjectFieldStart("counts");
    g.writeStringField("at", Times.format(c.at()));
    g.writeNumberField("took_ms", c.millis());
    byState(g, "flow_runs", c.flowRuns());
    byState(g, "task_runs", c.taskRuns());
    g.writeEndObject();
  }

  private static void byState(JsonGenerator g, String name, Map<String, Long> m) throws IOException {
    g.writeObjectFieldStart(name);
    for (var e : m.entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  private static void metrics(JsonGenerator g, MetricsDigest.View v) throws IOException {
    g.writeObjectFieldStart("metrics");
    g.writeNumberField("window_seconds", ConsoleLive.HEADLINE_SECONDS);
    g.writeNumberField("kept_seconds", v.recentSeconds());
    g.writeNumberField("transitions_per_s", round(v.transitionsPerSecond()));
    g.writeNumberField("events_per_s", round(v.eventsPerSecond()));
    number(g, "p99_ms", v.p99Millis());
    g.writeNumberField("proposals_total", v.proposalsTotal());
    g.writeArrayFieldStart("by_rule");
    for (MetricsDigest.Count c : v.byRule()) {
      int sp = c.kind().indexOf(' ');
      g.writeStartObject();
      g.writeStringField("run_kind", c.kind().substring(0, sp));
      g.writeStringField("status", c.kind().substring(sp + 1));
      g.writeStringField("rule", c.key());
      g.writeNumberField("total", c.total());
      g.writeNumberField("recent", c.recent());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("overload");
    for (MetricsDigest.Count c : v.overload()) {
      g.writeStartObject();
      g.writeStringField("reason", c.key());
      g.writeNumberField("total", c.total());
      g.writeNumberField("recent", c.recent());
      g.writeEndObject();
    }
    g.writeEndArray();
    // the per-second points, column-wise (300 of them every second: keep it small)
    g.writeObjectFieldStart("series");
    column(g, "t", v, p -> (double) p.atMillis());
    column(g, "accepted", v, MetricsDigest.Point::accepted);
    column(g, "rejected", v, MetricsDigest.Point::rejected);
    column(g, "waited", v, MetricsDigest.Point::waited);
    column(g, "aborted", v, MetricsDigest.Point::aborted);
    column(g, "events", v, MetricsDigest.Point::events);
    column(g, "overload", v, MetricsDigest.Point::overloadRefused);
    column(g, "p99_ms", v, MetricsDigest.Point::p99Millis);
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void column(JsonGenerator g, String name, MetricsDigest.View v,
      java.util.function.Function<MetricsDigest.Point, Double> f) throws IOException {
    g.writeArrayFieldStart(name);
    for (MetricsDigest.Point p : v.points()) {
      number(g, null, f.apply(p));
    }
    g.writeEndArray();
  }

  private static void number(JsonGenerator g, String field, Double d) throws IOException {
    if (field != null) {
      g.writeFieldName(field);
    }
    if (d == null || d.isNaN() || d.isInfinite()) {
      g.writeNull();
    } else {
      g.writeNumber(round(d));
    }
  }

  private static double round(double d) {
    return Math.round(d * 100.0) / 100.0;
  }
}
