package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.Poll;
import dev.baton.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Past a bound, every route that touches the database answers 503 with {@code Retry-After} at once
 * (never a 500, never a queue): the in-flight bound (reads, creations, logs as well as proposals)
 * and the pool's wait queue. Liveness is not bounded. Rejections are counted by reason.
 */
class OverloadIT {
  // long DB timeouts: only the bounds under test may refuse anything
  private static final Map<String, String> PATIENT = Map.of("BATON_DB_LOCK_TIMEOUT_MS", "0",
      "BATON_DB_STATEMENT_TIMEOUT_MS", "10000", "BATON_PROPOSAL_DEADLINE_MS", "10000",
      "BATON_EVENT_BUS_TIMEOUT_MS", "31000", "BATON_HTTP_REQUEST_TIMEOUT_MS", "35000");

  private static String metrics(TestServer s) {
    return s.api().get("/metrics").raw();
  }

  private static double metric(TestServer s, String sample) {
    return s.api().metric(sample).orElse(0);
  }

  /** Waits (checking every 20 ms, up to 5 s) until {@code s} has {@code n} requests in flight. */
  private static void awaitInFlight(TestServer s, double n) throws Exception {
    Poll.eventually(5000, 20, () -> assertEquals(n, metric(s, "baton_http_in_flight"), "requests in flight"));
  }

