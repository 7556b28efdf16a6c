package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.it.ApiClient.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input on {@code /api/artifacts}: wrong types, bad keys, unknown ids, oversized bodies.
 * Each gets its 4xx with Prefect's JSON error body and leaves the database as it was (every table,
 * the artifact tables among them, and the event table).
 */
class ArtifactBadInputIT {
  @ClassServer static TestServer server;
  @ClassServer static ApiClient api;
  static String artifactId;
  static String keylessId;

  static final String NUL = "\\u0000";

  @BeforeAll
  static void artifacts() {
    UUID run = api.createFlowRun(state("RUNNING"));
    artifactId = api.post("/api/artifacts/", obj("key", "bad-input-" + UUID.randomUUID(), "type", "markdown",
        "data", "x", "flow_run_id", run.toString())).expect(201).text("id");
    keylessId = api.post("/api/artifacts/", obj("data", 1)).expect(201).text("id");
  }

  static Stream<String> badCreateBodies() {
    String deep = "[".repeat(5000) + "]".repeat(5000);
    return Stream.of(
        "{\"key\": \"a\"", "not json", "", "null", "[]", "42", "\"markdown\"", "true",
        "{\"key\": \"Camel-Case\"}",
        "{\"key\": \"snake_case\"}",
        "{\"key\": \"has space\"}",
        "{\"key\": \"dot.ted\"}",
        "{\"key\": \"line\\nbreak\"}",
        "{\"key\": \"" + "k".repeat(2001) + "\"}",
        "{\"key\": 5}",
        "{\"key\": [\"a\"]}",
        "{\"key\": \"ok\", \"type\": 1}",
        "{\"key\": \"ok\", \"description\": {\"a\": 1}}",
        "{\"key\": \"ok\", \"metadata_\": {\"a\": 1}}",
        "{\"key\": \"ok\", \"metadata_\": \"string\"}",
        "{\"key\": \"ok\", \"metadata_\": {\"a\": \"" + NUL + "\"}}",
        "{\"key\": \"ok\", \"flow_run_id\": \"not-a-uuid\"}",
        "{\"key\": \"ok\", \"task_run_id\": 12}",
        "{\"key\": \"ok\", \"id\": \"" + UUID.randomUUID() + "\"}",
        "{\"key\": \"ok\", \"created\": \"2020-01-01T00:00:00Z\"}",
        "{\"key\": \"ok\", \"latest_id\": \"" + UUID.randomUUID() + "\"}",
        "{\"key\": \"ok\", \"data\": \"a" + NUL + "b\"}",
        "{\"key\": \"ok\", \"data\": {\"k" + NUL + "\": 1}}",
        "{\"key\": \"ok\", \"data\": 1e400}",
        "{\"key\": \"ok\", \"data\": " + deep + "}",
        "{\"key\": \"ok" + NUL + "\"}");
  }

  @ParameterizedTest
  @MethodSource("badCreateBodies")
  void createRefusesBadBodies(String body) {
    assertRefusedAndUnchanged("POST", "/api/artifacts/", body, 422);
  }

  /** The 422 body of a bad key: Prefect's ArtifactKey validator message, the request echoed. */
  @Test
  void aBadKeyIsAValueError() {
    Response r = assertRefusedAndUnchanged("POST", "/api/artifacts/",
        "{\"key\": \"My_Key\", \"type\": \"markdown\", \"data\": \"x\"}", 422);
    assertEquals("Invalid request received.", r.text("exception_message"));
    JsonNode e = r.get("exception_detail").get(0);
    assertEquals(1, r.get("exception_detail").size());
    assertEquals("value_error", e.get("type").asText());
    assertEquals(List.of("body", "key"), List.of(e.get("loc").get(0).asText(), e.get("loc").get(1).asText()));
    assertEquals("Value error, Artifact key must only contain lowercase letters, numbers, and dashes.",
        e.get("msg").asText());
    assertEquals("My_Key", e.get("input").asText());
    assertEquals(obj("key", "My_Key", "type", "markdown", "data", "x"), r.get("request_body"));
  }

  static Stream<String> badUpdateBodies() {
    return Stream.of(
        "", "null", "[]", "{\"data\": ", "5",
        "{\"key\": \"new-key\"}",
        "{\"type\": \"table\"}",
        "{\"flow_run_id\": null}",
        "{\"description\": 1}",
        "{\"metadata_\": {\"a\": []}}",
        "{\"metadata_\": [\"a\"]}",
        "{\"data\": \"" + NUL + "\"}",
        "{\"data\": 1e400}");
  }

  @ParameterizedTest
  @MethodSource("badUpdateBodies")
  void updateRefusesBadBodies(String body) {
    assertRefusedAndUnchanged("PATCH", "/api/artifacts/" + artifactId, body, 422);
    assertRefusedAndUnchanged("PATCH", "/api/artifacts/" + keylessId, body, 422);
  }

