package dev.baton.persistence;

import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database behind Baton. {@link #start} is blocking and runs before anything is deployed on
 * Vert.x: with no URL it starts the embedded PostgreSQL (data kept under the configured directory
 * across restarts; run as {@code nobody} through {@link RootSafeBinaryResolver} when the JVM is
 * root; a server a killed earlier JVM left running on the directory is stopped first, see
 * {@link StalePostmaster}), then it applies the Flyway migrations. {@link #pool} builds the one
 * shared Vert.x pool.
 */
public final class Database implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /** PostgreSQL settings of the embedded server, beyond zonky's. */
  public record EmbeddedOptions(Path dataDir, int port, Map<String, String> serverConfig) {}

  private final PgConnectOptions connectOptions;
  private final String jdbcUrl;
  private final int poolSize;
  private final EmbeddedPostgres embedded;
  private Pool pool;

  private Database(PgConnectOptions connectOptions, int poolSize, EmbeddedPostgres embedded) {
    this.connectOptions = connectOptions;
    this.jdbcUrl = jdbcUrl(connectOptions);
    this.poolSize = poolSize;
    this.embedded = embedded;
  }

  /**
   * Connects to {@code db.url}, or starts the embedded server when there is none, then migrates.
   * Blocking. Problems the operator can fix become a one-line {@link ConfigException}.
   */
  public static Database start(BatonConfig.Db db) {
    return start(db, true);
  }

  /**
   * As {@link #start(BatonConfig.Db)}; with {@code stopOnJvmExit} false the embedded server gets no
   * JVM shutdown hook of its own: the caller stops it with {@link #close()} (Main does, after
   * draining — otherwise the server would stop while requests are still being answered).
   */
  public static Database start(BatonConfig.Db db, boolean stopOnJvmExit) {
    if (!db.embedded()) {
      PgConnectOptions o = PgConnectOptions.fromUri(db.url());
      return started(new Database(tune(o), db.poolSize(), null));
    }
    // durability on: an acknowledged transition must survive a crash of the machine
    EmbeddedPostgres pg = startEmbedded(new EmbeddedOptions(db.dataDir(), db.embeddedPort(),
        Map.of("synchronous_commit", "on")), stopOnJvmExit);
    return started(new Database(tune(embeddedOptions(pg)), db.poolSize(), pg));
  }

  /** Like {@link #start} for an already running server described by {@code options}. */
  public static Database connect(PgConnectOptions options, int poolSize) {
    return started(new Database(tune(new PgConnectOptions(options)), poolSize, null));
  }

  /** An embedded server whose lifetime the caller owns ({@link #close()} stops it). */
  public static Database startEmbedded(EmbeddedOptions options, int poolSize) {
    EmbeddedPostgres pg = startEmbedded(options, true);
    return started(new Database(tune(embeddedOptions(pg)), poolSize, pg));
  }

  private static Database started(Database d) {
    try {
      d.migrate();
      return d;
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
  }

  /** A copy of the connect options (pipelining and statement caching set), e.g. for a second pool. */
  public PgConnectOptions connectOptions() {
    return new PgConnectOptions(connectOptions);
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public boolean isEmbedded() {
    return embedded != null;
  }

  /**
   * The shared pool, built on first call with {@code vertx}; later calls return the same pool.
   * Without session timeouts or wait-queue bound: the server uses {@link #pool(Vertx, BatonConfig.Overload)}.
   */
  public synchronized Pool pool(Vertx vertx) {
    if (pool == null) {
      pool = newPool(vertx, connectOptions, poolSize);
    }
    return pool;
  }

  /**
   * The shared pool with the timeouts and wait-queue bound of {@code overload}, built on first
   * call; later calls return the same pool.
   */
  public synchronized Pool pool(Vertx vertx, BatonConfig.Overload overload) {
    if (pool == null) {
      pool = newPool(vertx, connectOptions, poolSize, overload);
    }
    return pool;
  }

  /** A new pool without session timeouts or wait-queue bound (tools, tests); the caller closes it. */
  public static Pool newPool(Vertx vertx, PgConnectOptions options, int size) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setName("baton-pg"))
        .connectingTo(tune(new PgConnectOptions(options)))
        .using(vertx)
        .build();
  }

  /**
   * A new pool; the caller closes it. Every connection carries {@code statement_timeout},
   * {@code lock_timeout} and {@code idle_in_transaction_session_timeout} (startup parameters, so no
   * extra round trip); at most {@link BatonConfig.Overload#poolWaitQueue} requests wait for a
   * connection — one more fails at once — and none for longer than the proposal deadline (both
   * SqlErrors RETRYABLE, i.e. 503).
   */
  public static Pool newPool(Vertx vertx, PgConnectOptions options, int size, BatonConfig.Overload overload) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setName("baton-pg")
            .setMaxWaitQueueSize(overload.poolWaitQueue(size))
            // nobody waits for a connection longer than a proposal may take as a whole
            .setConnectionTimeout(overload.proposalDeadlineMs()).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
        .connectingTo(withTimeouts(tune(new PgConnectOptions(options)), overload))
        .using(vertx)
        .build();
  }

  /** One {@code SELECT 1}: whether the database answers (readiness). */
  public static io.vertx.core.Future<Void> ping(io.vertx.sqlclient.SqlClient c) {
    return c.query("SELECT 1").execute().mapEmpty();
  }

  /** The session timeouts of {@code overload} as startup parameters (milliseconds; 0 = off). */
  static PgConnectOptions withTimeouts(PgConnectOptions o, BatonConfig.Overload overload) {
    return o.addProperty("statement_timeout", Integer.toString(overload.statementTimeoutMs()))
        .addProperty("lock_timeout", Integer.toString(overload.lockTimeoutMs()))
        .addProperty("idle_in_transaction_session_timeout", Integer.toString(overload.idleInTransactionTimeoutMs()));
  }

  /** Applies pending migrations (idempotent). Blocking. */
  public void migrate() {
    Flyway flyway = Flyway.configure(Database.class.getClassLoader())
        .dataSource(jdbcUrl, connectOptions.getUser(), connectOptions.getPassword())
        .locations("classpath:db/migration")
        .load();
    try {
      flyway.migrate();
    } catch (RuntimeException e) {
      throw new ConfigException("database " + jdbcUrl + ": migration failed: " + firstLine(e));
    }
  }

  /** Closes the pool (if built) and stops the embedded server (if any). Blocking. */
  @Override
  public synchronized void close() {
    if (pool != null) {
      try {
        // never called on an event loop: Main's shutdown path and tests
        pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.debug("closing the pool: {}", e.toString()); // e.g. its Vert.x is already closed
      }
      pool = null;
    }
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        LOG.warn("stopping embedded PostgreSQL: {}", e.toString());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static PgConnectOptions tune(PgConnectOptions o) {
    return o.setPipeliningLimit(256).setCachePreparedStatements(true);
  }

  private static PgConnectOptions embeddedOptions(EmbeddedPostgres pg) {
    return new PgConnectOptions()
        .setHost("localhost")
        .setPort(pg.getPort())
        .setDatabase("postgres")
        .setUser("postgres");
  }

  static String jdbcUrl(PgConnectOptions o) {
    String url = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
    SslMode ssl = o.getSslMode();
    if (ssl != null && ssl != SslMode.DISABLE) {
      url += "?sslmode=" + ssl.name().toLowerCase().replace('_', '-');
    }
    return url;
  }

  private static EmbeddedPostgres startEmbedded(EmbeddedOptions options, boolean stopOnJvmExit) {
    Path dataDir = options.dataDir().toAbsolutePath().normalize();
    RootMode mode = RootMode.detect();
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new ConfigException("BATON_DATA_DIR: cannot create " + dataDir + " (" + e.getMessage()
          + "); set BATON_DATA_DIR to a writable directory");
    }
    // a server orphaned by a JVM that died without stopping it (kill -9) would block the start
    StalePostmaster.clear(dataDir);
    EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(options.port())
        .setServerConfig("listen_addresses", "localhost")
        .setServerConfig("unix_socket_directories", "")
        .setPGStartupWait(java.time.Duration.ofSeconds(60))
        .setRegisterShutdownHook(stopOnJvmExit);
    options.serverConfig().forEach(b::setServerConfig);
    if (mode != RootMode.NOT_ROOT) {
      prepareDataDirForRoot(dataDir, mode);
    }
    if (mode == RootMode.SETPRIV) {
      b.setPgBinaryResolver(RootSafeBinaryResolver.INSTANCE);
    }
    try {
      EmbeddedPostgres pg = b.start();
      LOG.info("embedded PostgreSQL on port {} with data in {}{}", pg.getPort(), dataDir,
          mode == RootMode.NOT_ROOT ? "" : " (root: PostgreSQL runs unprivileged via " + mode + ")");
      return pg;
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("embedded PostgreSQL in " + dataDir + " did not start: " + firstLine(e)
          + "; see the log above, or set BATON_DB_URL to use another server");
    }
  }

  /**
   * How PostgreSQL, which refuses to run as root, is started when the JVM is root. zonky prefixes
   * its commands with {@code unshare -U} by itself whenever an unprivileged user namespace works
   * (PostgreSQL then sees uid 65534 while files are accessed as root, so the data directory must
   * stay root-owned); where that is blocked (e.g. Docker's default seccomp profile) the wrapper
   * scripts of {@link RootSafeBinaryResolver} switch to uid 65534 with {@code setpriv}, and the
   * data directory must belong to 65534.
   */
  enum RootMode {
    NOT_ROOT, USER_NAMESPACE, SETPRIV;

    static RootMode detect() {
      if (!Processes.isRoot()) {
        return NOT_ROOT;
      }
      return io.zonky.test.db.postgres.util.LinuxUtils.isUnshareAvailable() ? USER_NAMESPACE : SETPRIV;
    }
  }

  /**
   * Root only: gives the data directory to the uid the server's files are accessed as (mode 0700)
   * and checks that this uid can reach it. Fails with one line suggesting BATON_DATA_DIR otherwise.
   */
  private static void prepareDataDirForRoot(Path dataDir, RootMode mode) {
    int nobody = RootSafeBinaryResolver.NOBODY;
    if (mode == RootMode.SETPRIV && !Processes.onPath("setpriv")) {
      throw new ConfigException("embedded PostgreSQL cannot run as root and 'setpriv' (util-linux) is "
          + "not installed: install it, run Baton as a non-root user, or set BATON_DB_URL");
    }
    int owner = mode == RootMode.SETPRIV ? nobody : 0;
    try {
      if (!Integer.valueOf(owner).equals(Files.getAttribute(dataDir, "unix:uid"))) {
        try (Stream<Path> all = Files.walk(dataDir)) {
          for (Path p : (Iterable<Path>) all::iterator) {
            Files.setAttribute(p, "unix:uid", owner, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", owner, java.nio.file.LinkOption.NOFOLLOW_LINKS);
          }
        }
      }
      Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException | UncheckedIOException e) {
      throw new ConfigException("BATON_DATA_DIR: cannot hand " + dataDir + " to uid " + owner + " ("
          + firstLine(e) + "); set BATON_DATA_DIR to a directory on a local file system");
    }
    String probe = "cd \"$1\" && test -w .";
    int rc = mode == RootMode.SETPRIV
        ? Processes.run("setpriv", "--reuid=" + nobody, "--regid=" + nobody, "--clear-groups", "--",
            "sh", "-c", probe, "sh", dataDir.toString())
        : Processes.run("unshare", "-U", "sh", "-c", probe, "sh", dataDir.toString());
    if (rc != 0) {
      throw new ConfigException("BATON_DATA_DIR: " + dataDir + " is not reachable for the unprivileged "
          + "user that runs PostgreSQL when Baton runs as root (uid " + nobody + "): some parent "
          + "directory is not traversable (o+x); set BATON_DATA_DIR to a directory under e.g. /var/lib or /tmp");
    }
  }

  private static String firstLine(Throwable e) {
    Throwable t = e;
    String m = null;
    while (t != null) {
      if (t.getMessage() != null) {
        m = t.getMessage();
      }
      if (t.getCause() == null || t.getCause() == t) {
        break;
      }
      t = t.getCause();
    }
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    m = m.strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
