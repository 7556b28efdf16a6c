package dev.baton.persistence;

import dev.baton.domain.StateDetails;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.UUID;

/**
 * Not a test: thread CPU per call of the stored state-details codec, tree-built against streaming,
 * on the text PostgreSQL returns for a typical row (bench/README.md, "CPU per set_state").
 * {@code java -cp target/baton.jar:target/test-classes dev.baton.persistence.JsonCodecBench}
 */
public final class JsonCodecBench {
  private JsonCodecBench() {}

  static volatile Object sink;

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    StateDetails d = StateDetails.builder().flowRunId(UUID.randomUUID()).taskRunId(UUID.randomUUID())
        .transitionId(UUID.randomUUID()).build();
    // jsonb's text form of what writeDetails stores
    String stored = "{\"deferred\": false, \"cache_key\": null, \"pause_key\": null, \"retriable\": null, "
        + "\"flow_run_id\": \"" + d.flowRunId() + "\", \"traceparent\": null, \"task_run_id\": \"" + d.taskRunId()
        + "\", \"pause_timeout\": null, \"refresh_cache\": null, \"transition_id\": \"" + d.transitionId()
        + "\", \"scheduled_time\": null, \"cache_expiration\": null, \"pause_reschedule\": false, "
        + "\"run_input_keyset\": null, \"child_flow_run_id\": null, \"task_parameters_id\": null, "
        + "\"untrackable_result\": false, \"deployment_concurrency_lease_id\": null}";
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 8; round++) {
      long rt = cpu(mx, n, () -> sink = JsonCodec.readDetailsTree(stored));
      long rs = cpu(mx, n, () -> sink = JsonCodec.readDetails(stored));
      long wt = cpu(mx, n, () -> sink = JsonCodec.writeDetailsTree(d));
      long ws = cpu(mx, n, () -> sink = JsonCodec.writeDetails(d));
      if (round >= 3) {
        System.out.printf("round %d: read tree %.2f us, streaming %.2f us; write tree %.2f us, streaming %.2f us%n",
            round, rt / 1e3 / n, rs / 1e3 / n, wt / 1e3 / n, ws / 1e3 / n);
      }
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
