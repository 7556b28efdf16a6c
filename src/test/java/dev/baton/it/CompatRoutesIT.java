package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.it.ApiClient.Response;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The small routes a Prefect 3.8 client calls that Baton answered 404 (sweep items 4–6, 9):
 * variables' filter, count and by-id routes, deployments' filter/paginate/count,
 * {@code create_flow_run}'s fields, the worker-metadata collection view, and unknown routes (404
 * for any method and for websocket upgrades, 405 for a served path asked with another method).
 * Bodies are the client's (sweep-baton.json); expected answers are Prefect 3.8.3's own.
 */
class CompatRoutesIT {
  @ClassServer static TestServer server;
  @ClassServer static ApiClient api;

  static List<String> names(Response r) {
    r.expect(200);
    List<String> out = new ArrayList<>();
    r.body().forEach(n -> out.add(n.get("name").asText()));
    return out;
  }

  // ---- variables (sweep item 4) ----

  @Test
  void variablesFilterCountAndById() {
    String n = "v" + UUID.randomUUID().toString().substring(0, 8);
    JsonNode a = api.post("/api/variables/", obj("name", n + "a", "value", obj("a", List.of(1, 2)), "tags", List.of("sweep")))
        .expect(201).body();
    api.post("/api/variables/", obj("name", n + "b", "value", "s", "tags", List.of())).expect(201);
    api.post("/api/variables/", obj("name", n + "c", "value", null)).expect(201);
    // the client's read_variables: {"limit": 50}; sorted by name
    List<String> all = names(api.post("/api/variables/filter", obj("limit", null)));
    assertTrue(all.containsAll(List.of(n + "a", n + "b", n + "c")), all::toString);
    assertEquals(List.of(n + "c", n + "b", n + "a"), names(api.post("/api/variables/filter", obj(
        "variables", obj("operator", "and_", "id", null, "name", obj("any_", null, "like_", n), "tags", null),
        "sort", "NAME_DESC", "limit", 10, "offset", 0))));
    assertEquals(List.of(n + "a"), names(api.post("/api/variables/filter", obj("variables", obj(
        "name", obj("like_", n), "tags", obj("operator", "and_", "all_", List.of("sweep"), "is_null_", false))))));
    assertEquals(List.of(n + "b", n + "c"), names(api.post("/api/variables/filter", obj("variables", obj(
        "name", obj("like_", n), "tags", obj("is_null_", true))))));
    assertEquals(List.of(n + "a"), names(api.post("/api/variables/filter", obj("variables", obj(
        "operator", "or_", "id", obj("any_", List.of(a.get("id").asText())), "name", obj("any_", List.of()))))));
    assertEquals(List.of(n + "b"), names(api.post("/api/variables/filter", obj("variables", obj("name",
        obj("like_", n)), "limit", 1, "offset", 1, "sort", "NAME_DESC"))));
    assertEquals("3", api.post("/api/variables/count", obj("variables", obj("name", obj("like_", n)))).expect(200).raw());
    assertEquals("1", api.post("/api/variables/count", obj("variables", obj("name", obj("any_", List.of(n + "a"))),
        "name", "ignored")).expect(200).raw());
    // by id, as Prefect serves them too
    String id = a.get("id").asText();
    assertEquals(n + "a", api.get("/api/variables/" + id).expect(200).text("name"));
    api.patch("/api/variables/" + id, obj("value", 7)).expect(204);
    assertEquals(7, api.get("/api/variables/name/" + n + "a").expect(200).get("value").asInt());
    api.delete("/api/variables/" + id).expect(204);
    assertEquals("{\"detail\":\"Variable not found.\"}", api.get("/api/variables/" + id).expect(404).raw());
    assertEquals("{\"detail\":\"Variable not found.\"}", api.delete("/api/variables/" + id).expect(404).raw());
  }

