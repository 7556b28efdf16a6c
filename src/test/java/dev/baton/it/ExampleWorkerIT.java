package dev.baton.it;

import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.Baton;
import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigLoader;
import dev.baton.testsupport.Await;
import dev.baton.testsupport.TestDatabase;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * examples/worker-verticle deployed beside Baton the way a user deploys it — named in
 * {@code BATON_VERTICLES}, started by the embedding API {@link Baton#deploy} — drives a flow run
 * and a task run to COMPLETED over the event bus alone; the database holds the result.
 */
class ExampleWorkerIT {

  @Test
  void theExampleWorkerCompletesAFlowRunAndATaskRunOverTheBus() throws Exception {
    BatonConfig config = ConfigLoader.load(Map.of("BATON_DB_URL", TestDatabase.url(), "BATON_HTTP_PORT", "0",
        "BATON_HTTP_HOST", "127.0.0.1", "BATON_EVENT_LOOPS", "2", "BATON_DB_POOL_SIZE", "4",
        "BATON_VERTICLES", "com.example.worker.WorkerVerticle",
        "BATON_LATE_RUNS_INTERVAL_SECONDS", "0", "BATON_PAUSE_EXPIRATIONS_INTERVAL_SECONDS", "0"), Path.of("."));
    Vertx vertx = Vertx.vertx();
    List<String> done = new ArrayList<>();
    vertx.eventBus().<String>consumer("example.worker.done", m -> done.add(m.body()));
    try {
      Baton.Handle baton = await(Baton.deploy(vertx, config));
      // the worker's start() completes once its runs are COMPLETED: deploy completes after it
      assertEquals(1, done.size(), "the worker published its flow run");
      String flowRun = done.get(0);
      try (Connection c = TestDatabase.jdbc();
          PreparedStatement ps = c.prepareStatement("SELECT f.name, r.state_type, "
              + " (SELECT string_agg(s.type::text, ',' ORDER BY s.timestamp) FROM flow_run_state s WHERE s.flow_run_id = r.id),"
              + " (SELECT string_agg(t.state_type::text || ':' || t.task_key, ',') FROM task_run t WHERE t.flow_run_id = r.id)"
              + " FROM flow_run r JOIN flow f ON f.id = r.flow_id WHERE r.id = ?::uuid")) {
        ps.setString(1, flowRun);
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
          assertEquals("example-worker", rs.getString(1));
          assertEquals("COMPLETED", rs.getString(2));
          assertEquals("PENDING,RUNNING,COMPLETED", rs.getString(3));
          assertEquals("COMPLETED:say-hello", rs.getString(4));
        }
      }
      // the REST API of the embedded server sees the same run
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + baton.port() + "/api/flow_runs/" + flowRun)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("\"COMPLETED\""), r.body());
      await(baton.close());
      await(baton.close()); // idempotent
    } finally {
      await(vertx.close(), Duration.ofSeconds(10));
    }
  }

  @Test
  void aVerticleThatCannotBeDeployedFailsTheDeploymentAndStopsBaton() throws Exception {
    BatonConfig config = ConfigLoader.load(Map.of("BATON_DB_URL", TestDatabase.url(), "BATON_HTTP_PORT", "0",
        "BATON_HTTP_HOST", "127.0.0.1", "BATON_EVENT_LOOPS", "1", "BATON_DB_POOL_SIZE", "2",
        "BATON_VERTICLES", "com.example.DoesNotExist"), Path.of("."));
    Vertx vertx = Vertx.vertx();
    try {
      Throwable cause = Await.failure(Baton.deploy(vertx, config), Duration.ofSeconds(60));
      assertTrue(String.valueOf(cause).contains("com.example.DoesNotExist"), String.valueOf(cause));
      // nothing of Baton is left deployed on the caller's Vert.x
      assertEquals(0, vertx.deploymentIDs().size(), vertx.deploymentIDs().toString());
    } finally {
      await(vertx.close(), Duration.ofSeconds(10));
    }
  }
}
