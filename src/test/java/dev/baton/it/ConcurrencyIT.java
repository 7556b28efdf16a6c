package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Many concurrent proposals on one run, sent to two Baton instances (separate Vert.x instances and
 * separate connection pools, one database), leave one consistent history: every accepted state is
 * in it exactly once, in timestamp order, the run's current state is the newest, run_count is
 * exact.
 */
class ConcurrencyIT {
  @ClassServer static TestServer a;
  @ClassServer static TestServer b;

  record Sent(String type, int status, JsonNode body) {}

  private static List<Sent> race(String pathTemplate, UUID runId, List<String> types) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<CompletableFuture<Sent>> futures = new ArrayList<>();
    for (int i = 0; i < types.size(); i++) {
      TestServer target = i % 2 == 0 ? a : b;
      String type = types.get(i);
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + pathTemplate.formatted(runId)))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(ApiClient.toJson(obj("state", state(type)))))
          .timeout(Duration.ofSeconds(60))
          .build();
      futures.add(client.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
        try {
          return new Sent(type, r.statusCode(), ApiClient.JSON.readTree(r.body()));
        } catch (Exception e) {
          throw new RuntimeException(r.body(), e);
        }
      }));
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }

  private static void assertConsistentHistory(ApiClient api, String statesPath, JsonNode run, List<Sent> results, Set<String> initialIds) {
    JsonNode history = api.get(statesPath).expect(200).body();
    Set<String> historyIds = new HashSet<>();
    Instant previous = Instant.MIN;
    for (JsonNode s : history) {
      assertTrue(historyIds.add(s.get("id").asText()), "duplicate state in history");
      Instant t = Instant.parse(s.get("timestamp").asText());
      assertTrue(t.isAfter(previous), "history strictly ordered by timestamp");
      previous = t;
    }
    Set<String> written = new HashSet<>(initialIds);
    for (Sent s : results) {
      assertTrue(s.status() == 200 || s.status() == 201, "status " + s.status() + " " + s.body());
      if (s.status() == 201) {
        assertTrue(written.add(s.body().get("state").get("id").asText()), "a written state reported twice");
      }
    }
    assertEquals(written, historyIds, "history = exactly the states that were written");
    String newest = history.get(history.size() - 1).get("id").asText();
    assertEquals(newest, run.get("state_id").asText(), "current state is the newest in history");
    assertEquals(newest, run.get("state").get("id").asText());
  }

  @Test
  void fiftyProposalsOnOneTaskRunFromTwoInstances() {
    ApiClient api = a.api();
    UUID flowRun = api.createFlowRun(state("RUNNING"));
    UUID task = api.createTaskRun(flowRun, null);
    String pending = api.get("/api/task_run_states/?task_run_id=" + task).expect(200).body().get(0).get("id").asText();
    Random random = new Random(42);
    List<String> types = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      types.add(random.nextBoolean() ? "RUNNING" : "PENDING");
    }
    List<Sent> results = race("/api/task_runs/%s/set_state", task, types);
    long acceptedRunning = results.stream()
        .filter(s -> s.status() == 201 && "ACCEPT".equals(s.body().get("status").asText()) && s.type().equals("RUNNING"))
        .count();
    assertTrue(results.stream().allMatch(s -> "ACCEPT".equals(s.body().get("status").asText())),
        "tasks accept RUNNING and PENDING from either");
    JsonNode run = api.taskRun(task);
    assertEquals(acceptedRunning, run.get("run_count").asLong(), "run_count counts every accepted RUNNING exactly once");
    assertConsistentHistory(api, "/api/task_run_states/?task_run_id=" + task, run, results, Set.of(pending));
  }

  @Test
  void racingCompletionsAcceptOnlyOne() {
    ApiClient api = b.api();
    UUID flowRun = api.createFlowRun(state("RUNNING"));
    UUID task = api.createTaskRun(flowRun, state("RUNNING"));
    Set<String> initial = new HashSet<>();
    api.get("/api/task_run_states/?task_run_id=" + task).expect(200).body().forEach(s -> initial.add(s.get("id").asText()));
    HttpClient client = HttpClient.newHttpClient();
    List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      TestServer target = i % 2 == 0 ? a : b;
      String body = ApiClient.toJson(obj("state", state("COMPLETED", "data", obj("storage_key", "result-" + i))));
      fs.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + "/api/task_runs/" + task + "/set_state"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    List<Sent> results = new ArrayList<>();
    for (var f : fs) {
      HttpResponse<String> r = f.join();
      try {
        results.add(new Sent("COMPLETED", r.statusCode(), ApiClient.JSON.readTree(r.body())));
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }
    long accepted = results.stream().filter(s -> "ACCEPT".equals(s.body().get("status").asText())).count();
    assertEquals(1, accepted, "exactly one completion wins; the rest see a completed run");
    assertEquals(29, results.stream().filter(s -> "REJECT".equals(s.body().get("status").asText())
        && "This run is already completed.".equals(s.body().get("details").get("reason").asText())).count());
    assertConsistentHistory(api, "/api/task_run_states/?task_run_id=" + task, api.taskRun(task), results, initial);
  }

  @Test
  void racingFlowRunProposals() {
    ApiClient api = a.api();
    UUID run = api.createFlowRun(state("RUNNING"));
    Set<String> initial = new HashSet<>();
    api.get("/api/flow_run_states/?flow_run_id=" + run).expect(200).body().forEach(s -> initial.add(s.get("id").asText()));
    List<String> types = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      types.add(i % 3 == 0 ? "COMPLETED" : "RUNNING");
    }
    List<Sent> results = race("/api/flow_runs/%s/set_state", run, types);
    JsonNode flowRun = api.flowRun(run);
    long acceptedRunning = results.stream()
        .filter(s -> "ACCEPT".equals(s.body().get("status").asText()) && s.type().equals("RUNNING")).count();
    assertEquals(1 + acceptedRunning, flowRun.get("run_count").asLong());
    assertConsistentHistory(api, "/api/flow_run_states/?flow_run_id=" + run, flowRun, results, initial);
  }
}
