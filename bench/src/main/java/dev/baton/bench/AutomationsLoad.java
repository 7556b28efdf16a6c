package dev.baton.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Does trigger evaluation keep up with event ingestion? Rounds of two windows each, back to back
 * on one Baton: {@code off} (every automation disabled: events are stored and not put in the
 * automations' inbox) and {@code on} ({@code --automations} enabled: every stored event is also
 * evaluated against all their triggers). In both, {@code --sockets} websockets load
 * {@code /api/events/in} as {@link EventsLoad} does (Prefect 3 task-run events, pings awaited).
 * In {@code on} windows a probe socket also sends one {@code bench.probe} event every
 * {@code --probe-every-ms}, which one reactive automation (threshold 1, a do-nothing action)
 * answers; a subscriber on {@code /api/events/out} times, per probe, its
 * {@code prefect.automation.triggered} and its {@code prefect.automation.action.executed}.
 *
 * <p>The 100 automations (for {@code --automations 100}; other counts scale the groups): 1 probe;
 * 30 counting task-run completions (threshold 500 within 10 s: each fires every few seconds); 20
 * for_each task run, expecting a Failed that never comes; 10 proactive "Running but not Completed
 * within 30 s", for_each task run (a bucket per task run, closed by its Completed); 20 on task-run
 * events related to a flow that is not the load's; 19 on flow-run Failed of some deployment. All
 * act by {@code do-nothing}.
 *
 * <p>Reported per round: confirmed events/s off and on and their ratio, the events evaluated per
 * second (from {@code baton_automations_events_evaluated_total}) during the on window and the
 * seconds after it until every event of it was evaluated (the inbox drained), and the probes'
 * fire and action latencies.
 *
 * <pre>java -cp bench/target/baton-bench.jar dev.baton.bench.AutomationsLoad --url http://127.0.0.1:4200 \
 *     --automations 100 --sockets 4 --duration 20s --rounds 3</pre>
 */
