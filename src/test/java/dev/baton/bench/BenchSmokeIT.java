package dev.baton.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.it.ClassServer;
import dev.baton.it.TestServer;
import dev.baton.testsupport.TestDatabase;
import io.vertx.pgclient.PgConnectOptions;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmark's smoke test: every scenario of the load generator (bench/src/main/java), the
 * event-bus path and the floor script run for about a second against a real Baton and PostgreSQL,
 * and must produce a clean, complete result. It checks that the tools work, never how fast.
 */
class BenchSmokeIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @ClassServer(emptyDatabase = true) private static TestServer server;

  @TempDir
  Path dir;

  private String url() {
    return "http://127.0.0.1:" + server.port();
  }

  private JsonNode generate(String... args) throws Exception {
    Path out = dir.resolve("result.json");
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--out", out.toString(), "--fail-on-error", "--quiet"));
    assertEquals(0, LoadGenerator.execute(all.toArray(String[]::new)), "the generator exits cleanly");
    return JSON.readTree(out.toFile());
  }

  /** A complete result: transitions measured, no error, latency figures for every request kind. */
  private static void assertClean(JsonNode r, String scenario) {
    assertEquals(scenario, r.get("scenario").asText());
    assertEquals(0, r.get("errors").asLong(), () -> "errors: " + r.get("error_samples"));
    assertTrue(r.get("transitions").asLong() > 0, "transitions were measured");
    assertTrue(r.get("kinds").size() > 0);
    for (Iterator<Map.Entry<String, JsonNode>> it = r.get("kinds").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> k = it.next();
      assertTrue(k.getValue().get("count").asLong() > 0, k.getKey());
      assertTrue(k.getValue().get("p99_ms").asDouble() > 0, k.getKey());
      assertTrue(k.getValue().get("p99_ms").asDouble() <= k.getValue().get("max_ms").asDouble(), k.getKey());
    }
    assertTrue(r.get("cpu").get("baton_ms_per_transition").isNumber(), "CPU per transition of Baton: " + r.get("cpu"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"set-state-only", "task-lifecycle", "flow-lifecycle", "pause-resume", "contended"})
  void everyScenarioRunsCleanInClosedLoop(String scenario) throws Exception {
    JsonNode r = generate("--url", url(), "--scenario", scenario, "--workers", "4", "--duration", "1s",
        "--warmup", "200ms", "--prefill", "300", "--baton-pid", String.valueOf(ProcessHandle.current().pid()));
    assertClean(r, scenario);
    assertEquals("closed", r.get("mode").asText());
    if (!scenario.equals("set-state-only")) {
      assertTrue(r.get("lifecycles").asLong() > 0, "whole lifecycles were counted");
    }
    if (scenario.equals("contended")) {
      assertEquals(0, r.get("active_slots_after").asInt(), "no slot leaked");
    }
  }

  @Test
  void openLoopAtAFixedRate() throws Exception {
    JsonNode r = generate("--url", url(), "--scenario", "set-state-only", "--workers", "4", "--rate", "300",
        "--duration", "1s", "--warmup", "200ms", "--prefill", "300",
        "--baton-pid", String.valueOf(ProcessHandle.current().pid()));
    assertClean(r, "set-state-only");
    assertEquals("open", r.get("mode").asText());
    assertEquals(300.0, r.get("target_rate").asDouble());
  }

  @Test
  void theEventBusPath() throws Exception {
    Path out = dir.resolve("bus.json");
    PgConnectOptions o = TestDatabase.connectOptions();
    String dbUrl = "postgresql://" + o.getUser() + (o.getPassword() == null ? "" : ":" + o.getPassword())
        + "@" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
    assertEquals(0, EventBusLoad.execute(new String[] {"--db-url", dbUrl, "--workers", "4", "--duration", "1s",
        "--warmup", "200ms", "--prefill", "300", "--out", out.toString(), "--fail-on-error", "--quiet"}));
    JsonNode r = JSON.readTree(out.toFile());
    assertEquals(0, r.get("errors").asLong(), () -> "errors: " + r.get("error_samples"));
    assertTrue(r.get("transitions").asLong() > 0);
  }

  /** bench/floor.sh with pgbench against the test database; skipped where pgbench is not installed. */
  @Test
  void theFloorScript() throws Exception {
    assumeTrue(onPath("pgbench") && onPath("psql"), "pgbench and psql are not installed (apt-get install postgresql-client)");
    Path out = dir.resolve("floor.json");
    PgConnectOptions o = TestDatabase.connectOptions();
    ProcessBuilder pb = new ProcessBuilder("bash", "bench/floor.sh", "--clients", "1,4", "--duration", "1",
        "--rows", "20", "--db", "baton_floor_smoke", "--out", out.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("floor.log").toFile());
    pb.environment().put("PGHOST", o.getHost());
    pb.environment().put("PGPORT", String.valueOf(o.getPort()));
    pb.environment().put("PGUSER", o.getUser());
    if (o.getPassword() != null) {
      pb.environment().put("PGPASSWORD", o.getPassword());
    }
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "floor.sh finished");
    String log = Files.readString(dir.resolve("floor.log"), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), () -> "floor.sh failed:\n" + log);
    JsonNode r = JSON.readTree(out.toFile());
    assertEquals(2, r.get("results").size(), r::toString);
    for (JsonNode c : r.get("results")) {
      assertTrue(c.get("tps").asDouble() > 0, c::toString);
      assertEquals(0, c.get("failed").asLong(), c::toString);
    }
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }
}
