package dev.baton.it;

import static dev.baton.testsupport.Await.await;

import dev.baton.BatonServer;
import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigLoader;
import dev.baton.persistence.Database;
import dev.baton.testsupport.TestDatabase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Baton instance for black-box tests: its own Vert.x (low blocked-thread limits, so a blocking
 * call on an event loop fails the test run), its own connection pool, the shared test database,
 * real HTTP on a free port. Several instances may run against one database. An IT with one (or
 * a few) for the whole class declares them with {@link ClassServer}; one with another lifecycle
 * starts and closes its own.
 */
public final class TestServer implements AutoCloseable {
  private final Vertx vertx;
  private final Pool pool;
  private final BatonServer baton;
  private final ApiClient api;
  private final BlockedLoops blocked;

  static {
    // One-time initialisations that otherwise happen on the first event loop to need them and, on
    // a busy machine, take 0.5–0.8 s there (reported as a blocked loop): Netty's default buffer
    // allocator (built when the first server binds) and the JFR event class its pool registers on
    // its first chunk, which loads the JVM's whole JFR metadata. Pay them here, off the loops.
    for (String c : new String[] {"io.netty.buffer.ByteBufAllocator", "io.vertx.core.impl.buffer.VertxByteBufAllocator",
        "io.netty.buffer.AllocateChunkEvent"}) {
      try {
        Class.forName(c, true, TestServer.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError absent) {
        // another Netty or Vert.x version: nothing to warm up
      }
    }
  }

  private TestServer(Vertx vertx, Pool pool, BatonServer baton, BlockedLoops blocked) {
    this.vertx = vertx;
    this.pool = pool;
    this.baton = baton;
    this.api = new ApiClient(baton.port());
    this.blocked = blocked;
  }

  public static TestServer start() {
    return start(Map.of());
  }

  /** Starts an instance; {@code env} holds extra {@code BATON_*} settings. */
  public static TestServer start(Map<String, String> env) {
    return start(env, null);
  }

  /**
   * Starts an instance on the database {@code db} describes (null = the shared test database);
   * {@code env} holds extra {@code BATON_*} settings.
   */
  public static TestServer start(Map<String, String> env, PgConnectOptions db) {
    return start(caller(), env, db);
  }

  /**
   * Starts an instance for {@code owner} (the test that starts it, named in the report of a blocked
   * event loop) on the database {@code db} describes (null = the shared test database); {@code env}
   * holds extra {@code BATON_*} settings.
   */
  static TestServer start(String owner, Map<String, String> env, PgConnectOptions db) {
    Map<String, String> e = new HashMap<>(env);
    e.putIfAbsent("BATON_HTTP_PORT", "0");
    e.putIfAbsent("BATON_HTTP_HOST", "127.0.0.1");
    e.putIfAbsent("BATON_EVENT_LOOPS", "2");
    e.putIfAbsent("BATON_DB_POOL_SIZE", "8");
    e.putIfAbsent("BATON_HTTP_BODY_LIMIT", "2097152");
    // periodic services off unless a test asks for them: they would race the scenarios
    e.putIfAbsent("BATON_LATE_RUNS_INTERVAL_SECONDS", "0");
    e.putIfAbsent("BATON_PAUSE_EXPIRATIONS_INTERVAL_SECONDS", "0");
    e.putIfAbsent("BATON_SCHEDULER_LOOP_SECONDS", "0");
    e.putIfAbsent("BATON_SCHEDULER_RECENT_LOOP_SECONDS", "0");
    e.putIfAbsent("BATON_SCHEDULER_STATUS_INTERVAL_SECONDS", "0");
    BatonConfig config = ConfigLoader.load(e, Path.of("."));
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(config.runtime().eventLoops())
        .setBlockedThreadCheckInterval(100)
        .setMaxEventLoopExecuteTime(500)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    // a blocking call on an event loop fails the test that owns this server (see close())
    BlockedLoops blocked = new BlockedLoops(owner);
    ((io.vertx.core.internal.VertxInternal) vertx).blockedThreadChecker().setThreadBlockedHandler(blocked::record);
    // as in production: session timeouts and the bounded wait queue of config.overload()
    PgConnectOptions options = db == null ? TestDatabase.connectOptions() : db;
    Pool pool = Database.newPool(vertx, options, config.db().poolSize(), config.overload());
    BatonServer baton = await(BatonServer.deploy(vertx, pool, options,
        dev.baton.observability.Metrics.newRegistry(), config));
    blocked.arm();
    return new TestServer(vertx, pool, baton, blocked);
  }

  /** The test method that starts a server: the first caller outside this class. */
  private static String caller() {
    for (StackTraceElement f : Thread.currentThread().getStackTrace()) {
      String c = f.getClassName();
      if (!c.equals(TestServer.class.getName()) && !c.equals(Thread.class.getName())) {
        return c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethodName() + ":" + f.getLineNumber();
      }
    }
    return "unknown";
  }

  /**
   * Event loops of one server seen blocked past the limit: one report per blocking episode (the
   * checker fires every interval while a loop stays blocked), each with the blocked thread's stack
   * taken while it was still blocked, and the test that started the server.
   */
  static final class BlockedLoops {
    private static final int MAX_REPORTS = 10;
    /**
     * Until the server is deployed only a gross block counts: on a loaded machine the first
     * deployment in a JVM can stall past 500 ms loading classes (a stack in the class loader).
     */
    private static final long DEPLOY_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private final String owner;
    private volatile boolean armed;
    private final java.util.List<String> reports = new java.util.ArrayList<>();
    private final Map<Thread, Long> episodeDuration = new HashMap<>();

    BlockedLoops(String owner) {
      this.owner = owner;
    }

    /** From now on every block past the Vert.x limit counts. */
    void arm() {
      armed = true;
    }

    synchronized void record(BlockedThreadEvent event) {
      if (!armed && event.duration() < DEPLOY_LIMIT_NANOS) {
        return;
      }
      Thread t = event.thread();
      Long seen = episodeDuration.put(t, event.duration());
      if (seen != null && event.duration() > seen) {
        return; // the same episode, still blocked
      }
      // taken now, on the checker's thread, while the event loop is still blocked
      StringBuilder b = new StringBuilder("[server started by ").append(owner).append("] thread ")
          .append(t.getName()).append(" blocked for ").append(event.duration() / 1_000_000).append(" ms, limit ")
          .append(event.maxExecTime() / 1_000_000).append(" ms; state ").append(t.getState())
          .append(", machine load average ").append(String.format("%.1f",
              java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
          .append(" on ").append(Runtime.getRuntime().availableProcessors()).append(" cores; its stack:");
      for (StackTraceElement f : t.getStackTrace()) {
        b.append("\n\tat ").append(f);
      }
      String report = b.toString();
      System.err.println("TestServer: " + report);
      if (reports.size() < MAX_REPORTS) {
        reports.add(report);
      }
    }

    synchronized String drain() {
      String r = reports.isEmpty() ? null : String.join("\n", reports);
      reports.clear();
      episodeDuration.clear();
      return r;
    }
  }

  public ApiClient api() {
    return api;
  }

  public int port() {
    return baton.port();
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  public BatonServer baton() {
    return baton;
  }

  /** A digest of every row of every table: equal before and after ⇔ nothing was written. */
  public String fingerprint() {
    String sql = "SELECT md5(string_agg(t, '|' ORDER BY t)) FROM ("
        + " SELECT 'flow' || f::text AS t FROM flow f UNION ALL"
        + " SELECT 'dep' || d::text FROM deployment d UNION ALL"
        + " SELECT 'fr' || r::text FROM flow_run r UNION ALL"
        + " SELECT 'frs' || s::text FROM flow_run_state s UNION ALL"
        + " SELECT 'tr' || r::text FROM task_run r UNION ALL"
        + " SELECT 'trs' || s::text FROM task_run_state s UNION ALL"
        + " SELECT 'c' || c::text FROM task_run_state_cache c UNION ALL"
        + " SELECT 'i' || i::text FROM flow_run_input i UNION ALL"
        + " SELECT 'l' || l::text FROM log l UNION ALL"
        + " SELECT 'cl' || c::text FROM concurrency_limit_v2 c UNION ALL"
        + " SELECT 'cs' || s::text FROM concurrency_lease s UNION ALL"
        + " SELECT 'cv' || v::text FROM concurrency_limit v UNION ALL"
        + " SELECT 'var' || v::text FROM variable v UNION ALL"
        + " SELECT 'art' || a::text FROM artifact a UNION ALL"
        + " SELECT 'artc' || c::text FROM artifact_collection c) x";
    return await(pool.query(sql).execute().map(rows -> String.valueOf(rows.iterator().next().getValue(0))));
  }

  /** Closes the instance and fails if any event loop was blocked while it ran. */
  @Override
  public void close() {
    await(pool.close(), Duration.ofSeconds(10));
    await(vertx.close(), Duration.ofSeconds(10));
    String report = blocked.drain();
    if (report != null) {
      throw new AssertionError("an event loop was blocked:\n" + report);
    }
  }
}