public final class AutomationsLoad {
  private static final ObjectMapper M = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    String url = "http://127.0.0.1:4200";
    int automations = 100;
    int sockets = 4;
    long durationMs = 20_000;
    int checkpoint = 700;
    int rounds = 3;
    long probeEveryMs = 250;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--url" -> url = args[i + 1];
        case "--automations" -> automations = Integer.parseInt(args[i + 1]);
        case "--sockets" -> sockets = Integer.parseInt(args[i + 1]);
        case "--duration" -> durationMs = Long.parseLong(args[i + 1].replace("s", "")) * 1000;
        case "--checkpoint" -> checkpoint = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--probe-every-ms" -> probeEveryMs = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Vertx vertx = Vertx.vertx();
    try {
      WebClient http = WebClient.create(vertx);
      List<String> ids = new ArrayList<>();
      String probe = create(http, url, "bench-probe", probeTrigger());
      ids.add(probe);
      for (ObjectNode t : mix(automations - 1)) {
        ids.add(create(http, url, "bench-" + ids.size(), t));
      }
      ArrayNode results = M.createArrayNode();
      for (int r = 1; r <= rounds; r++) {
        setEnabled(http, url, ids, false);
        EventsLoad.Result off = EventsLoad.ingest(vertx, url, sockets, durationMs, checkpoint);
        setEnabled(http, url, ids, true);
        double evaluated0 = counter(http, url, "baton_automations_events_evaluated_total");
        Probes probes = new Probes(vertx, url, probe);
        probes.start(probeEveryMs);
        EventsLoad.Result on = EventsLoad.ingest(vertx, url, sockets, durationMs, checkpoint);
        double evaluated1 = counter(http, url, "baton_automations_events_evaluated_total");
        probes.stopSending();
        long drainStart = System.nanoTime();
        // drained once every event of the window has been evaluated (its task-run events and probes)
        long expected = on.confirmed() + probes.sent();
        double now = evaluated1;
        while (now - evaluated0 < expected && System.nanoTime() - drainStart < TimeUnit.SECONDS.toNanos(300)) {
          Thread.sleep(100);
          now = counter(http, url, "baton_automations_events_evaluated_total");
        }
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
        probes.awaitAnswers(5_000);
        probes.close();
        ObjectNode row = M.createObjectNode();
        row.put("round", r).put("automations", ids.size()).put("sockets", sockets)
            .put("off_events_per_s", off.eventsPerSecond()).put("on_events_per_s", on.eventsPerSecond())
            .put("ratio", Math.round(100.0 * on.eventsPerSecond() / off.eventsPerSecond()) / 100.0)
            .put("off_pong_p50_ms", off.pongMicros().getValueAtPercentile(50) / 1000.0)
            .put("on_pong_p50_ms", on.pongMicros().getValueAtPercentile(50) / 1000.0)
            .put("evaluated_per_s", Math.round((evaluated1 - evaluated0) / on.seconds()))
            .put("inbox_drain_s", Math.round(drainSeconds * 10) / 10.0);
        probes.report(row);
        results.add(row);
        System.err.println("[automations] " + row);
      }
      System.out.println(M.writerWithDefaultPrettyPrinter().writeValueAsString(results));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  // ---- the automations ----------------------------------------------------------------------

  private static ObjectNode probeTrigger() {
    ObjectNode t = trigger("Reactive", List.of(), List.of("bench.probe"), 1, 0);
    t.putObject("match").put("prefect.resource.id", "bench.probe.*");
    return t;
  }

  /** {@code n} triggers in the proportions of the class comment. */
  static List<ObjectNode> mix(int n) {
    List<ObjectNode> out = new ArrayList<>();
    String otherFlow = "prefect.flow." + UUID.randomUUID();
    for (int i = 0; i < n; i++) {
      int slot = (int) ((long) i * 99 / Math.max(1, n)); // 0..98 across the groups below
      ObjectNode t;
      if (slot < 30) {
        t = trigger("Reactive", List.of(), List.of("prefect.task-run.Completed"), 500, 10);
        t.putObject("match").put("prefect.resource.id", "prefect.task-run.*");
      } else if (slot < 50) {
        t = trigger("Reactive", List.of(), List.of("prefect.task-run.Failed"), 1, 0);
        t.putObject("match").put("prefect.resource.id", "prefect.task-run.*");
        t.putArray("for_each").add("prefect.resource.id");
      } else if (slot < 60) {
        t = trigger("Proactive", List.of("prefect.task-run.Running"), List.of("prefect.task-run.Completed"), 1, 30);
        t.putObject("match").put("prefect.resource.id", "prefect.task-run.*");
        t.putArray("for_each").add("prefect.resource.id");
      } else if (slot < 80) {
        t = trigger("Reactive", List.of(), List.of("prefect.task-run.*"), 1, 0);
        t.putObject("match_related").put("prefect.resource.id", otherFlow).put("prefect.resource.role", "flow");
      } else {
        t = trigger("Reactive", List.of(), List.of("prefect.flow-run.Failed"), 1, 0);
        t.putObject("match").put("prefect.resource.id", "prefect.flow-run.*");
        t.putObject("match_related").put("prefect.resource.id", "prefect.deployment." + UUID.randomUUID());
      }
      out.add(t);
    }
    return out;
  }

  private static ObjectNode trigger(String posture, List<String> after, List<String> expect, int threshold,
      int withinSeconds) {
    ObjectNode t = M.createObjectNode().put("type", "event").put("posture", posture);
    after.forEach(t.putArray("after")::add);
    expect.forEach(t.putArray("expect")::add);
    t.put("threshold", threshold).put("within", withinSeconds);
    return t;
  }

  private static String create(WebClient http, String url, String name, ObjectNode trigger) throws Exception {
    ObjectNode body = M.createObjectNode().put("name", name).put("enabled", true);
    body.set("trigger", trigger);
    body.putArray("actions").addObject().put("type", "do-nothing");
    HttpResponse<Buffer> r = EventsLoad.await(http.postAbs(url + "/api/automations/")
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body.toString())));
    if (r.statusCode() != 201) {
      throw new IllegalStateException("POST /api/automations/: " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject().getString("id");
  }

  private static void setEnabled(WebClient http, String url, List<String> ids, boolean enabled) throws Exception {
    for (String id : ids) {
      HttpResponse<Buffer> r = EventsLoad.await(http.patchAbs(url + "/api/automations/" + id)
          .putHeader("content-type", "application/json")
          .sendBuffer(Buffer.buffer("{\"enabled\":" + enabled + "}")));
      if (r.statusCode() != 204) {
        throw new IllegalStateException("PATCH /api/automations/" + id + ": " + r.statusCode() + " " + r.bodyAsString());
      }
    }
  }

  /** A counter's value from {@code /metrics} (0 when it is not there yet). */
  static double counter(WebClient http, String url, String name) throws Exception {
    String text = EventsLoad.await(http.getAbs(url + "/metrics").send()).bodyAsString();
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  // ---- the probes ---------------------------------------------------------------------------

  /** Probe events sent on their own socket, and their automation's events received on another. */
  private static final class Probes {
    private final Vertx vertx;
    private final URI url;
    private final String automation;
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Histogram fired = new Histogram(TimeUnit.SECONDS.toMicros(120), 3);
    private final Histogram acted = new Histogram(TimeUnit.SECONDS.toMicros(120), 3);
    private final AtomicLong firedCount = new AtomicLong();
    private final AtomicLong actedCount = new AtomicLong();
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private WebSocket in;
    private WebSocket out;
    private long timer = -1;
    private long sent;

    Probes(Vertx vertx, String url, String automation) {
      this.vertx = vertx;
      this.url = URI.create(url);
      this.automation = automation;
    }

    void start(long everyMs) throws Exception {
      out = connect("/api/events/out");
      ObjectNode filter = M.createObjectNode();
      filter.putObject("event").putArray("name").add("prefect.automation.triggered")
          .add("prefect.automation.action.executed");
      filter.putObject("resource").putArray("id").add("prefect.automation." + automation);
      java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
      out.textMessageHandler(text -> {
        if (text.contains("auth_success")) {
          ready.countDown();
          return;
        }
        received(text);
      });
      EventsLoad.await(out.writeTextMessage("{\"type\":\"auth\",\"token\":null}"));
      if (!ready.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no auth_success on /api/events/out");
      }
      ObjectNode msg = M.createObjectNode().put("type", "filter").put("backfill", false);
      msg.set("filter", filter);
      EventsLoad.await(out.writeTextMessage(msg.toString()));
      in = connect("/api/events/in");
      EventsLoad.await(in.writeTextMessage("{\"type\":\"auth\",\"token\":null}"));
      Thread.sleep(200); // the subscriber's filter is in place before the first probe
      timer = vertx.setPeriodic(everyMs, id -> {
        if (!sending.get()) {
          return;
        }
        String eventId = UUID.randomUUID().toString();
        ObjectNode e = M.createObjectNode().put("id", eventId).put("occurred", Instant.now().toString())
            .put("event", "bench.probe");
        e.putObject("resource").put("prefect.resource.id", "bench.probe." + eventId);
        e.putArray("related");
        e.putObject("payload");
        e.putNull("follows");
        sentAt.put(eventId, System.nanoTime());
        synchronized (this) {
          sent++;
        }
        in.writeTextMessage(e.toString());
      });
    }

    private void received(String text) {
      long t = System.nanoTime();
      try {
        JsonNode event = M.readTree(text).path("event");
        String name = event.path("event").asText();
        String probeId = null;
        if (name.equals("prefect.automation.triggered")) {
          probeId = event.path("payload").path("triggering_event").path("id").asText(null);
        } else {
          for (JsonNode r : event.path("related")) {
            if ("triggering-event".equals(r.path("prefect.resource.role").asText())) {
              probeId = r.path("prefect.resource.id").asText().substring("prefect.event.".length());
            }
          }
        }
        Long at = probeId == null ? null : sentAt.get(probeId);
        if (at == null) {
          return;
        }
        long micros = Math.min(fired.getHighestTrackableValue(), (t - at) / 1000);
        synchronized (this) {
          if (name.equals("prefect.automation.triggered")) {
            fired.recordValue(micros);
            firedCount.incrementAndGet();
          } else {
            acted.recordValue(micros);
            actedCount.incrementAndGet();
          }
        }
      } catch (Exception e) {
        System.err.println("[automations] unreadable message: " + e);
      }
    }

    synchronized long sent() {
      return sent;
    }

    void stopSending() {
      sending.set(false);
      vertx.cancelTimer(timer);
    }

    void awaitAnswers(long ms) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
      while (System.nanoTime() < end && (firedCount.get() < sent || actedCount.get() < sent)) {
        Thread.sleep(50);
      }
    }

    void close() throws Exception {
      EventsLoad.await(in.close());
      EventsLoad.await(out.close());
    }

    synchronized void report(ObjectNode row) {
      row.put("probes_sent", sent).put("probes_fired", firedCount.get()).put("probes_acted", actedCount.get())
          .put("fire_p50_ms", fired.getValueAtPercentile(50) / 1000.0)
          .put("fire_p99_ms", fired.getValueAtPercentile(99) / 1000.0)
          .put("fire_max_ms", fired.getMaxValue() / 1000.0)
          .put("action_p50_ms", acted.getValueAtPercentile(50) / 1000.0)
          .put("action_p99_ms", acted.getValueAtPercentile(99) / 1000.0);
    }

    private WebSocket connect(String path) throws Exception {
      return EventsLoad.await(vertx.createWebSocketClient().connect(new WebSocketConnectOptions()
          .setHost(url.getHost()).setPort(url.getPort()).setURI(path).setSubProtocols(List.of("prefect"))));
    }
  }
}
