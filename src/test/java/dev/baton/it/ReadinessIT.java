package dev.baton.it;

import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.baton.persistence.Database;
import dev.baton.testsupport.Poll;
import dev.baton.testsupport.Ports;
import dev.baton.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Liveness and readiness as Kubernetes uses them: {@code /api/health} answers {@code true} whatever
 * the database does; {@code /api/ready} follows the database (its own embedded server here, stopped
 * and started again under a running Baton) and goes 503 while the instance drains.
 */
class ReadinessIT {

  @Test
  void readinessFollowsTheDatabaseAndLivenessDoesNot() throws Exception {
    Path dir = Files.createTempDirectory("baton-ready-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    int pgPort = Ports.free();
    // the same port after the restart, so the server's pool finds it again
    Database.EmbeddedOptions options = new Database.EmbeddedOptions(dir.resolve("data"), pgPort,
        Map.of("fsync", "off", "synchronous_commit", "off"));
    Database db = Database.startEmbedded(options, 2);
    try (TestServer s = TestServer.start(Map.of(), db.connectOptions())) {
      ApiClient api = s.api();
      assertEquals("OK", api.get("/api/ready").expect(200).text("message"));
      assertEquals("true", api.get("/api/health").expect(200).raw());
      UUID run = api.createFlowRun(state("PENDING"));

      db.close(); // the database goes away under the running server
      Poll.eventually(10_000, () -> assertEquals(503, api.get("/api/ready").status()));
      ApiClient.Response notReady = api.get("/api/ready");
      assertEquals(503, notReady.status());
      assertEquals("Database is not available", notReady.text("message"));
      assertEquals("1", notReady.header("Retry-After"), "every 503 says when to retry");
      assertEquals("true", api.get("/api/health").expect(200).raw(), "liveness does not depend on the database");
      // what clients see meanwhile: unavailable, never an internal error
      for (ApiClient.Response r : new ApiClient.Response[] {
          api.get("/api/flow_runs/" + run),
          api.post("/api/flow_runs/", ApiClient.obj("flow_id", UUID.randomUUID().toString())),
          api.setFlowState(run, state("RUNNING")),
          api.get("/api/ready")}) {
        assertNotEquals(500, r.status(), r.raw());
        assertEquals(503, r.status(), r.raw());
        assertTrue(r.header("Retry-After") != null, r.raw());
      }

      db = Database.startEmbedded(options, 2);
      Poll.eventually(15_000, () -> assertEquals(200, api.get("/api/ready").status()));
      assertEquals("PENDING", api.flowRun(run).get("state_type").asText(), "same data, same server");

      s.baton().readiness().setDraining();
      ApiClient.Response draining = api.get("/api/ready");
      assertEquals(503, draining.status());
      assertEquals("Server is shutting down", draining.text("message"));
      assertEquals("1", draining.header("Retry-After"));
      assertEquals("true", api.get("/api/health").expect(200).raw());
    } finally {
      db.close();
      TestDatabase.deleteTree(dir);
    }
  }
}
