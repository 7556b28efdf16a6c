package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An events websocket holds no HTTP in-flight place once upgraded: clients that connect, report
 * events and disconnect leave nothing counted, an idle open socket keeps no drain waiting, and a
 * stop takes as long as the work in flight — not the whole grace period.
 */
class WebsocketDrainIT {

  @Test
  void socketsThatCameAndWentDoNotKeepTheDrainWaiting() throws Exception {
    try (TestServer s = TestServer.start()) {
      ApiClient api = s.api();
      UUID flowId = api.createFlow();
      UUID flowRun = api.post("/api/flow_runs/", obj("flow_id", flowId.toString(), "state", state("RUNNING")))
          .expect(201).id();
      List<UUID> reported = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        PrefectTaskEvents t = new PrefectTaskEvents(flowRun, flowId, "drain-" + i, "0", 0,
            Instant.now().minusSeconds(5)).succeeds();
        try (WsClient c = WsClient.connect(s.vertx(), s.port(), "/api/events/in")) {
          c.send("{\"type\":\"auth\",\"token\":null}");
          assertEquals("{\"type\":\"auth_success\"}", c.nextMessage(10));
          t.events().forEach(e -> c.send(e.toString()));
          c.ping("stored");
          assertEquals("stored", c.nextPong(30), "the pong confirms the commit");
        }
        reported.add(t.taskRunId);
      }
      for (UUID id : reported) {
        assertEquals("COMPLETED", api.get("/api/task_runs/" + id).expect(200).body().get("state_type").asText(),
            "reported run " + id);
      }
      WsClient idle = WsClient.connect(s.vertx(), s.port(), "/api/events/in");
      idle.send("{\"type\":\"auth\",\"token\":null}");
      assertEquals("{\"type\":\"auth_success\"}", idle.nextMessage(10));

      // (/metrics itself is not counted)
      long deadline = System.nanoTime() + 5_000_000_000L;
      double inFlight;
      do {
        inFlight = api.metric("baton_http_in_flight").orElse(-1);
      } while (inFlight != 0 && System.nanoTime() < deadline);
      assertEquals(0.0, inFlight, "three closed sockets and an idle one hold no place");

      long t0 = System.nanoTime();
      long took = s.baton().shutdown(20_000).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      long wall = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(took < 5_000, "the drain ends when the work ends: " + took + " ms (wall " + wall + " ms)");
      idle.close();
    }
  }
}
