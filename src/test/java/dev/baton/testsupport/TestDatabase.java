package dev.baton.testsupport;

import dev.baton.persistence.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The PostgreSQL of a test JVM: {@code BATON_TEST_DB_URL} when set, else one embedded server per
 * JVM (root-safe, data in a temporary directory deleted at exit). Migrated once, on first use.
 */
public final class TestDatabase {

  /** Every Baton table; {@link #truncateAll()} empties them. */
  public static final String TRUNCATE_ALL = "TRUNCATE flow, deployment, flow_run, flow_run_state, task_run, "
      + "task_run_state, task_run_state_cache, flow_run_input, log, concurrency_limit_v2, concurrency_lease, "
      + "concurrency_limit, variable, event, task_run_delivery, task_worker, artifact, artifact_collection, "
      + "automation, automation_bucket, automation_related_resource, composite_trigger_child_firing, "
      + "automation_proactive, automation_inbox, automation_action, block_document_reference, block_document, "
      + "block_schema_reference, block_schema, block_type, configuration RESTART IDENTITY CASCADE";

  private static Database database;

  private TestDatabase() {}

  /** The shared, migrated database (started on first call). */
  public static synchronized Database database() {
    if (database == null) {
      database = start();
    }
    return database;
  }

  private static Database start() {
    String url = System.getenv("BATON_TEST_DB_URL");
    if (url != null && !url.isBlank()) {
      return Database.connect(PgConnectOptions.fromUri(url), 8);
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("baton-test-pg-");
      // temp dirs are 0700; as root PostgreSQL runs as nobody, which must traverse it
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Database db = Database.startEmbedded(new Database.EmbeddedOptions(dir.resolve("data"), 0,
        Map.of("fsync", "off", "synchronous_commit", "off", "full_page_writes", "off")), 8);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      db.close();
      deleteTree(dir);
    }, "baton-test-pg-stop"));
    return db;
  }

  /** Options for building further pools or connections (pipelining and statement caching on). */
  public static PgConnectOptions connectOptions() {
    return database().connectOptions();
  }

  /** A new pool on {@code vertx}; closed with it (or by the caller). */
  public static Pool pool(Vertx vertx) {
    return pool(vertx, 8);
  }

  public static Pool pool(Vertx vertx, int size) {
    return Database.newPool(vertx, connectOptions(), size);
  }

  /**
   * The database as a {@code postgresql://} URL ({@code BATON_TEST_DB_URL} when set), for the
   * {@code BATON_DB_URL} of a Baton this test JVM starts otherwise than through TestServer.
   */
  public static String url() {
    String url = System.getenv("BATON_TEST_DB_URL");
    if (url != null && !url.isBlank()) {
      return url;
    }
    PgConnectOptions o = connectOptions();
    return "postgresql://" + enc(o.getUser()) + ":" + enc(o.getPassword()) + "@" + o.getHost() + ":" + o.getPort()
        + "/" + o.getDatabase();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
  }

  public static String jdbcUrl() {
    return database().jdbcUrl();
  }

  /** Opens a JDBC connection (for blocking test set-up and assertions). */
  public static Connection jdbc() throws SQLException {
    PgConnectOptions o = connectOptions();
    return DriverManager.getConnection(jdbcUrl(), o.getUser(), o.getPassword());
  }

  /**
   * Holds the lock of one row as another writer would: a JDBC connection whose open transaction ran
   * {@code SELECT 1 FROM <table> WHERE <column> = value FOR UPDATE}. Commit (or roll back) and
   * close it to let the row go.
   */
  public static Connection lockForUpdate(String table, String column, Object value) throws SQLException {
    Connection c = jdbc();
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE " + column + " = ? FOR UPDATE")) {
      ps.setObject(1, value);
      ps.executeQuery().close();
    }
    return c;
  }

  /** Empties every table. Blocking: call it from the test thread, not an event loop. */
  public static void truncateAll() {
    try (Connection c = jdbc(); Statement s = c.createStatement()) {
      s.execute(TRUNCATE_ALL);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Empties every table through {@code client}. */
  public static Future<Void> truncateAll(SqlClient client) {
    return client.query(TRUNCATE_ALL).execute().mapEmpty();
  }

  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort at exit
    }
  }
}