  private static void assertShed(ApiClient.Response r) {
    assertEquals(503, r.status(), r.raw());
    assertEquals("Service Unavailable", r.text("exception_message"), r.raw());
    int retryAfter = Integer.parseInt(r.header("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 10, "Retry-After " + retryAfter);
  }

  /** Reads one HTTP/1.1 response (status line, headers, Content-Length body); returns "status body". */
  private static String readResponse(java.io.InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new java.io.EOFException("connection closed after: " + head);
      }
      head.append((char) b);
    }
    Matcher len = Pattern.compile("(?im)^content-length: *([0-9]+)").matcher(head);
    byte[] body = in.readNBytes(len.find() ? Integer.parseInt(len.group(1)) : 0);
    return head.substring(9, 12) + " " + new String(body, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void pastTheInFlightBoundEveryDatabaseRouteAnswers503AtOnce() throws Exception {
    Map<String, String> env = new java.util.HashMap<>(PATIENT);
    env.put("BATON_MAX_IN_FLIGHT", "2");
    try (TestServer s = TestServer.start(env)) {
      ApiClient api = s.api();
      UUID flowRun = api.createFlowRun(state("RUNNING"));
      UUID task = api.createTaskRun(flowRun, state("PENDING"));
      UUID other = api.createTaskRun(flowRun, state("PENDING"));
      UUID flow = api.flowRun(flowRun).has("flow_id") ? UUID.fromString(api.flowRun(flowRun).get("flow_id").asText()) : null;
      Connection holder = TestDatabase.lockForUpdate("task_run", "id", task);
      List<CompletableFuture<ApiClient.Response>> held;
      try {
        // two proposals stuck behind the lock fill the bound
        held = List.of(CompletableFuture.supplyAsync(() -> api.setTaskState(task, state("RUNNING"))),
            CompletableFuture.supplyAsync(() -> api.setTaskState(task, state("RUNNING"))));
        awaitInFlight(s, 2);

        long t0 = System.nanoTime();
        assertShed(api.get("/api/flows/" + flow));                                   // read
        assertShed(api.post("/api/flow_runs/filter", obj()));                        // filter
        assertShed(api.post("/api/task_runs/", obj("flow_run_id", flowRun.toString(), // creation
            "task_key", "k", "dynamic_key", "0")));
        assertShed(api.setTaskState(other, state("RUNNING")));                      // another run's proposal
        assertShed(api.post("/api/variables/", obj("name", "v" + System.nanoTime(), "value", 1)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2000, "shed at once, not queued: " + ms + " ms for five requests");
        assertEquals(200, api.get("/api/health").status(), "liveness is not bounded");

        // a refusal does not read the request's body, yet the connection stays usable: a creation
        // with a body and a health check pipelined on one keep-alive connection get 503 then 200
        try (java.net.Socket sock = new java.net.Socket("127.0.0.1", s.port())) {
          sock.setSoTimeout(10_000);
          String body = "{\"flow_run_id\": \"" + flowRun + "\", \"task_key\": \"k\", \"dynamic_key\": \"pipelined\", \"pad\": \""
              + "x".repeat(100_000) + "\"}";
          String requests = "POST /api/task_runs/ HTTP/1.1\r\nHost: baton\r\nContent-Type: application/json\r\n"
              + "Content-Length: " + body.length() + "\r\n\r\n" + body
              + "GET /api/health HTTP/1.1\r\nHost: baton\r\n\r\n";
          sock.getOutputStream().write(requests.getBytes(java.nio.charset.StandardCharsets.UTF_8));
          String refused = readResponse(sock.getInputStream());
          assertTrue(refused.startsWith("503 ") && refused.contains("Service Unavailable"), refused);
          assertEquals("200", readResponse(sock.getInputStream()).substring(0, 3));
        }
        assertTrue(metric(s, "baton_overload_rejected_total{reason=\"http_in_flight\"}") >= 5, metrics(s));
        assertTrue(metric(s, "baton_http_retry_after_expected_ms") >= 1000, metrics(s));
      } finally {
        holder.commit();
        holder.close();
      }
      for (CompletableFuture<ApiClient.Response> f : held) {
        ApiClient.Response r = f.get(20, TimeUnit.SECONDS);
        assertTrue(r.status() == 200 || r.status() == 201, r.raw());
      }
      awaitInFlight(s, 0);
      assertEquals("PENDING", api.taskRun(other).get("state").get("type").asText(), "the shed proposal wrote nothing");
      try (Connection c = TestDatabase.jdbc();
          PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM task_run WHERE dynamic_key = 'pipelined'")) {
        java.sql.ResultSet rs = ps.executeQuery();
        rs.next();
        assertEquals(0, rs.getInt(1), "the refused creation wrote nothing");
      }
      api.setTaskState(other, state("RUNNING")).expect(201);
    }
  }

  @Test
  void aFullPoolWaitQueueAnswers503() throws Exception {
    Map<String, String> env = new java.util.HashMap<>(PATIENT);
    env.put("BATON_DB_POOL_SIZE", "1");
    env.put("BATON_DB_POOL_WAIT_QUEUE", "1");
    env.put("BATON_CONCURRENCY_REAPER_INTERVAL_MS", "0");
    try (TestServer s = TestServer.start(env)) {
      ApiClient api = s.api();
      UUID flowRun = api.createFlowRun(state("RUNNING"));
      UUID task = api.createTaskRun(flowRun, state("PENDING"));
      Connection holder = TestDatabase.lockForUpdate("task_run", "id", task);
      CompletableFuture<ApiClient.Response> stuck;
      CompletableFuture<ApiClient.Response> waiting;
      try {
        // the pool's only connection is held by a proposal waiting for the lock ...
        stuck = CompletableFuture.supplyAsync(() -> api.setTaskState(task, state("RUNNING")));
        awaitInFlight(s, 1);
        Thread.sleep(200);
        // ... one read waits for it (the queue holds one) ...
        waiting = CompletableFuture.supplyAsync(() -> api.get("/api/flow_runs/" + flowRun));
        awaitInFlight(s, 2);
        Thread.sleep(200);
        // ... and the next one is refused at once
        assertShed(api.get("/api/flow_runs/" + flowRun));
        assertTrue(metric(s, "baton_overload_rejected_total{reason=\"pool_wait_queue\"}") >= 1, metrics(s));
      } finally {
        holder.commit();
        holder.close();
      }
      assertEquals(201, stuck.get(20, TimeUnit.SECONDS).status());
      assertEquals(200, waiting.get(20, TimeUnit.SECONDS).status());
      assertNotEquals(503, api.get("/api/flow_runs/" + flowRun).status());
    }
  }

  @Test
  void nobodyWaitsForAConnectionLongerThanTheDeadline() throws Exception {
    try (TestServer s = TestServer.start(Map.of("BATON_DB_POOL_SIZE", "1", "BATON_CONCURRENCY_REAPER_INTERVAL_MS", "0",
        "BATON_DB_LOCK_TIMEOUT_MS", "0", "BATON_DB_STATEMENT_TIMEOUT_MS", "10000", "BATON_PROPOSAL_DEADLINE_MS", "500",
        "BATON_EVENT_BUS_TIMEOUT_MS", "21000", "BATON_HTTP_REQUEST_TIMEOUT_MS", "25000"))) {
      ApiClient api = s.api();
      UUID flowRun = api.createFlowRun(state("RUNNING"));
      UUID task = api.createTaskRun(flowRun, state("PENDING"));
      Connection holder = TestDatabase.lockForUpdate("task_run", "id", task);
      CompletableFuture<ApiClient.Response> stuck;
      try {
        // the only connection is held by a proposal waiting for the lock
        stuck = CompletableFuture.supplyAsync(() -> api.setTaskState(task, state("RUNNING")));
        awaitInFlight(s, 1);
        Thread.sleep(200);
        long t0 = System.nanoTime();
        ApiClient.Response read = api.get("/api/flow_runs/" + flowRun);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertShed(read);
        assertTrue(ms >= 400 && ms < 5000, "waited about the deadline (500 ms) for a connection: " + ms + " ms");
        assertTrue(metric(s, "baton_overload_rejected_total{reason=\"pool_timeout\"}") >= 1, metrics(s));
      } finally {
        holder.commit();
        holder.close();
      }
      // the proposal got the lock after its deadline: refused, not committed
      assertShed(stuck.get(20, TimeUnit.SECONDS));
      assertEquals("PENDING", api.taskRun(task).get("state").get("type").asText());
    }
  }
}
