package dev.baton.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Baton's load generator. Setup (flow, RUNNING flow runs, pre-created task runs) is not measured;
 * then a warm-up, then the measured window. Reports transitions/s, latency percentiles and errors
 * per request kind, and the CPU time Baton and PostgreSQL spent per transition.
 *
 * <p>A transition is a request that wrote one state: a run created with its initial state (201) or
 * a {@code set_state} answered ACCEPT (201). Anything else — a transport error, another status, a
 * REJECT/WAIT/ABORT, a state of the wrong type — is an error.
 */
public final class LoadGenerator {
  private final Options o;
  private final Vertx vertx;
  private final String runTag = Long.toString(System.currentTimeMillis(), 36)
      + Integer.toString((int) (Math.random() * 1296), 36);

  LoadGenerator(Options o, Vertx vertx) {
    this.o = o;
    this.vertx = vertx;
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the generator; returns the process exit code (0 ok, 1 errors with --fail-on-error, 2 failure, 64 usage). */
  public static int execute(String[] args) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("baton-bench: " + e.getMessage());
      System.err.print(Options.USAGE);
      return 64;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(o.threads).setWorkerPoolSize(1)
        .setBlockedThreadCheckInterval(10).setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS));
    int code;
    try {
      code = new LoadGenerator(o, vertx).run();
    } catch (Exception e) {
      System.err.println("baton-bench: " + e.getMessage());
      code = 2;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
          .exceptionally(t -> null).join();
    }
    return code;
  }

  private void log(String fmt, Object... args) {
    if (!o.quiet) {
      System.err.printf(Locale.ROOT, "[bench] " + fmt + "%n", args);
    }
  }

  static <T> T await(Future<T> f, long seconds) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  private int run() throws Exception {
    Instant startedAt = Instant.now();
    long setupStart = System.nanoTime();
    Driver.Source source = setup();
    double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
    log("setup done in %.1f s", setupSeconds);

    int steps = Lifecycle.stepsOf(o.scenario);
    int threads = Math.min(o.threads, o.workers);
    Window window = new Window(System.nanoTime(), o.warmupNanos, o.durationNanos);
    List<Driver> drivers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int share = o.workers / threads + (i < o.workers % threads ? 1 : 0);
      double lifecyclesPerSecond = o.rate / steps / threads;
      Driver d = new Driver(o, window, source, share, lifecyclesPerSecond);
      drivers.add(d);
      await(vertx.deployVerticle(d), 30);
    }
    log("%s %s: %d %s, warm-up %.1f s, window %.1f s", o.scenario,
        o.openLoop() ? "open loop at " + o.rate + " transitions/s" : "closed loop", o.workers,
        o.openLoop() ? "connections" : "workers", o.warmupNanos / 1e9, o.durationNanos / 1e9);

    sleepUntil(window.start);
    Cpu.Sample before = Cpu.Sample.take(o);
    long limit = (o.durationNanos + o.requestTimeoutMs * 1_000_000L) / 1_000_000_000L + 30;
    for (Driver d : drivers) {
      await(d.done(), limit);
    }
    Cpu.Sample after = Cpu.Sample.take(o);

    Stats total = new Stats();
    for (Driver d : drivers) {
      // Read on the driver's own loop: the stats were written there.
      Promise<Stats> p = Promise.promise();
      d.loop().runOnContext(v -> p.complete(d.stats));
      total.mergeFrom(await(p.future(), 10));
    }
    Integer activeSlots = null;
    if (o.scenario.equals("contended")) {
      activeSlots = verifySlots(total);
    }
    JsonObject result = report(total, window, before, after, startedAt, setupSeconds);
    if (o.scenario.equals("contended")) {
      result.put("limit", o.limit).put("tag", o.tag).put("max_wait_ms", o.maxWaitMs)
          .put("active_slots_after", activeSlots);
    }
    System.out.println(summary(result));
    if (o.out != null) {
      Path out = Path.of(o.out);
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      Files.writeString(out, result.encodePrettily() + "\n");
      log("wrote %s", out);
    }
    boolean failed = total.errors() > 0 || total.transitions == 0 || window.exhaustedBeforeStart();
    return o.failOnError && failed ? 1 : 0;
  }

  static void sleepUntil(long nanoTime) throws InterruptedException {
    long wait;
    while ((wait = nanoTime - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(Math.min(wait, 50_000_000L));
    }
  }

  // -----------------------------------------------------------------------------------------------
  // setup (not measured)

  Driver.Source setup() throws Exception {
    WebClient c = Http.client(vertx, o.setupConcurrency);
    try {
      String api = o.url + o.apiPrefix;
      HttpResponse<Buffer> health = await(Http.get(c, api + "/health", 5000), 10);
      if (health.statusCode() != 200) {
        throw new IllegalStateException("GET /api/health: " + Http.snippet(health));
      }
      UUID flowId = idOf(await(Http.post(c, api + "/flows/",
          Buffer.buffer(new JsonObject().put("name", "baton-bench").encode()), 10_000), 15), "POST /flows/", 200, 201);
      if (o.scenario.equals("flow-lifecycle")) {
        return () -> Lifecycle.newFlowRun(flowId);
      }
      if (o.scenario.equals("pause-resume")) {
        AtomicLong n = new AtomicLong();
        return () -> new PauseResumeLifecycle(flowId, "bench-pr-" + runTag + "-" + n.getAndIncrement());
      }
      if (o.scenario.equals("contended")) {
        createTagLimit(c, api);
      }
      List<UUID> flowRuns = new ArrayList<>();
      for (int i = 0; i < o.flowRuns; i++) {
        JsonObject body = new JsonObject().put("flow_id", flowId.toString())
            .put("name", "bench-" + runTag + "-" + i)
            .put("state", new JsonObject().put("type", "RUNNING").put("name", "Running"));
        HttpResponse<Buffer> r = await(Http.post(c, api + "/flow_runs/", Buffer.buffer(body.encode()), 10_000), 15);
        UUID id = idOf(r, "POST /flow_runs/", 201);
        String type = r.bodyAsJsonObject().getJsonObject("state", new JsonObject()).getString("type");
        if (!"RUNNING".equals(type)) {
          throw new IllegalStateException("flow run created in state " + type + ", expected RUNNING");
        }
        flowRuns.add(id);
      }
      String taskKey = "bench-" + runTag;
      if (o.scenario.equals("contended")) {
        AtomicLong n = new AtomicLong();
        return () -> {
          long i = n.getAndIncrement();
          return new ContendedLifecycle(flowRuns.get((int) (i % flowRuns.size())), taskKey, "c" + i, o.tag, o.maxWaitMs);
        };
      }
      if (o.scenario.equals("task-lifecycle")) {
        AtomicLong n = new AtomicLong();
        return () -> {
          long i = n.getAndIncrement();
          return Lifecycle.newTaskRun(flowRuns.get((int) (i % flowRuns.size())), taskKey, "t" + i);
        };
      }
      Queue<UUID> runs = prefill(c, api, flowRuns, taskKey);
      return () -> {
        UUID id = runs.poll();
        return id == null ? null : Lifecycle.existingTaskRun(id);
      };
    } finally {
      c.close();
    }
  }

  /** contended: the v1 tag limit (created, or updated to {@code --limit}; 201 or 200). */
  private void createTagLimit(WebClient c, String api) throws Exception {
    JsonObject body = new JsonObject().put("tag", o.tag).put("concurrency_limit", o.limit);
    HttpResponse<Buffer> r = await(Http.post(c, api + "/concurrency_limits/", Buffer.buffer(body.encode()), 10_000), 15);
    if (r.statusCode() != 200 && r.statusCode() != 201) {
      throw new IllegalStateException("setup: POST /concurrency_limits/: " + Http.snippet(r));
    }
    Integer before = activeSlots(c, api);
    log("tag limit %s = %d (v2 tag:%s, active_slots before: %s)", o.tag, o.limit, o.tag, before);
    if (before == null || before != 0) {
      throw new IllegalStateException("setup: tag:" + o.tag + " has active_slots " + before
          + " before the run (left over from an earlier run? reset it or use --tag)");
    }
  }

  /** {@code GET /v2/concurrency_limits/tag:<tag>} → {@code active_slots}, or null when unreadable. */
  private Integer activeSlots(WebClient c, String api) throws Exception {
    HttpResponse<Buffer> r = await(Http.get(c, api + "/v2/concurrency_limits/tag:" + o.tag, 10_000), 15);
    java.util.Map<String, Object> j = r.statusCode() == 200 ? Http.fields(r.body()) : null;
    return j == null || !(j.get("active_slots") instanceof Number n) ? null : n.intValue();
  }

  /** contended, after the run: every slot must have been given back; anything else is an error. */
  private Integer verifySlots(Stats total) throws Exception {
    WebClient c = Http.client(vertx, 1);
    try {
      Integer n = activeSlots(c, o.url + o.apiPrefix);
      System.out.printf(Locale.ROOT, "concurrency limit tag:%s after the run: active_slots = %s%n", o.tag, n);
      if (n == null || n != 0) {
        total.error("verify tag:" + o.tag + " active_slots", "active_slots " + n, "active_slots = " + n + " after the run, expected 0");
      }
      return n;
    } finally {
      c.close();
    }
  }

  /** set-state-only: task runs in SCHEDULED, created with {@code setupConcurrency} requests in flight. */
  private Queue<UUID> prefill(WebClient c, String api, List<UUID> flowRuns, String taskKey) throws Exception {
    int total = o.prefill > 0 ? o.prefill
        : (int) Math.max(2000, Math.ceil((o.warmupNanos + o.durationNanos) / 1e9 * 800));
    log("creating %d task runs (SCHEDULED) under %d RUNNING flow runs", total, flowRuns.size());
    Queue<UUID> out = new ConcurrentLinkedQueue<>();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    Promise<Void> all = Promise.promise();
    long started = System.nanoTime();
    long progress = vertx.setPeriodic(5000, id -> log("  … %d/%d created", out.size(), total));
    int chains = Math.min(o.setupConcurrency, total);
    for (int k = 0; k < chains; k++) {
      createChain(c, api, flowRuns, taskKey, total, next, out, all, finished, chains);
    }
    try {
      await(all.future(), 3600);
    } finally {
      vertx.cancelTimer(progress);
    }
    log("created %d task runs in %.1f s", out.size(), (System.nanoTime() - started) / 1e9);
    return out;
  }

  private void createChain(WebClient c, String api, List<UUID> flowRuns, String taskKey, int total,
      AtomicInteger next, Queue<UUID> out, Promise<Void> all, AtomicInteger finished, int chains) {
    int i = next.getAndIncrement();
    if (i >= total) {
      if (finished.incrementAndGet() == chains) {
        all.tryComplete();
      }
      return;
    }
    JsonObject body = Lifecycle.taskRunCreate(flowRuns.get(i % flowRuns.size()), taskKey, "p" + i);
    Http.post(c, api + "/task_runs/", Buffer.buffer(body.encode()), o.requestTimeoutMs).onComplete(ar -> {
      if (ar.failed()) {
        all.tryFail(new IllegalStateException("setup: POST /task_runs/: " + ar.cause()));
        return;
      }
      HttpResponse<Buffer> r = ar.result();
      JsonObject j = r.statusCode() == 201 ? r.bodyAsJsonObject() : null;
      if (j == null || !"SCHEDULED".equals(j.getJsonObject("state", new JsonObject()).getString("type"))) {
        all.tryFail(new IllegalStateException("setup: POST /task_runs/: " + Http.snippet(r)));
        return;
      }
      out.add(UUID.fromString(j.getString("id")));
      createChain(c, api, flowRuns, taskKey, total, next, out, all, finished, chains);
    });
  }

  private static UUID idOf(HttpResponse<Buffer> r, String what, int... statuses) {
    for (int s : statuses) {
      if (r.statusCode() == s) {
        return UUID.fromString(r.bodyAsJsonObject().getString("id"));
      }
    }
    throw new IllegalStateException("setup: " + what + ": " + Http.snippet(r));
  }

  // -----------------------------------------------------------------------------------------------
  // report

  JsonObject report(Stats s, Window w, Cpu.Sample before, Cpu.Sample after, Instant startedAt,
      double setupSeconds) {
    double seconds = w.seconds();
    long requests = s.kinds.values().stream().mapToLong(k -> k.ok + k.errors).sum();
    Histogram all = s.all();
    JsonObject cpu = new JsonObject()
        .put("wall_s", Stats.round2((after.wallNanos() - before.wallNanos()) / 1e9))
        .put("postgres_source", Cpu.pgSource(o));
    putCpu(cpu, "baton", before.batonMs(), after.batonMs(), s.transitions);
    putCpu(cpu, "postgres", before.pgMs(), after.pgMs(), s.transitions);
    putCpu(cpu, "generator", before.selfMs(), after.selfMs(), s.transitions);
    JsonObject j = new JsonObject()
        .put("tool", "baton-bench")
        .put("label", o.label)
        .put("started_at", startedAt.toString())
        .put("url", o.url)
        .put("scenario", o.scenario)
        .put("mode", o.openLoop() ? "open" : "closed")
        .put("workers", o.workers)
        .put("target_rate", o.openLoop() ? o.rate : null)
        .put("threads", Math.min(o.threads, o.workers))
        .put("setup_s", Stats.round2(setupSeconds))
        .put("warmup_s", o.warmupNanos / 1e9)
        .put("window_s", Stats.round2(seconds))
        .put("exhausted", w.wasExhausted())
        .put("transitions", s.transitions)
        .put("transitions_per_s", Stats.round2(s.transitions / seconds))
        .put("lifecycles", s.lifecycles)
        .put("lifecycles_per_s", Stats.round2(s.lifecycles / seconds))
        .put("waits", s.waits)
        .put("waits_per_s", Stats.round2(s.waits / seconds))
        .put("requests", requests)
        .put("errors", s.errors());
    if (o.floorTps > 0) {
      j.put("floor_tps", o.floorTps).put("ratio_to_floor", Math.round(s.transitions / seconds / o.floorTps * 1000) / 1000.0);
    }
    if (all.getTotalCount() > 0) {
      j.put("all_p50_ms", Stats.ms(all.getValueAtPercentile(50)))
          .put("all_p99_ms", Stats.ms(all.getValueAtPercentile(99)))
          .put("all_max_ms", Stats.ms(all.getMaxValue()));
    }
    j.put("kinds", s.kindsJson(seconds))
        .put("cpu", cpu)
        .put("error_samples", s.errorSamplesJson());
    return j;
  }

  private static void putCpu(JsonObject cpu, String who, long before, long after, long transitions) {
    if (before < 0 || after < 0) {
      cpu.putNull(who + "_ms");
      cpu.putNull(who + "_ms_per_transition");
      return;
    }
    long ms = after - before;
    cpu.put(who + "_ms", ms);
    cpu.put(who + "_ms_per_transition", transitions == 0 ? null
        : Math.round(ms * 1000.0 / transitions) / 1000.0);
  }

  static String summary(JsonObject j) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%n== baton-bench %s, %s loop, %d %s%s ==%n", j.getString("scenario"),
        j.getString("mode"), j.getInteger("workers"),
        "open".equals(j.getString("mode")) ? "connections" : "workers",
        j.getValue("target_rate") == null ? "" : ", target " + j.getValue("target_rate") + " transitions/s"));
    b.append(String.format(Locale.ROOT, "window %.2f s%s: %d transitions = %.1f transitions/s, %d lifecycles = %.1f/s, %d errors%n",
        j.getDouble("window_s"), j.getBoolean("exhausted") ? " (ended early: ran out of pre-created runs)" : "",
        j.getLong("transitions"), j.getDouble("transitions_per_s"), j.getLong("lifecycles"),
        j.getDouble("lifecycles_per_s"), j.getLong("errors")));
    if (j.getLong("waits", 0L) > 0 || j.containsKey("active_slots_after")) {
      b.append(String.format(Locale.ROOT, "waits (WAIT answers, not errors): %d = %.1f/s%s%n", j.getLong("waits"),
          j.getDouble("waits_per_s"), j.containsKey("active_slots_after")
              ? String.format(Locale.ROOT, "; limit %s on tag %s, active_slots after the run: %s",
                  j.getValue("limit"), j.getValue("tag"), j.getValue("active_slots_after")) : ""));
    }
    if (j.containsKey("ratio_to_floor")) {
      b.append(String.format(Locale.ROOT, "ratio to the floor: %.3f (floor %.1f transactions/s)%n",
          j.getDouble("ratio_to_floor"), j.getDouble("floor_tps")));
    }
    b.append(String.format(Locale.ROOT, "%-36s %9s %7s %9s %9s %9s %9s %9s%n", "request kind", "count", "errors",
        "per s", "p50 ms", "p90 ms", "p99 ms", "max ms"));
    JsonObject kinds = j.getJsonObject("kinds");
    for (String k : kinds.fieldNames()) {
      JsonObject x = kinds.getJsonObject(k);
      b.append(String.format(Locale.ROOT, "%-36s %9d %7d %9.1f %9s %9s %9s %9s%n", k, x.getLong("count"),
          x.getLong("errors"), x.getDouble("per_second"), fmt(x.getValue("p50_ms")), fmt(x.getValue("p90_ms")),
          fmt(x.getValue("p99_ms")), fmt(x.getValue("max_ms"))));
    }
    JsonObject cpu = j.getJsonObject("cpu");
    b.append(String.format(Locale.ROOT, "CPU per transition: Baton %s ms, PostgreSQL %s ms, generator %s ms (over %.2f s; postgres = %s)%n",
        fmt(cpu.getValue("baton_ms_per_transition")), fmt(cpu.getValue("postgres_ms_per_transition")),
        fmt(cpu.getValue("generator_ms_per_transition")), cpu.getDouble("wall_s"), cpu.getString("postgres_source")));
    List<Object> samples = j.getJsonArray("error_samples").getList();
    if (!samples.isEmpty()) {
      b.append("first errors:\n");
      samples.stream().limit(5).forEach(s -> b.append("  ").append(s).append('\n'));
    }
    return b.toString();
  }

  private static String fmt(Object v) {
    return v == null ? "-" : v.toString();
  }
}
