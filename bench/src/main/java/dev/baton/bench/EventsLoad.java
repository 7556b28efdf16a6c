package dev.baton.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Event ingestion as Prefect 3 clients load it: {@code --sockets} websockets on
 * {@code /api/events/in}, each sending client-orchestrated task-run events (Pending, Running,
 * Completed per task run, all under one flow run) as fast as it can and, like Prefect's client,
 * pinging every {@code --checkpoint} events and waiting for the pong (Baton's commit confirmation)
 * before sending more. Reports confirmed events per second and the ping→pong latency.
 *
 * <pre>java -cp bench/target/baton-bench.jar dev.baton.bench.EventsLoad --url http://127.0.0.1:4200 \
 *     --sockets 4 --duration 20s --checkpoint 700</pre>
 */
public final class EventsLoad {
  private static final ObjectMapper M = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    String url = "http://127.0.0.1:4200";
    int sockets = 4;
    long durationMs = 20_000;
    int checkpoint = 700;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--url" -> url = args[i + 1];
        case "--sockets" -> sockets = Integer.parseInt(args[i + 1]);
        case "--duration" -> durationMs = Long.parseLong(args[i + 1].replace("s", "")) * 1000;
        case "--checkpoint" -> checkpoint = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Vertx vertx = Vertx.vertx();
    try {
      Result r = ingest(vertx, url, sockets, durationMs, checkpoint);
      System.out.println(M.writerWithDefaultPrettyPrinter().writeValueAsString(r.json()));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** One ingestion window: confirmed events, the seconds it took, the pongs' latency (µs). */
  record Result(int sockets, int checkpoint, double seconds, long confirmed, Histogram pongMicros) {
    long eventsPerSecond() {
      return Math.round(confirmed / seconds);
    }

    ObjectNode json() {
      ObjectNode out = M.createObjectNode();
      out.put("sockets", sockets).put("checkpoint", checkpoint).put("seconds", Math.round(seconds * 10) / 10.0)
          .put("confirmed_events", confirmed)
          .put("events_per_second", eventsPerSecond())
          .put("pong_p50_ms", pongMicros.getValueAtPercentile(50) / 1000.0)
          .put("pong_p99_ms", pongMicros.getValueAtPercentile(99) / 1000.0)
          .put("pong_max_ms", pongMicros.getMaxValue() / 1000.0);
      return out;
    }
  }

  /**
   * {@code sockets} websockets loading {@code /api/events/in} for {@code durationMs} (a new flow
   * and flow run each time), on their own threads; returns when all are closed.
   */
  static Result ingest(Vertx vertx, String url, int sockets, long durationMs, int checkpoint) throws Exception {
    URI u = URI.create(url);
    WebClient http = WebClient.create(vertx);
    String flowId = await(http.postAbs(url + "/api/flows/")
        .sendJson(M.createObjectNode().put("name", "events-load-" + UUID.randomUUID()))).bodyAsJsonObject().getString("id");
    ObjectNode frBody = M.createObjectNode().put("flow_id", flowId);
    frBody.putObject("state").put("type", "RUNNING");
    String flowRunId = await(http.postAbs(url + "/api/flow_runs/").sendBuffer(Buffer.buffer(frBody.toString())))
        .bodyAsJsonObject().getString("id");
    Histogram pongMicros = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    AtomicLong confirmed = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < sockets; s++) {
      WebSocketClient client = vertx.createWebSocketClient();
      WebSocket ws = await(client.connect(new WebSocketConnectOptions().setHost(u.getHost()).setPort(u.getPort())
          .setURI("/api/events/in").setSubProtocols(List.of("prefect"))));
      int cp = checkpoint;
      Thread t = new Thread(() -> run(ws, flowRunId, flowId, cp, end, pongMicros, confirmed), "events-load-" + s);
      threads.add(t);
      t.start();
    }
    long start = System.nanoTime();
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(sockets, checkpoint, seconds, confirmed.get(), pongMicros);
  }

  private static void run(WebSocket ws, String flowRunId, String flowId, int checkpoint, long end,
      Histogram pongMicros, AtomicLong confirmed) {
    String[][] steps = {{"PENDING", "Pending"}, {"RUNNING", "Running"}, {"COMPLETED", "Completed"}};
    try {
      await(ws.writeTextMessage("{\"type\":\"auth\",\"token\":null}"));
      long sent = 0;
      UUID taskRun = null;
      while (System.nanoTime() < end) {
        int step = (int) (sent % 3);
        if (step == 0) {
          taskRun = UUID.randomUUID();
        }
        await(ws.writeTextMessage(event(taskRun, flowRunId, flowId, steps[step][0], steps[step][1], step)));
        sent++;
        if (sent % checkpoint == 0) {
          Promise<Void> pong = Promise.promise();
          ws.pongHandler(b -> pong.tryComplete());
          long t0 = System.nanoTime();
          await(ws.writePing(Buffer.buffer("cp")));
          await(pong.future());
          synchronized (pongMicros) {
            pongMicros.recordValue(Math.min(pongMicros.getHighestTrackableValue(), (System.nanoTime() - t0) / 1000));
          }
          confirmed.addAndGet(checkpoint);
        }
      }
      await(ws.close());
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  private static String event(UUID taskRun, String flowRunId, String flowId, String type, String name, int step) {
    String now = Instant.now().toString();
    ObjectNode e = M.createObjectNode();
    e.put("occurred", now).put("event", "prefect.task-run." + name);
    e.putObject("resource").put("prefect.resource.id", "prefect.task-run." + taskRun)
        .put("prefect.resource.name", "load-" + taskRun.toString().substring(0, 3))
        .put("prefect.state-name", name).put("prefect.state-type", type).put("prefect.orchestration", "client");
    com.fasterxml.jackson.databind.node.ArrayNode related = e.putArray("related");
    related.addObject().put("prefect.resource.id", "prefect.flow-run." + flowRunId)
        .put("prefect.resource.role", "flow-run");
    related.addObject().put("prefect.resource.id", "prefect.flow." + flowId).put("prefect.resource.role", "flow");
    ObjectNode p = e.putObject("payload");
    p.putObject("validated_state").put("type", type).put("name", name).put("message", "").putObject("state_details");
    ObjectNode tr = p.putObject("task_run");
    tr.put("name", "load-" + taskRun.toString().substring(0, 3)).put("task_key", "load-task")
        .put("dynamic_key", taskRun.toString()).put("run_count", step == 0 ? 0 : 1).put("flow_run_run_count", 1)
        .put("expected_start_time", now).put("total_run_time", 0.0);
    tr.putObject("empirical_policy").put("retries", 0).put("retry_delay", 0);
    tr.putArray("tags");
    tr.putObject("labels");
    tr.putObject("task_inputs");
    e.put("id", UUID.randomUUID().toString()).putNull("follows");
    return e.toString();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
