package dev.baton.persistence;

import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigException;
import dev.baton.testsupport.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DatabaseIT {

  private Path dir;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("baton-dbit-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
  }

  @AfterEach
  void tearDown() {
    TestDatabase.deleteTree(dir);
  }

  private static int queryInt(Database db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", null);
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      assertTrue(rs.next());
      return rs.getInt(1);
    }
  }

  private static void exec(Database db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", null);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Test
  void embeddedRestartKeepsDataAndMigrationIsIdempotent() throws Exception {
    Path data = dir.resolve("nested/data");
    BatonConfig.Db cfg = new BatonConfig.Db(null, data, 0, 2, 64, 1);
    int migrations;
    try (Database db = Database.start(cfg)) {
      assertTrue(db.isEmbedded());
      exec(db, "INSERT INTO flow (name) VALUES ('survivor')");
      migrations = queryInt(db, "SELECT count(*) FROM flyway_schema_history WHERE success");
      assertEquals(queryInt(db, "SELECT count(*) FROM flyway_schema_history"), migrations, "every migration succeeded");
      assertTrue(migrations >= 1);
    }
    try (Database db = Database.start(cfg)) {
      assertEquals(1, queryInt(db, "SELECT count(*) FROM flow WHERE name = 'survivor'"));
      // the reused data dir is already migrated: the same applied migrations, nothing re-run
      assertEquals(migrations, queryInt(db, "SELECT count(*) FROM flyway_schema_history"));
      db.migrate();
      assertEquals(migrations, queryInt(db, "SELECT count(*) FROM flyway_schema_history"));
    }
    if (Database.RootMode.detect() == Database.RootMode.SETPRIV) {
      assertEquals(RootSafeBinaryResolver.NOBODY, Files.getAttribute(data, "unix:uid"));
    }
  }

  @Test
  void sharedPoolWorksAndIsBuiltOnce() throws Exception {
    Database db = TestDatabase.database();
    Vertx vertx = Vertx.vertx();
    try {
      Pool p = db.pool(vertx);
      assertTrue(p == db.pool(vertx));
      Row r = await(p.query("SELECT current_setting('server_version_num')::int AS v").execute(), Duration.ofSeconds(10))
          .iterator().next();
      assertTrue(r.getInteger("v") >= 170000);
      assertTrue(db.connectOptions().getCachePreparedStatements());
      assertTrue(db.connectOptions().getPipeliningLimit() > 1);
    } finally {
      await(vertx.close(), Duration.ofSeconds(10));
    }
  }

  @Test
  void unreachableDataDirAsRootFailsWithOneLine() throws Exception {
    assumeTrue(Processes.isRoot(), "only meaningful as root");
    // owned by someone else and closed to others: unreachable for nobody (setpriv) and for a
    // capability-less root in a user namespace alike
    Path closed = Files.createDirectory(dir.resolve("closed"));
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
    Files.setAttribute(closed, "unix:uid", 12345);
    ConfigException e = assertThrows(ConfigException.class,
        () -> Database.start(new BatonConfig.Db(null, closed.resolve("data"), 0, 2, 64, 1)));
    assertTrue(e.getMessage().contains("BATON_DATA_DIR"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void badUrlFailsWithOneLine() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Database.start(new BatonConfig.Db("postgresql://nobody@127.0.0.1:1/none", dir, 0, 2, 64, 1)));
    assertTrue(e.getMessage().startsWith("database jdbc:postgresql://127.0.0.1:1/none"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }

}