  static Stream<Arguments> badListBodies() {
    return Stream.of("/api/artifacts/filter", "/api/artifacts/latest/filter").flatMap(path -> Stream.of(
        Arguments.of(path, "{\"limit\": 201}"),
        Arguments.of(path, "{\"limit\": -1}"),
        Arguments.of(path, "{\"limit\": \"many\"}"),
        Arguments.of(path, "{\"offset\": -1}"),
        Arguments.of(path, "{\"offset\": \"x\"}"),
        Arguments.of(path, "{\"sort\": \"NAME_ASC\"}"),
        Arguments.of(path, "{\"sort\": 1}"),
        Arguments.of(path, "{\"artifacts\": []}"),
        Arguments.of(path, "{\"artifacts\": {\"nope\": 1}}"),
        Arguments.of(path, "{\"artifacts\": {\"key\": {\"any_\": \"a\"}}}"),
        Arguments.of(path, "{\"artifacts\": {\"key\": {\"exists_\": \"perhaps\"}}}"),
        Arguments.of(path, "{\"artifacts\": {\"type\": {\"not_any_\": [1]}}}"),
        Arguments.of(path, "{\"artifacts\": {\"flow_run_id\": {\"any_\": [\"x\"]}}}"),
        Arguments.of(path, "{\"artifacts\": {\"operator\": \"xor_\"}}"),
        Arguments.of(path, "{\"flow_runs\": {\"bogus\": 1}}"),
        Arguments.of(path, "{\"task_runs\": {\"id\": {\"any_\": [1]}}}"),
        Arguments.of(path, "{\"flows\": {\"name\": {\"like_\": 5}}}"),
        Arguments.of(path, "{\"deployments\": \"all\"}")));
  }

  @ParameterizedTest
  @MethodSource("badListBodies")
  void listsRefuseBadBodies(String path, String body) {
    assertRefusedAndUnchanged("POST", path, body, 422);
    if (!body.contains("limit") && !body.contains("offset") && !body.contains("sort")) {
      assertRefusedAndUnchanged("POST", path.replace("/filter", "/count"), body, 422);
    }
  }

  @Test
  void theFiltersNameTheirOwnIdField() {
    // an artifact filter has id, a collection filter latest_id
    assertRefusedAndUnchanged("POST", "/api/artifacts/filter", "{\"artifacts\": {\"latest_id\": {}}}", 422);
    assertRefusedAndUnchanged("POST", "/api/artifacts/latest/count", "{\"artifacts\": {\"id\": {}}}", 422);
    Response limit = assertRefusedAndUnchanged("POST", "/api/artifacts/filter", "{\"limit\": 201}", 422);
    assertEquals(obj("detail", "Invalid limit: must be less than or equal to 200."), limit.body());
  }

  static Stream<Arguments> unknownIds() {
    String unknown = UUID.randomUUID().toString();
    return Stream.of(
        Arguments.of("GET", "/api/artifacts/" + unknown, null, 404),
        Arguments.of("PATCH", "/api/artifacts/" + unknown, "{\"data\": 1}", 404),
        Arguments.of("PATCH", "/api/artifacts/" + unknown, "{}", 404),
        Arguments.of("DELETE", "/api/artifacts/" + unknown, null, 404),
        Arguments.of("GET", "/api/artifacts/no-such-key/latest", null, 404),
        Arguments.of("GET", "/api/artifacts/not-a-uuid", null, 404),
        Arguments.of("PATCH", "/api/artifacts/not-a-uuid", "{\"data\": 1}", 404),
        Arguments.of("DELETE", "/api/artifacts/12345", null, 404),
        // a bad body on an unknown artifact: the body is judged first, as FastAPI does
        Arguments.of("PATCH", "/api/artifacts/" + unknown, "{\"key\": \"x\"}", 422));
  }

  @ParameterizedTest
  @MethodSource("unknownIds")
  void unknownArtifacts(String method, String path, String body, int status) {
    Response r = assertRefusedAndUnchanged(method, path, body, status);
    if (status == 404) {
      assertTrue(List.of("Artifact not found.", "Not Found").contains(r.text("detail")), r.raw());
    }
  }

  @Test
  void oversizedBodies() {
    String huge = "x".repeat(3 * 1024 * 1024);
    Response create = assertRefusedAndUnchanged("POST", "/api/artifacts/",
        "{\"key\": \"big\", \"data\": \"" + huge + "\"}", 413);
    assertEquals(obj("detail", "Request body too large"), create.body());
    assertRefusedAndUnchanged("PATCH", "/api/artifacts/" + artifactId, "{\"data\": \"" + huge + "\"}", 413);
    assertRefusedAndUnchanged("POST", "/api/artifacts/filter",
        "{\"artifacts\": {\"key\": {\"any_\": [\"" + huge + "\"]}}}", 413);
  }

  @Test
  void notJsonContentType() {
    String before = fingerprint();
    Response r = api.raw("POST", "/api/artifacts/", "{\"key\": \"ok\"}", "text/plain", Map.of());
    assertEquals(422, r.status());
    assertEquals(before, fingerprint());
  }

  /** Every table, and the events (an artifact write that went through would have emitted one). */
  static String fingerprint() {
    long events = await(server.pool().query("SELECT count(*) FROM event").execute()
        .map(rows -> rows.iterator().next().getLong(0)));
    return server.fingerprint() + "/" + events;
  }

  private static Response assertRefusedAndUnchanged(String method, String path, String body, int status) {
    String before = fingerprint();
    Response r = api.raw(method, path, body, body == null ? null : "application/json", Map.of());
    assertEquals(status, r.status(), () -> method + " " + path + " " + abbreviate(body) + " → " + abbreviate(r.raw()));
    assertTrue(r.header("content-type") != null && r.header("content-type").startsWith("application/json"),
        () -> "JSON error body expected, got " + r.header("content-type"));
    assertTrue(r.body() != null && r.body().isObject() && (r.body().has("detail") || r.body().has("exception_message")),
        () -> "error body: " + abbreviate(r.raw()));
    if (r.body().has("exception_detail")) {
      assertEquals("Invalid request received.", r.text("exception_message"));
      assertTrue(r.get("exception_detail").size() > 0);
    }
    assertEquals(before, fingerprint(), "database changed by a refused request");
    return r;
  }

  private static String abbreviate(String s) {
    return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "…";
  }
}
