package dev.baton.it;

import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.persistence.Database;
import dev.baton.testsupport.Ports;
import dev.baton.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Baton as its own process with its embedded PostgreSQL: 16 workers loop set_state, the process
 * gets SIGTERM. It must exit within 30 s, no request may get a 500, and every state acknowledged
 * with 201 must be in the database when it is opened again afterwards.
 */
class SigtermIT {

  @Test
  void sigtermDrainsAndLosesNothingAcknowledged() throws Exception {
    int port = Ports.free();
    Path dataDir = Files.createTempDirectory("baton-sigterm-");
    dataDir.toFile().setExecutable(true, false); // reachable for PostgreSQL when run as root
    Path log = Files.createTempFile("baton-sigterm-", ".log");
    ProcessBuilder pb = ChildBaton.builder();
    Map<String, String> env = pb.environment();
    env.remove("BATON_DB_URL");
    env.put("BATON_DATA_DIR", dataDir.resolve("pg").toString());
    env.put("BATON_EVENT_LOOPS", "2");
    env.put("BATON_DB_POOL_SIZE", "4");
    env.put("BATON_CONCURRENCY_REAPER_INTERVAL_MS", "0");
    Process child = ChildBaton.start(pb, port, log);
    try {
      ApiClient api = new ApiClient(port);
      ChildBaton.awaitHealthy(api, child, 90_000, log);
      UUID flowRun = api.createFlowRun(state("RUNNING"));
      List<UUID> runs = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        runs.add(api.createTaskRun(flowRun, state("PENDING")));
      }
      ShutdownLoad load = new ShutdownLoad();
      load.start(api, runs);
      Thread.sleep(2000);

      long t0 = System.nanoTime();
      child.destroy(); // SIGTERM
      boolean exited = child.waitFor(30, TimeUnit.SECONDS);
      long exitMs = (System.nanoTime() - t0) / 1_000_000;
      load.stop();
      assertTrue(exited, "exited within 30 s; log: " + log);
      System.out.println("SigtermIT: exit " + exitMs + " ms after SIGTERM (code " + child.exitValue() + "), statuses "
          + load.statuses);

      assertTrue(load.unexpected.isEmpty(), "only 201 and 503: " + load.unexpected);
      assertEquals(0, load.count(500));
      assertTrue(load.count(201) > 0, "the load ran: " + load.statuses);

      // open the data directory again and look for every acknowledged state
      Set<UUID> acked = new HashSet<>(load.acknowledged);
      Set<UUID> found = new HashSet<>();
      try (Database db = Database.startEmbedded(new Database.EmbeddedOptions(dataDir.resolve("pg"), 0, Map.of()), 1);
          Connection c = DriverManager.getConnection(db.jdbcUrl(), db.connectOptions().getUser(),
              db.connectOptions().getPassword());
          PreparedStatement ps = c.prepareStatement("SELECT id FROM task_run_state WHERE id = ANY (?)")) {
        ps.setArray(1, c.createArrayOf("uuid", acked.toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            found.add((UUID) rs.getObject(1));
          }
        }
      }
      Set<UUID> missing = new HashSet<>(acked);
      missing.removeAll(found);
      assertTrue(missing.isEmpty(), missing.size() + " of " + acked.size() + " acknowledged states missing");
      String out = Files.readString(log);
      assertTrue(out.contains("event=drained"), "drained before stopping; log: " + log);
    } finally {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(log);
      TestDatabase.deleteTree(dataDir);
    }
  }
}
