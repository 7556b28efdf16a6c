package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.BatonServer;
import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigLoader;
import dev.baton.testsupport.Poll;
import dev.baton.testsupport.TestDatabase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The bounds of event ingestion: a full recorder buffer answers POST /events 503 with
 * Retry-After and makes a websocket wait (paused) rather than queue without limit; a configured
 * token check refuses a bad websocket auth message with 1008.
 */
class EventsLimitsIT {

  private static ObjectNode slowEvent(UUID id) {
    return obj("id", id.toString(), "occurred", Instant.now().toString(), "event", "baton.test.slow",
        "resource", obj("prefect.resource.id", "baton.test." + id));
  }

  private static long stored(TestServer s, UUID id) {
    return await(s.pool().preparedQuery("SELECT count(*) FROM event WHERE id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(id))).iterator().next().getLong(0);
  }

  @Test
  void aFullBufferAnswers503AndPausesWebsockets() throws Exception {
    try (TestServer s = TestServer.start(Map.of("BATON_EVENTS_BUFFER", "1"))) {
      EventsIT.installSlowEventTrigger(s);
      ApiClient api = s.api();
      UUID first = UUID.randomUUID();
      // five slow events in one request (an empty buffer takes any number): 2 s in PostgreSQL
      List<ObjectNode> five = new ArrayList<>(List.of(slowEvent(first)));
      for (int i = 0; i < 4; i++) {
        five.add(slowEvent(UUID.randomUUID()));
      }
      CompletableFuture<Integer> slow = CompletableFuture.supplyAsync(() -> api.post("/api/events", five).status());
      // wait until they fill the buffer, then knock
      Poll.until(1_000, 2, () -> s.baton().eventRecorder().pending() != 0);
      assertEquals(5, s.baton().eventRecorder().pending(), "the slow events never entered the buffer");
      ObjectNode fast = obj("id", UUID.randomUUID().toString(), "occurred", Instant.now().toString(),
          "event", "baton.test.fast", "resource", obj("prefect.resource.id", "baton.test.fast"));
      ApiClient.Response refused = api.post("/api/events", List.of(fast));
      assertEquals(503, refused.status(), refused.raw());
      assertEquals("1", refused.header("Retry-After"));
      assertEquals(204, slow.get().intValue());

      // a websocket sending more than the buffer holds is paused and resumed, and loses nothing
      List<UUID> ids = new ArrayList<>();
      try (WsClient c = WsClient.connect(s.vertx(), s.port(), "/api/events/in")) {
        for (int i = 0; i < 4; i++) {
          UUID id = UUID.randomUUID();
          ids.add(id);
          c.send(slowEvent(id).toString());
        }
        c.ping("all");
        assertEquals("all", c.nextPong(30));
      }
      for (UUID id : ids) {
        assertEquals(1, stored(s, id));
      }
    }
  }

  @Test
  void aRefusedTokenClosesTheSocket1008() throws Exception {
    Map<String, String> env = Map.of("BATON_HTTP_PORT", "0", "BATON_HTTP_HOST", "127.0.0.1", "BATON_EVENT_LOOPS", "1",
        "BATON_DB_POOL_SIZE", "2", "BATON_LATE_RUNS_INTERVAL_SECONDS", "0", "BATON_PAUSE_EXPIRATIONS_INTERVAL_SECONDS", "0",
        "BATON_CONCURRENCY_REAPER_INTERVAL_MS", "0", "BATON_API_AUTH_STRING", "s3cret");
    BatonConfig config = ConfigLoader.load(env, Path.of("."));
    Vertx vertx = Vertx.vertx();
    Pool pool = TestDatabase.pool(vertx, 2);
    try {
      BatonServer baton = await(BatonServer.deploy(vertx, pool, TestDatabase.connectOptions(),
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), config));
      try (WsClient c = WsClient.connect(vertx, baton.port(), "/api/events/in")) {
        c.send("{\"type\":\"auth\",\"token\":\"wrong\"}");
        WsClient.Closed closed = c.awaitClose(10);
        assertEquals((short) 1008, closed.code());
        assertEquals("Invalid token", closed.reason());
      }
      try (WsClient c = WsClient.connect(vertx, baton.port(), "/api/events/in")) {
        // with a token check configured, an event before the auth message is refused too
        c.send(slowEvent(UUID.randomUUID()).toString());
        assertEquals((short) 1008, c.awaitClose(10).code());
      }
      try (WsClient c = WsClient.connect(vertx, baton.port(), "/api/events/out")) {
        c.send("{\"type\":\"auth\",\"token\":\"s3cret\"}");
        assertEquals("{\"type\":\"auth_success\"}", c.nextMessage(10));
      }
    } finally {
      await(pool.close());
      await(vertx.close());
    }
  }
}
