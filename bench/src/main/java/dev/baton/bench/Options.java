package dev.baton.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Command-line options of the load generator, parsed once. */
final class Options {
  String url = "http://127.0.0.1:4200";
  String apiPrefix = "/api";
  String scenario = "set-state-only";
  int workers = 8;
  long durationNanos = seconds(30);
  long warmupNanos = seconds(5);
  /** Open loop when > 0: target transitions (requests) per second. */
  double rate = 0;
  String out;
  long batonPid = -1;
  long pgPid = -1;
  List<Long> pgPids = new ArrayList<>();
  /** set-state-only: task runs created during setup; 0 = estimate from duration. */
  int prefill = 0;
  int setupConcurrency = 32;
  int threads = 1;
  int flowRuns = 16;
  long requestTimeoutMs = 30_000;
  String label = "";
  /** The floor's transactions/s at this concurrency, measured just before (bench/floor.sh); 0 = none. */
  double floorTps = 0;
  /** contended: the tag's concurrency limit, the tag, and the cap on a WAIT's back-off. */
  int limit = 4;
  String tag = "bench";
  long maxWaitMs = 50;
  /** Shed answers (503/429 with Retry-After): retry the same step after Retry-After × 1..1.2 (as Prefect's client; capped) instead of dropping the lifecycle; 0 = drop. */
  long shedRetryMaxMs = 0;
  boolean failOnError = false;
  boolean quiet = false;

  static final List<String> SCENARIOS =
      List.of("set-state-only", "task-lifecycle", "flow-lifecycle", "pause-resume", "contended");

  static long seconds(long s) {
    return s * 1_000_000_000L;
  }

  static final String USAGE = """
      usage: java -jar baton-bench.jar [options]
        --url URL                 Baton base URL (default http://127.0.0.1:4200); loopback only
        --scenario NAME           set-state-only | task-lifecycle | flow-lifecycle | pause-resume | contended
                                  (default set-state-only)
        --workers N               closed loop: N workers, each on its own keep-alive connection;
                                  open loop: N connections shared by the scheduled requests (default 8)
        --duration D              measured window, e.g. 30s, 500ms, 2m (default 30s)
        --warmup D                unmeasured warm-up before the window (default 5s)
        --rate R                  open loop at R transitions/s (requests/s), latency from the intended send time
        --out FILE                write the JSON result here
        --baton-pid PID           Baton's JVM, for CPU per transition
        --pg-pid PID              PostgreSQL postmaster: it and its children (reaped children included)
        --pg-pids P1,P2,...       explicit PostgreSQL processes (else: every process named postgres)
        --prefill N               set-state-only: task runs created in setup (default: estimated)
        --setup-concurrency N     requests in flight during setup (default 32)
        --threads N               generator event-loop threads (default 1)
        --flow-runs N             RUNNING flow runs the task runs belong to (default 16)
        --timeout-ms N            per-request timeout (default 30000)
        --label TEXT              free text copied into the result
        --floor-tps X             the floor's transactions/s measured just before: report the ratio
        --limit N                 contended: concurrency limit of the tag (default 4)
        --tag TAG                 contended: the limited tag (default bench)
        --max-wait-ms N           contended: cap on the back-off after a WAIT (default 50)
        --shed-retry-max-ms N     on 503/429 (load shed): counted as an error, then the same step is sent
                                  again after its Retry-After times a random 1..1.2 (as Prefect's client
                                  does), capped at N ms; default 0 = drop the lifecycle
        --fail-on-error           exit 1 when any request failed or nothing was measured
        --quiet                   no progress lines
      """;

  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        System.out.print(USAGE);
        System.exit(0);
      }
      if (a.equals("--fail-on-error")) {
        o.failOnError = true;
        continue;
      }
      if (a.equals("--quiet")) {
        o.quiet = true;
        continue;
      }
      String v;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        v = a.substring(eq + 1);
        a = a.substring(0, eq);
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value for " + a);
        }
        v = args[++i];
      }
      switch (a) {
        case "--url" -> o.url = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
        case "--api-prefix" -> o.apiPrefix = v;
        case "--scenario" -> o.scenario = v;
        case "--workers" -> o.workers = positive(a, Integer.parseInt(v));
        case "--duration" -> o.durationNanos = duration(v);
        case "--warmup" -> o.warmupNanos = duration(v);
        case "--rate" -> o.rate = Double.parseDouble(v);
        case "--out" -> o.out = v;
        case "--baton-pid" -> o.batonPid = Long.parseLong(v);
        case "--pg-pid" -> o.pgPid = Long.parseLong(v);
        case "--pg-pids" -> {
          for (String p : v.split(",")) {
            if (!p.isBlank()) {
              o.pgPids.add(Long.parseLong(p.trim()));
            }
          }
        }
        case "--prefill" -> o.prefill = Integer.parseInt(v);
        case "--setup-concurrency" -> o.setupConcurrency = positive(a, Integer.parseInt(v));
        case "--threads" -> o.threads = positive(a, Integer.parseInt(v));
        case "--flow-runs" -> o.flowRuns = positive(a, Integer.parseInt(v));
        case "--timeout-ms" -> o.requestTimeoutMs = positive(a, Integer.parseInt(v));
        case "--label" -> o.label = v;
        case "--floor-tps" -> o.floorTps = Double.parseDouble(v);
        case "--limit" -> o.limit = Integer.parseInt(v);
        case "--tag" -> o.tag = v;
        case "--max-wait-ms" -> o.maxWaitMs = Long.parseLong(v);
        case "--shed-retry-max-ms" -> o.shedRetryMaxMs = Long.parseLong(v);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (!SCENARIOS.contains(o.scenario)) {
      throw new IllegalArgumentException("unknown scenario " + o.scenario + " (" + String.join(", ", SCENARIOS) + ")");
    }
    if (o.limit < 0 || o.maxWaitMs < 0 || o.shedRetryMaxMs < 0) {
      throw new IllegalArgumentException("--limit, --max-wait-ms and --shed-retry-max-ms must be >= 0");
    }
    if (o.durationNanos <= 0) {
      throw new IllegalArgumentException("--duration must be > 0");
    }
    if (o.rate < 0) {
      throw new IllegalArgumentException("--rate must be >= 0");
    }
    java.net.URI u = java.net.URI.create(o.url);
    String host = u.getHost();
    if (host == null || !(host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1")
        || host.equals("[::1]"))) {
      throw new IllegalArgumentException("--url must point at loopback (127.0.0.1), got " + o.url);
    }
    return o;
  }

  private static int positive(String name, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be > 0");
    }
    return v;
  }

  /** "30s", "500ms", "2m", "1.5s"; a bare number is seconds. */
  static long duration(String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    double mult;
    String num;
    if (s.endsWith("ms")) {
      mult = 1e6;
      num = s.substring(0, s.length() - 2);
    } else if (s.endsWith("s")) {
      mult = 1e9;
      num = s.substring(0, s.length() - 1);
    } else if (s.endsWith("m")) {
      mult = 60e9;
      num = s.substring(0, s.length() - 1);
    } else {
      mult = 1e9;
      num = s;
    }
    double d = Double.parseDouble(num);
    if (d < 0) {
      throw new IllegalArgumentException("negative duration " + v);
    }
    return (long) (d * mult);
  }

  boolean openLoop() {
    return rate > 0;
  }
}
