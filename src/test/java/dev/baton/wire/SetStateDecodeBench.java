package dev.baton.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Not a test: CPU per call of the set_state body decode, tree ({@link Json#parse} then
 * {@link Bodies#setState}) against streaming ({@link Bodies#setStateFast}), and of a Vert.x timer
 * set and cancelled on an event loop (what {@code Admission} used to pay per request). Thread CPU
 * time, after a warm-up, rounds alternating A and B (bench/README.md, "CPU per set_state").
 *
 * <pre>
 * mvn -q -o test-compile &amp;&amp; java -cp target/baton.jar:target/test-classes dev.baton.wire.SetStateDecodeBench
 * </pre>
 */
public final class SetStateDecodeBench {
  private SetStateDecodeBench() {}

  static volatile Object sink;

  public static void main(String[] args) throws Exception {
    byte[] benchBody = ("{\"state\":{\"type\":\"RUNNING\",\"name\":\"Running\",\"message\":null,\"data\":null,"
        + "\"state_details\":{\"transition_id\":\"" + UUID.randomUUID() + "\"}},\"force\":false}")
        .getBytes(StandardCharsets.UTF_8);
    byte[] clientBody = ("{\"state\": {\"type\": \"COMPLETED\", \"name\": \"Completed\", \"message\": null,"
        + " \"data\": {\"storage_key\": \"/tmp/result-abc\", \"expiration\": null, \"serializer\": {\"type\": \"pickle\"}},"
        + " \"state_details\": {\"flow_run_id\": \"" + UUID.randomUUID() + "\", \"task_run_id\": \"" + UUID.randomUUID()
        + "\", \"child_flow_run_id\": null, \"scheduled_time\": null, \"cache_key\": null, \"cache_expiration\": null,"
        + " \"deferred\": false, \"untrackable_result\": false, \"pause_timeout\": null, \"pause_reschedule\": false,"
        + " \"pause_key\": null, \"run_input_keyset\": null, \"refresh_cache\": null, \"retriable\": null,"
        + " \"transition_id\": \"" + UUID.randomUUID() + "\", \"task_parameters_id\": null, \"traceparent\": null,"
        + " \"deployment_concurrency_lease_id\": null}}, \"force\": false}").getBytes(StandardCharsets.UTF_8);
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (byte[] body : new byte[][] {benchBody, clientBody}) {
      System.out.printf("body %d bytes%n", body.length);
      for (int round = 0; round < 8; round++) {
        long tree = cpu(mx, n, () -> {
          JsonNode node = Json.parse(body).value();
          sink = Bodies.setState(node).value();
        });
        long fast = cpu(mx, n, () -> sink = Bodies.setStateFast(body));
        if (round >= 3) {
          System.out.printf("  round %d: tree %.2f us, streaming %.2f us per decode%n", round, tree / 1e3 / n,
              fast / 1e3 / n);
        }
      }
    }
    Vertx vertx = Vertx.vertx();
    try {
      for (int round = 0; round < 6; round++) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        vertx.runOnContext(v -> f.complete(cpu(mx, n, () -> vertx.cancelTimer(vertx.setTimer(15_000, id -> { })))));
        long t = f.get();
        if (round >= 2) {
          System.out.printf("  timer set+cancel on an event loop: %.2f us%n", t / 1e3 / n);
        }
      }
    } finally {
      vertx.close();
    }
  }

  private static long cpu(ThreadMXBean mx, int n, Runnable r) {
    long t0 = mx.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      r.run();
    }
    return mx.getCurrentThreadCpuTime() - t0;
  }
}