  @Test
  void variableBodiesAreValidatedAsPrefectDoesAndWriteNothing() {
    String n = "w" + UUID.randomUUID().toString().substring(0, 8);
    api.post("/api/variables/", obj("name", n, "value", 1)).expect(201);
    String before = server.fingerprint();
    Response dup = api.post("/api/variables/", obj("name", n, "value", 2));
    assertEquals(409, dup.status());
    assertEquals("A variable with the name '" + n + "' already exists.", dup.text("detail"));
    String[][] bad = {
        {"{\"name\": \"Bad Name\", \"value\": 1}", "value_error",
            "Value error, Variable name must only contain lowercase letters, numbers, and dashes or underscores."},
        {"{\"name\": \"" + "a".repeat(256) + "\", \"value\": 1}", "too_long",
            "Value should have at most 255 items after validation, not 256"},
        {"{\"name\": \"" + n + "x\"}", "missing", "Field required"},
        {"{\"name\": \"" + n + "y\", \"value\": \"" + "x".repeat(5000) + "\"}", "value_error",
            "Value error, Variable value must be less than 5000 characters"},
        {"{\"name\": \"" + n + "z\", \"value\": 1, \"tags\": null}", "list_type", "Input should be a valid list"},
        {"{\"variables\": {\"name\": {\"startswith_\": [\"x\"]}}}", "extra_forbidden", "Extra inputs are not permitted"}};
    for (String[] b : bad) {
      String path = b[0].startsWith("{\"variables\"") ? "/api/variables/filter" : "/api/variables/";
      Response r = api.raw("POST", path, b[0], "application/json", Map.of());
      assertEquals(422, r.status(), r::raw);
      assertEquals(b[1], r.get("exception_detail").get(0).get("type").asText(), r::raw);
      assertEquals(b[2], r.get("exception_detail").get(0).get("msg").asText(), r::raw);
    }
    assertEquals(422, api.patch("/api/variables/name/" + n, obj("name", "B B")).status());
    assertEquals(before, server.fingerprint(), "refused variable requests wrote something");
  }

  // ---- deployments (sweep items 5 and 7) ----

  @Test
  void deploymentsFilterPaginateAndCount() {
    UUID flow = api.createFlow();
    String n = "sweep-deploy-" + UUID.randomUUID().toString().substring(0, 8);
    UUID d1 = api.post("/api/deployments/", obj("name", n + "-a", "flow_id", flow.toString(), "tags", List.of("sweep"),
        "paused", true, "work_queue_name", "q1", "concurrency_limit", 2)).expect(201).id();
    api.post("/api/deployments/", obj("name", n + "-b", "flow_id", flow.toString(), "tags", List.of())).expect(201);
    // the client's read_deployments body
    Response r = api.post("/api/deployments/filter", obj("flows", null, "flow_runs", null, "task_runs", null,
        "deployments", obj("operator", "and_", "id", null, "name", obj("any_", null, "like_", n), "tags", null,
            "work_queue_name", null, "concurrency_limit", null),
        "work_pools", null, "work_pool_queues", null, "limit", 10, "offset", 0, "sort", "NAME_ASC"));
    assertEquals(List.of(n + "-a", n + "-b"), names(r));
    JsonNode first = r.body().get(0);
    assertEquals(d1.toString(), first.get("id").asText());
    assertEquals(2, first.get("global_concurrency_limit").get("limit").asInt(), first::toString);
    assertEquals(first, api.get("/api/deployments/" + d1).expect(200).body(), "a listed deployment reads as GET");
    Object mine = obj("name", obj("like_", n));
    assertEquals(List.of(n + "-b", n + "-a"), names(api.post("/api/deployments/filter", obj("deployments", mine,
        "sort", "NAME_DESC"))));
    assertEquals(List.of(n + "-a"), names(api.post("/api/deployments/filter", obj("deployments", obj("name",
        obj("like_", n), "paused", obj("eq_", true), "tags", obj("any_", List.of("sweep")),
        "work_queue_name", obj("any_", List.of("q1")))))));
    // concurrency_limit is accepted and ignored, as Prefect does
    assertEquals(List.of(n + "-a", n + "-b"), names(api.post("/api/deployments/filter", obj("deployments", obj("name",
        obj("like_", n), "concurrency_limit", obj("ge_", 100, "is_null_", true))))));
    assertEquals(List.of(n + "-a", n + "-b"), names(api.post("/api/deployments/filter", obj("deployments", mine,
        "flows", obj("id", obj("any_", List.of(flow.toString())))))));
    assertEquals(List.of(), names(api.post("/api/deployments/filter", obj("deployments", mine, "flow_runs", obj()))),
        "a present flow-run filter needs a run of the deployment");
    assertEquals("2", api.post("/api/deployments/count", obj("deployments", mine)).expect(200).raw());
    JsonNode page = api.post("/api/deployments/paginate", obj("deployments", mine, "limit", 1, "page", 2)).expect(200).body();
    assertEquals(n + "-b", page.get("results").get(0).get("name").asText());
    assertEquals(2, page.get("count").asInt());
    assertEquals(2, page.get("pages").asInt());
    assertEquals(2, page.get("page").asInt());
    Response bad = api.post("/api/deployments/filter", obj("deployments", obj("flow_or_deployment_name", obj("like_", 3)),
        "sort", "NOPE"));
    assertEquals(422, bad.status());
    assertEquals(List.of("string_type", "enum"), List.of(bad.get("exception_detail").get(0).get("type").asText(),
        bad.get("exception_detail").get(1).get("type").asText()));
  }

