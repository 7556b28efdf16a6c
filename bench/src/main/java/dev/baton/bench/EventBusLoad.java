package dev.baton.bench;

import dev.baton.BatonServer;
import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigLoader;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.StateType;
import dev.baton.domain.command.StateCreate;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.persistence.Database;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The event-bus path: Baton started in this JVM ({@link BatonServer#deploy}, against the
 * PostgreSQL of {@code --db-url}), task runs pre-created over HTTP (loopback, not measured), then
 * {@code --workers} verticles on Baton's own Vert.x, each driving one run at a time (closed loop)
 * PENDING → RUNNING → COMPLETED with {@link OrchestrationClient#setTaskRunState} — no HTTP, no JSON
 * on the measured path. Same window, stats and report as {@link LoadGenerator}; a transition is a
 * proposal answered ACCEPT with the proposed type and {@code stateWritten}.
 *
 * <p>Needs Baton's classes at run time (and at build time: see bench/pom.xml):
 * <pre>
 * java -cp target/baton.jar:bench/target/baton-bench.jar dev.baton.bench.EventBusLoad \
 *      --db-url postgresql://postgres@127.0.0.1:55434/postgres --workers 64 --duration 30s --warmup 5s
 * </pre>
 * Other {@code BATON_*} settings (pool size, event loops, …) are taken from the environment.
 * CPU: Baton and the workers share one process, reported as "baton" (and "generator").
 */
public final class EventBusLoad {
  private static final StateType[] TARGETS = {StateType.PENDING, StateType.RUNNING, StateType.COMPLETED};
  private static final StateCreate[] PROPOSALS = {
      StateCreate.of(StateType.PENDING), StateCreate.of(StateType.RUNNING), StateCreate.of(StateType.COMPLETED)};
  private static final String[] KINDS = {
      "bus task_run set_state PENDING", "bus task_run set_state RUNNING", "bus task_run set_state COMPLETED"};

  private EventBusLoad() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the event-bus load; returns the process exit code (as {@link LoadGenerator#execute}). */
  public static int execute(String[] args) {
    String dbUrl = System.getenv("BATON_DB_URL");
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--db-url") && i + 1 < args.length) {
        dbUrl = args[++i];
      } else if (args[i].startsWith("--db-url=")) {
        dbUrl = args[i].substring("--db-url=".length());
      } else {
        rest.add(args[i]);
      }
    }
    Options o;
    try {
      if (dbUrl == null || dbUrl.isBlank()) {
        throw new IllegalArgumentException("--db-url postgresql://… (or BATON_DB_URL) is required");
      }
      o = Options.parse(rest.toArray(String[]::new));
      if (!o.scenario.equals("set-state-only") || o.openLoop()) {
        throw new IllegalArgumentException("the event-bus path is closed loop only and has no --scenario");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("baton-bench event-bus: " + e.getMessage());
      System.err.println("usage: java -cp target/baton.jar:bench/target/baton-bench.jar dev.baton.bench.EventBusLoad"
          + " --db-url URL [--workers N] [--duration D] [--warmup D] [--prefill N] [--pg-pid PID] [--out FILE]"
          + " [--fail-on-error] [--quiet]");
      return 64;
    }

    Map<String, String> env = new HashMap<>();
    System.getenv().forEach((k, v) -> {
      if (k.startsWith("BATON_")) {
        env.put(k, v);
      }
    });
    env.put("BATON_DB_URL", dbUrl);
    env.put("BATON_HTTP_HOST", "127.0.0.1"); // setup only; loopback
    env.put("BATON_HTTP_PORT", "0");
    env.putIfAbsent("BATON_LOG_LEVEL", "WARN");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", env.get("BATON_LOG_LEVEL").toLowerCase(Locale.ROOT));

    int code;
    Database db = null;
    Vertx vertx = null;
    try {
      BatonConfig config = ConfigLoader.load(env, Path.of("").toAbsolutePath());
      db = Database.start(config.db());
      vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.runtime().eventLoops()));
      BatonServer server = LoadGenerator.await(BatonServer.deploy(vertx, db.pool(vertx, config.overload()), db.connectOptions(),
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), config), 60);
      o.url = "http://127.0.0.1:" + server.port();
      o.batonPid = ProcessHandle.current().pid();
      code = run(o, vertx);
    } catch (Exception e) {
      System.err.println("baton-bench event-bus: " + e);
      code = 2;
    } finally {
      if (vertx != null) {
        // undeploy first (Baton's periodic services would otherwise race the closing pool)
        for (String id : new ArrayList<>(vertx.deploymentIDs())) {
          try {
            LoadGenerator.await(vertx.undeploy(id), 10);
          } catch (Exception ignored) {
            // already gone, or shutting down anyway
          }
        }
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
            .exceptionally(t -> null).join();
      }
      if (db != null) {
        db.close();
      }
    }
    return code;
  }

  private static int run(Options o, Vertx vertx) throws Exception {
    Instant startedAt = Instant.now();
    long setupStart = System.nanoTime();
    Driver.Source source = new LoadGenerator(o, vertx).setup(); // set-state-only setup, over HTTP
    double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
    o.scenario = "event-bus";

    Window window = new Window(System.nanoTime(), o.warmupNanos, o.durationNanos);
    List<Worker> workers = new CopyOnWriteArrayList<>();
    LoadGenerator.await(vertx.deployVerticle(() -> {
      Worker w = new Worker(window, source, o.requestTimeoutMs);
      workers.add(w);
      return w;
    }, new DeploymentOptions().setInstances(o.workers)), 30);
    if (!o.quiet) {
      System.err.printf(Locale.ROOT, "[bench] event-bus closed loop: %d worker verticles, warm-up %.1f s, window %.1f s%n",
          o.workers, o.warmupNanos / 1e9, o.durationNanos / 1e9);
    }

    LoadGenerator.sleepUntil(window.start);
    Cpu.Sample before = Cpu.Sample.take(o);
    long limit = (o.durationNanos + o.requestTimeoutMs * 1_000_000L) / 1_000_000_000L + 30;
    for (Worker w : workers) {
      LoadGenerator.await(w.done.future(), limit);
    }
    Cpu.Sample after = Cpu.Sample.take(o);

    Stats total = new Stats();
    for (Worker w : workers) {
      Promise<Stats> p = Promise.promise();
      w.ctx().runOnContext(v -> p.complete(w.stats));
      total.mergeFrom(LoadGenerator.await(p.future(), 10));
    }
    JsonObject result = new LoadGenerator(o, vertx).report(total, window, before, after, startedAt, setupSeconds);
    result.put("path", "event bus (OrchestrationClient, in-process Baton)");
    System.out.println(LoadGenerator.summary(result));
    if (o.out != null) {
      Path out = Path.of(o.out);
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      Files.writeString(out, result.encodePrettily() + "\n");
    }
    boolean failed = total.errors() > 0 || total.transitions == 0 || window.exhaustedBeforeStart();
    return o.failOnError && failed ? 1 : 0;
  }

  /** One run at a time, back to back, on this verticle's event loop (its stats need no locking). */
  static final class Worker extends VerticleBase {
    private final Window window;
    private final Driver.Source source;
    private final long timeoutMs;
    final Stats stats = new Stats();
    final Promise<Void> done = Promise.promise();
    private OrchestrationClient client;

    Worker(Window window, Driver.Source source, long timeoutMs) {
      this.window = window;
      this.source = source;
      this.timeoutMs = timeoutMs;
    }

    io.vertx.core.Context ctx() {
      return context;
    }

    @Override
    public Future<?> start() {
      client = new OrchestrationClient(vertx, timeoutMs);
      context.runOnContext(v -> next(null, 0));
      return Future.succeededFuture();
    }

    private void next(Lifecycle lc, int step) {
      long now = System.nanoTime();
      if (now >= window.end()) {
        done.tryComplete();
        return;
      }
      if (lc == null || step >= TARGETS.length) {
        lc = source.next();
        step = 0;
        if (lc == null) {
          window.exhausted(now);
          done.tryComplete();
          return;
        }
      }
      Lifecycle l = lc;
      int s = step;
      long sent = now;
      client.setTaskRunState(l.runId, PROPOSALS[s], false).onComplete(ar -> {
        long end = System.nanoTime();
        boolean measured = window.contains(sent);
        String cause = ar.failed() ? cause(ar.cause()) : check(ar.result(), TARGETS[s]);
        if (cause == null) {
          if (measured) {
            stats.ok(KINDS[s], end - sent);
            if (s + 1 == TARGETS.length) {
              stats.lifecycles++;
            }
          }
          next(l, s + 1);
        } else {
          if (measured) {
            stats.error(KINDS[s], cause, cause + " — run " + l.runId);
          }
          next(null, 0);
        }
      });
    }

    private static String cause(Throwable t) {
      return t instanceof OrchestrationException oe ? "OrchestrationException " + oe.failure() + ": " + oe.getMessage()
          : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static String check(OrchestrationResult r, StateType expected) {
      if (r.status() != OrchestrationStatus.ACCEPT) {
        return "status " + r.status();
      }
      if (r.state() == null || r.state().type() != expected || !r.stateWritten()) {
        return "accepted state is not a written " + expected;
      }
      return null;
    }
  }
}
