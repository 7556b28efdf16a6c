package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.it.ApiClient.Response;
import dev.baton.orchestration.resume.RunInputWorker;
import dev.baton.testsupport.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A resume whose run input holds hundreds of Jinja templates is checked on the run-input worker,
 * before the run row is locked, so set_state proposals of other clients keep being answered while it
 * is processed; past a budget it is rejected and nothing is written; past the worker's queue bound
 * it is answered 503.
 */
class RunInputOffLoopIT {
  static final String WORKER_POOL = "baton-run-input";
  @ClassServer(env = {
      "BATON_RUN_INPUT_WORKERS=1",
      "BATON_RUN_INPUT_MAX_QUEUED=2",
      "BATON_RUN_INPUT_MAX_TEMPLATES=600",
      // generous: this machine is shared, the answer must not depend on its load
      "BATON_RUN_INPUT_TIME_BUDGET_MS=60000"})
  static TestServer server;
  @ClassServer static ApiClient api;
  static final HttpClient CLIENT = HttpClient.newHttpClient();

  static final String STRINGS = "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"},\"required\":[\"f0\"]}";

  /** A RUNNING run paused for input with the {@link #STRINGS} schema. */
  private static UUID pausedForInput() {
    UUID flowId = api.createFlow();
    UUID run = api.post("/api/flow_runs/", obj("flow_id", flowId.toString(), "state", state("RUNNING"))).expect(201).id();
    ObjectNode paused = state("PAUSED", "state_details", obj("pause_timeout", Instant.now().plusSeconds(600).toString(),
        "pause_key", "1", "run_input_keyset",
        obj("description", "paused-1-description", "response", "paused-1-response", "schema", "paused-1-schema")));
    assertEquals("ACCEPT", api.setFlowState(run, paused).expect(201).text("status"));
    api.post("/api/flow_runs/" + run + "/input", obj("key", "paused-1-schema", "value", STRINGS)).expect(201);
    return run;
  }

  /** Template {@code i}: about 370 characters of expressions and filters; renders to {@link #rendered}. */
  static String template(int i) {
    StringBuilder sb = new StringBuilder("n={{ ").append(i).append(" * 2 + 1 }}");
    for (int k = 0; k < 8; k++) {
      sb.append(" {{ 'w").append(k).append("' | upper }}-{{ [").append(i).append(", ").append(k).append("] | join('.') }}");
    }
    return sb.toString();
  }

  static String rendered(int i) {
    StringBuilder sb = new StringBuilder("n=").append(i * 2 + 1);
    for (int k = 0; k < 8; k++) {
      sb.append(" W").append(k).append('-').append(i).append('.').append(k);
    }
    return sb.toString();
  }

  static ObjectNode bigInput(int templates) {
    ObjectNode input = obj();
    for (int i = 0; i < templates; i++) {
      input.set("f" + i, obj("__prefect_kind", "jinja", "template", template(i)));
    }
    return obj("run_input", input);
  }

  private static CompletableFuture<HttpResponse<String>> resumeAsync(UUID run, String body) {
    return CLIENT.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/flow_runs/" + run + "/resume"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** One answered set_state: when it was sent and answered (nanoTime). */
  record Call(long sent, long answered) {
    long millis() {
      return (answered - sent) / 1_000_000;
    }
  }

  @Test
  void otherProposalsKeepBeingAnsweredWhileABigResumeIsChecked() throws Exception {
    UUID paused = pausedForInput();
    String body = ApiClient.toJson(bigInput(500));
    assertTrue(body.length() > 200_000 && body.length() < 260_000, "about 210 KB: " + body.length());
    int clients = 4;
    List<UUID> runs = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      runs.add(api.createFlowRun(state("RUNNING")));
    }
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (UUID run : runs) {
      Thread t = new Thread(() -> {
        boolean running = true;
        while (!stop.get()) {
          long sent = System.nanoTime();
          Response r = api.setFlowState(run, state(running ? "PENDING" : "RUNNING"), true);
          calls.add(new Call(sent, System.nanoTime()));
          if (r.status() != 201) {
            errors.add(r.raw());
          }
          running = !running;
        }
      });
      t.start();
      threads.add(t);
    }
    while (calls.size() < 4 * clients) {
      Thread.sleep(10);
    }
    long checkedBefore = server.baton().orchestration().runInput().stats().checked();
    long resumeSent = System.nanoTime();
    HttpResponse<String> resumed = resumeAsync(paused, body).join();
    long resumeAnswered = System.nanoTime();
    Thread.sleep(200);
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    long during = calls.stream().filter(c -> c.sent() >= resumeSent && c.answered() <= resumeAnswered).count();
    long maxOverlapping = calls.stream().filter(c -> c.answered() >= resumeSent && c.sent() <= resumeAnswered)
        .mapToLong(Call::millis).max().orElse(0);
    System.out.printf("RUN-INPUT-FIGURE resume_ms=%d set_state_answered_during=%d max_overlapping_set_state_ms=%d%n",
        (resumeAnswered - resumeSent) / 1_000_000, during, maxOverlapping);

    assertTrue(errors.isEmpty(), errors.toString());
    assertEquals(201, resumed.statusCode(), resumed.body());
    JsonNode answer = ApiClient.JSON.readTree(resumed.body());
    assertEquals("ACCEPT", answer.get("status").asText());
    assertEquals("RUNNING", answer.get("state").get("type").asText());
    JsonNode stored = api.get("/api/flow_runs/" + paused + "/input/paused-1-response").expect(200).body();
    assertEquals(500, stored.size());
    for (int i : new int[] {0, 1, 250, 499}) {
      assertEquals(rendered(i), stored.get("f" + i).asText());
    }
    RunInputWorker.Stats stats = server.baton().orchestration().runInput().stats();
    assertEquals(checkedBefore + 1, stats.checked());
    assertTrue(stats.lastThread().startsWith(WORKER_POOL), "checked on " + stats.lastThread());
    assertTrue(during >= 5, "set_state proposals answered while the resume was processed: " + during);
    assertTrue(maxOverlapping < 2000, "a set_state waited " + maxOverlapping + " ms during the resume");
  }

  @Test
  void pastTheTemplateBudgetTheResumeIsRejectedAndNothingWritten() throws Exception {
    UUID paused = pausedForInput();
    String pausedId = api.flowRun(paused).get("state_id").asText();
    long overBefore = server.baton().orchestration().runInput().stats().overBudget();
    String before = server.fingerprint();
    Response r = api.post("/api/flow_runs/" + paused + "/resume", bigInput(601)).expect(200);
    assertEquals("REJECT", r.text("status"));
    assertEquals("abort_details", r.text("details", "type"));
    assertEquals("Run input exceeds the server's limits: more than 600 Jinja templates.", r.text("details", "reason"));
    assertEquals(pausedId, r.text("state", "id"));
    assertEquals("PAUSED", r.text("state", "type"));
    assertEquals(before, server.fingerprint(), "a resume past its budget writes nothing");
    assertEquals(overBefore + 1, server.baton().orchestration().runInput().stats().overBudget());
    // within the budget, the same run resumes
    assertEquals("ACCEPT", api.post("/api/flow_runs/" + paused + "/resume", bigInput(3)).expect(201).text("status"));
    assertEquals(rendered(2), api.get("/api/flow_runs/" + paused + "/input/paused-1-response").expect(200).body().get("f2").asText());
  }

  @Test
  void pastTheWorkerQueueResumesAreAnswered503AndWriteNothing() throws Exception {
    int n = 8;
    List<UUID> runs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      runs.add(pausedForInput());
    }
    String body = ApiClient.toJson(bigInput(200));
    long refusedBefore = server.baton().orchestration().runInput().stats().refused();
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (UUID run : runs) {
      sent.add(resumeAsync(run, body));
    }
    int accepted = 0;
    int unavailable = 0;
    for (int i = 0; i < n; i++) {
      HttpResponse<String> r = sent.get(i).join();
      UUID run = runs.get(i);
      if (r.statusCode() == 503) {
        unavailable++;
        assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
        assertEquals("PAUSED", api.flowRun(run).get("state_type").asText());
        api.get("/api/flow_runs/" + run + "/input/paused-1-response").expect(404);
      } else {
        assertEquals(201, r.statusCode(), r.body());
        accepted++;
        assertEquals("RUNNING", api.flowRun(run).get("state_type").asText());
        assertEquals(200, api.get("/api/flow_runs/" + run + "/input/paused-1-response").expect(200).body().size());
      }
    }
    // one worker, at most two checks running or waiting: eight at once cannot all be taken
    assertTrue(unavailable >= 1, "no resume was refused");
    assertTrue(accepted >= 2, "accepted: " + accepted);
    assertEquals(refusedBefore + unavailable, server.baton().orchestration().runInput().stats().refused());
    // a refused resume may be retried
    UUID retried = runs.get(0);
    if ("PAUSED".equals(api.flowRun(retried).get("state_type").asText())) {
      assertEquals("ACCEPT", api.post("/api/flow_runs/" + retried + "/resume", bigInput(2)).expect(201).text("status"));
    }
  }

  /**
   * The input is checked before the run row is locked, so the schema may change in between: the
   * resume re-reads the schema row under the lock, and when it is another row it checks the input
   * again instead of committing a decision taken against a schema that is gone.
   */
  @Test
  void aSchemaReplacedWhileTheResumeWaitsForTheLockIsCheckedAgain() throws Exception {
    UUID run = pausedForInput();
    long checkedBefore = server.baton().orchestration().runInput().stats().checked();
    io.vertx.sqlclient.SqlConnection holder = await(server.pool().getConnection());
    CompletableFuture<HttpResponse<String>> resumed;
    try {
      await(holder.query("BEGIN").execute());
      // blocks the resume's FOR UPDATE, not the key-share locks that inserting an input takes
      await(holder.preparedQuery("SELECT 1 FROM flow_run WHERE id = $1 FOR NO KEY UPDATE")
          .execute(io.vertx.sqlclient.Tuple.of(run)));
      resumed = resumeAsync(run, ApiClient.toJson(bigInput(20)));
      Poll.until(30_000, 20, RunInputOffLoopIT::waitingForRowLock);
      assertTrue(waitingForRowLock(), "the resume never waited for the run row");
      assertEquals(checkedBefore + 1, server.baton().orchestration().runInput().stats().checked(), "checked before the lock");
      api.delete("/api/flow_runs/" + run + "/input/paused-1-schema").expect(204);
      api.post("/api/flow_runs/" + run + "/input", obj("key", "paused-1-schema",
          "value", "{\"type\":\"object\",\"required\":[\"approved\"]}")).expect(201);
    } finally {
      await(holder.query("ROLLBACK").execute());
      holder.close();
    }
    HttpResponse<String> r = resumed.join();
    assertEquals(200, r.statusCode(), r.body());
    JsonNode answer = ApiClient.JSON.readTree(r.body());
    assertEquals("REJECT", answer.get("status").asText());
    assertEquals("Reason: Validation failed. Failure reason: 'approved' is a required property",
        answer.get("details").get("reason").asText());
    assertEquals(checkedBefore + 2, server.baton().orchestration().runInput().stats().checked(), "checked again");
    assertEquals("PAUSED", api.flowRun(run).get("state_type").asText());
    api.get("/api/flow_runs/" + run + "/input/paused-1-response").expect(404);
  }

  private static boolean waitingForRowLock() {
    return await(server.pool().query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        + " AND query LIKE '%FOR UPDATE OF fr%'").execute()).iterator().next().getLong(0) > 0;
  }

  @Test
  void twoBigResumesOfOneRunResumeItOnce() throws Exception {
    UUID run = pausedForInput();
    String body = ApiClient.toJson(bigInput(100));
    CompletableFuture<HttpResponse<String>> first = resumeAsync(run, body);
    CompletableFuture<HttpResponse<String>> second = resumeAsync(run, body);
    int accepted = 0;
    int notPaused = 0;
    for (HttpResponse<String> r : List.of(first.join(), second.join())) {
      JsonNode answer = ApiClient.JSON.readTree(r.body());
      if (r.statusCode() == 201 && "ACCEPT".equals(answer.get("status").asText())) {
        accepted++;
      } else {
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("ABORT", answer.get("status").asText());
        assertEquals("Cannot resume a flow run that is not paused.", answer.get("details").get("reason").asText());
        notPaused++;
      }
    }
    assertEquals(1, accepted);
    assertEquals(1, notPaused);
    assertEquals(3, api.get("/api/flow_run_states/?flow_run_id=" + run).expect(200).body().size(),
        "history: RUNNING, PAUSED, RUNNING");
    assertEquals(100, api.get("/api/flow_runs/" + run + "/input/paused-1-response").expect(200).body().size());
  }
}