  @Test
  void createFlowRunKeepsWhatTheClientSends() {
    UUID flow = api.createFlow();
    UUID dep = api.post("/api/deployments/", obj("name", "dep-" + UUID.randomUUID(), "flow_id", flow.toString(),
        "tags", List.of("sweep"), "parameters", obj("x", 2, "y", "dep"), "version", "1.0")).expect(201).id();
    // the sweep's create_flow_run_from_deployment body
    JsonNode run = api.post("/api/deployments/" + dep + "/create_flow_run", obj(
        "state", obj("type", "SCHEDULED", "name", "Scheduled", "message", null,
            "state_details", obj("scheduled_time", "2030-12-07T23:20:25.729901Z", "traceparent", null), "data", null),
        "name", "sweep-dep-run", "parameters", obj("x", 7), "context", obj("c", 1), "tags", List.of("dep"),
        "idempotency_key", "idem-" + UUID.randomUUID(), "parent_task_run_id", null,
        "job_variables", obj("env", obj("B", "2")), "labels", obj("origin", "sweep"))).expect(201).body();
    assertEquals(obj("c", 1), run.get("context"), "the request's context (sweep item 6)");
    assertEquals(obj("x", 7, "y", "dep"), run.get("parameters"));
    assertEquals(List.of("sweep", "dep"), List.of(run.get("tags").get(0).asText(), run.get("tags").get(1).asText()),
        "the deployment's tags and the run's");
    assertEquals(2, run.get("tags").size());
    assertEquals("1.0", run.get("deployment_version").asText());
    assertEquals("sweep", run.get("labels").get("origin").asText());
    assertEquals("2030-12-07T23:20:25.729901Z", run.get("expected_start_time").asText());
    // empirical_policy and an empty body
    JsonNode withPolicy = api.post("/api/deployments/" + dep + "/create_flow_run", obj("empirical_policy",
        obj("retries", 2, "retry_delay", 5.0))).expect(201).body();
    assertEquals(2, withPolicy.get("empirical_policy").get("retries").asInt());
    assertEquals(5, withPolicy.get("empirical_policy").get("retry_delay").asInt());
    JsonNode plain = api.post("/api/deployments/" + dep + "/create_flow_run", null).expect(201).body();
    assertEquals(obj(), plain.get("context"));
    assertEquals(List.of("sweep"), List.of(plain.get("tags").get(0).asText()));
    String before = server.fingerprint();
    for (Object bad : List.of(obj("tags", null), obj("context", null), obj("parameters", null), obj("context", List.of()),
        obj("empirical_policy", obj("retries", "many")), obj("nope", 1))) {
      assertEquals(422, api.post("/api/deployments/" + dep + "/create_flow_run", bad).status(), bad::toString);
    }
    assertEquals(before, server.fingerprint());
  }

  // ---- collections (sweep item 6) ----

  @Test
  void workerMetadataIsPrefectsBundledView() {
    JsonNode view = api.get("/api/collections/views/aggregate-worker-metadata").expect(200).body();
    JsonNode process = view.get("prefect").get("process");
    assertEquals("process", process.get("type").asText());
    JsonNode template = process.get("default_base_job_configuration");
    assertEquals("{{ command }}", template.get("job_configuration").get("command").asText());
    assertEquals("object", template.get("variables").get("type").asText());
    assertTrue(template.get("variables").get("properties").has("working_dir"));
    assertTrue(view.has("prefect-kubernetes") && view.has("prefect-docker"), "every bundled worker type");
    assertEquals("{\"detail\":\"View nope not found in registry\"}", api.get("/api/collections/views/nope").expect(404).raw());
    assertEquals("{\"detail\":\"Requested content missing for view demo-flows\"}",
        api.get("/api/collections/views/demo-flows").expect(404).raw());
  }

  // ---- unknown routes (sweep item 9) ----

  @Test
  void unknownRoutesAre404ForEveryMethodAndKnownPathsWithAnotherMethod405() {
    for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")) {
      for (String path : List.of("/api/nope", "/api/nope/deeper", "/api/flows/nope/x", "/api/work_pools/x/workers/connect",
          "/api/deployments/" + UUID.randomUUID() + "/branch")) {
        Response r = api.raw(method, path, method.equals("GET") || method.equals("OPTIONS") ? null : "{}",
            "application/json", Map.of());
        assertEquals(404, r.status(), () -> method + " " + path + " " + r.raw());
        assertEquals("{\"detail\":\"Not Found\"}", r.raw(), () -> method + " " + path);
      }
    }
    for (String[] mp : new String[][] {{"POST", "/api/health"}, {"PUT", "/api/flows/"}, {"PUT", "/api/flows/filter"},
        {"PUT", "/api/variables/filter"}, {"PUT", "/api/logs/filter"}, {"GET", "/api/logs/filter"}}) {
      Response r = api.raw(mp[0], mp[1], mp[0].equals("GET") ? null : "{}", "application/json", Map.of());
      assertEquals(405, r.status(), () -> mp[0] + " " + mp[1] + " " + r.raw());
      assertEquals("{\"detail\":\"Method Not Allowed\"}", r.raw());
    }
    // a segment that is not a UUID matches no {id} route of any method (Prefect's uuid converter)
    assertEquals("{\"detail\":\"Not Found\"}", api.get("/api/flow_runs/THISAINTIT").expect(404).raw());
    assertEquals(404, api.raw("PATCH", "/api/variables/not-a-uuid", "{}", "application/json", Map.of()).status());
    // a websocket route is no HTTP route: other requests to it are unknown routes
    assertEquals(404, api.get("/api/events/in").status());
    assertEquals(404, api.post("/api/events/out", obj()).status());
  }

  @Test
  void aWebsocketUpgradeToAnUnknownPathIs404() throws Exception {
    for (String path : List.of("/api/work_pools/x/workers/connect", "/api/nope", "/api/task_runs/subscriptions/scheduled")) {
      String head = upgrade(path);
      assertTrue(head.startsWith("HTTP/1.1 404"), path + ": " + head);
      assertTrue(head.endsWith("{\"detail\":\"Not Found\"}"), path + ": " + head);
    }
    assertTrue(upgrade("/api/events/in").startsWith("HTTP/1.1 101"), "a known websocket still upgrades");
  }

  /** The answer to a websocket handshake on {@code path}, as text (status line to body, or the 101's head). */
  private static String upgrade(String path) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
          + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Protocol: prefect\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder sb = new StringBuilder();
      byte[] buf = new byte[4096];
      long deadline = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < deadline) {
        int k = in.read(buf);
        if (k < 0) break;
        sb.append(new String(buf, 0, k, StandardCharsets.UTF_8));
        String t = sb.toString();
        if (t.startsWith("HTTP/1.1 101") && t.contains("\r\n\r\n")) break;
        int headEnd = t.indexOf("\r\n\r\n");
        if (headEnd > 0 && t.toLowerCase().contains("content-length: ")) {
          int cl = Integer.parseInt(t.toLowerCase().split("content-length: ")[1].split("\r\n")[0].trim());
          if (t.length() - headEnd - 4 >= cl) break;
        }
      }
      assertFalse(sb.isEmpty(), "no answer to the handshake on " + path);
      return sb.toString().trim();
    }
  }

  @Test
  void everyStatusOfTheClientsSweepCallsInThisAreaIsServed() {
    // the sweep's first-round 404s of this area, now answered
    UUID flowRun = api.createFlowRun(state("RUNNING"));
    api.post("/api/logs/", List.of(obj("name", "sweep.logger", "level", 20, "message", "hello",
        "timestamp", "2026-12-07 23:19:55.231352+00:00", "flow_run_id", flowRun.toString()))).expect(201);
    assertEquals(1, api.raw("POST", "/api/logs/filter", "{\"logs\":{\"operator\":\"and_\",\"level\":null,\"timestamp\":null,"
        + "\"flow_run_id\":{\"any_\":[\"" + flowRun + "\"]},\"task_run_id\":null,\"text\":null},\"limit\":10,"
        + "\"offset\":null,\"sort\":\"TIMESTAMP_ASC\"}", "application/json", Map.of()).expect(200).body().size());
    api.post("/api/variables/filter", obj("limit", 50)).expect(200);
    api.post("/api/deployments/filter", obj("limit", 10)).expect(200);
    api.get("/api/collections/views/aggregate-worker-metadata").expect(200);
  }
}
