package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.it.ApiClient.Response;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/artifacts} as a Prefect 3.8 client and UI use it: every {@code create_*_artifact}
 * body as {@code prefect.artifacts} sends it, {@code update_progress_artifact}, {@code Artifact.get},
 * the key's versions and its collection (latest version) through creation, update and deletion, the
 * filters and counts, and the {@code prefect.artifact-collection.*} events.
 */
class ArtifactsIT {
  /** An empty database: the unfiltered lists of the CLI's bodies see this class's artifacts only. */
  @ClassServer(emptyDatabase = true) static TestServer server;
  @ClassServer static ApiClient api;

  static final List<String> ARTIFACT_FIELDS = List.of("id", "created", "updated", "key", "type", "description",
      "data", "metadata_", "flow_run_id", "task_run_id");
  static final List<String> COLLECTION_FIELDS = List.of("id", "created", "updated", "key", "latest_id", "type",
      "description", "data", "metadata_", "flow_run_id", "task_run_id");

  static UUID flowRun;
  static UUID taskRun;

  @BeforeAll
  static void runs() {
    flowRun = api.createFlowRun(state("RUNNING"));
    taskRun = api.createTaskRun(flowRun, state("RUNNING"));
  }

  static String key(String what) {
    return what + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * The body {@code Artifact.acreate} posts: {@code ArtifactCreate(type, key, description,
   * task_run_id, flow_run_id, data).model_dump(mode="json", exclude_unset=True)} — every field but
   * {@code metadata_}, nulls included.
   */
  static ObjectNode clientBody(String key, String type, String description, Object data, UUID flowRunId,
      UUID taskRunId) {
    return obj("key", key, "type", type, "description", description, "data", data,
        "flow_run_id", flowRunId == null ? null : flowRunId.toString(),
        "task_run_id", taskRunId == null ? null : taskRunId.toString());
  }

  static JsonNode create(ObjectNode body) {
    Response r = api.post("/api/artifacts/", body).expect(201);
    List<String> fields = new ArrayList<>();
    r.body().fieldNames().forEachRemaining(fields::add);
    assertEquals(ARTIFACT_FIELDS, fields, "Prefect's Artifact fields, in its order");
    return r.body();
  }

  static JsonNode artifact(String id) {
    return api.get("/api/artifacts/" + id).expect(200).body();
  }

  static String text(JsonNode n, String field) {
    return n.get(field).isNull() ? null : n.get(field).asText();
  }

  static Instant time(JsonNode n, String field) {
    return Instant.parse(n.get(field).asText());
  }

  static long sql(String query, Object... params) {
    return await(server.pool().preparedQuery(query).execute(Tuple.from(params))
        .map(rows -> rows.iterator().next().getLong(0)));
  }

  // ---- what the client's create_*_artifact functions send -------------------------------

  @Test
  void markdownArtifactFromATask() {
    String key = key("report");
    JsonNode a = create(clientBody(key, "markdown", "Weekly report", "## Totals\n\n| a | b |", flowRun, taskRun));
    assertEquals(key, text(a, "key"));
    assertEquals("markdown", text(a, "type"));
    assertEquals("Weekly report", text(a, "description"));
    assertEquals("## Totals\n\n| a | b |", text(a, "data"));
    assertTrue(a.get("metadata_").isNull());
    assertEquals(flowRun.toString(), text(a, "flow_run_id"));
    assertEquals(taskRun.toString(), text(a, "task_run_id"));
    assertEquals(7, UUID.fromString(text(a, "id")).version(), "a time-ordered id");
    assertEquals(a.get("created"), a.get("updated"));
    assertTrue(text(a, "created").endsWith("Z"), text(a, "created"));
    assertEquals(a, artifact(text(a, "id")));
  }

  @Test
  void tableLinkImageAndProgressArtifacts() {
    // create_table_artifact: data is json.dumps(table), NaN sanitized to None
    String table = "[{\"name\": \"John\", \"age\": 30}, {\"name\": \"Jane\", \"age\": null}]";
    JsonNode t = create(clientBody(key("table"), "table", null, table, flowRun, null));
    assertEquals(table, text(t, "data"));
    assertEquals("table", text(t, "type"));
    assertTrue(t.get("task_run_id").isNull());
    // create_link_artifact: "[link_text](link)"
    JsonNode l = create(clientBody(key("link"), "markdown", "docs", "[Prefect](https://www.prefect.io)", flowRun,
        null));
    assertEquals("[Prefect](https://www.prefect.io)", text(l, "data"));
    // create_image_artifact: the URL
    JsonNode i = create(clientBody(null, "image", null, "https://example.com/chart.png", flowRun, taskRun));
    assertEquals("https://example.com/chart.png", text(i, "data"));
    assertTrue(i.get("key").isNull());
    // create_progress_artifact: a float
    JsonNode p = create(clientBody(key("progress"), "progress", null, 42.5, flowRun, taskRun));
    assertTrue(p.get("data").isNumber());
    assertEquals(42.5, p.get("data").asDouble());
    assertEquals(p, artifact(text(p, "id")));
  }

  /** A full server-side ArtifactCreate as Prefect's own API tests send it (metadata_ included, JSON data). */
  @Test
  void metadataAndStructuredData() {
    String longValue = "v".repeat(600);
    JsonNode a = create(obj("key", key("voltaic"), "type", null, "description", "# This is a markdown description title",
        "data", obj("nested", List.of(1, 2.5, "x", true)), "metadata_", obj("data", "opens many doors",
            "long", longValue), "flow_run_id", flowRun.toString(), "task_run_id", taskRun.toString()));
    assertEquals(obj("nested", List.of(1, 2.5, "x", true)), a.get("data"));
    assertEquals("opens many doors", a.get("metadata_").get("data").asText());
    assertEquals("v".repeat(500) + "...", a.get("metadata_").get("long").asText(), "cut as Prefect cuts it");
    assertEquals(a, artifact(text(a, "id")));
  }

  /** create_*_artifact outside a flow (deprecated, still accepted): no runs; keyless makes no collection. */
  @Test
  void keylessArtifactOutsideARun() {
    long collections = sql("SELECT count(*) FROM artifact_collection");
    JsonNode a = create(clientBody(null, "markdown", null, "loose", null, null));
    assertTrue(a.get("flow_run_id").isNull() && a.get("task_run_id").isNull());
    assertEquals(collections, sql("SELECT count(*) FROM artifact_collection"));
    // a body without any field is an artifact too
    JsonNode empty = create(obj());
    assertTrue(empty.get("data").isNull() && empty.get("type").isNull());
    assertEquals(1, sql("SELECT count(*) FROM artifact WHERE id = $1", UUID.fromString(text(empty, "id"))));
  }

  @Test
  void trailingSlashIsOptional() {
    assertEquals(201, api.post("/api/artifacts", clientBody(null, "markdown", null, "x", null, null)).status());
  }

  // ---- versions of a key and its collection -----------------------------------------------------

  @Test
  void versionsOfAKeyAndTheirCollection() {
    String key = key("versions");
    JsonNode v1 = create(clientBody(key, "markdown", "first", "v1", flowRun, taskRun));
    JsonNode v2 = create(clientBody(key, "table", "second", "v2", flowRun, null));
    JsonNode v3 = create(clientBody(key, "markdown", "third", "v3", null, null));
    assertTrue(time(v1, "created").isBefore(time(v2, "created")) && time(v2, "created").isBefore(time(v3, "created")));
    assertEquals(v3, api.get("/api/artifacts/" + key + "/latest").expect(200).body(), "the latest version itself");

    JsonNode c = onlyCollection(key);
    assertEquals(text(v3, "id"), text(c, "latest_id"));
    assertNotEquals(text(v3, "id"), text(c, "id"), "a collection has its own id");
    assertEquals(v1.get("created"), c.get("created"), "created with the key's first version");
    assertEquals(v3.get("created"), c.get("updated"), "updated with its latest version");
    assertEquals("third", text(c, "description"));
    assertEquals("v3", text(c, "data"));
    assertTrue(c.get("flow_run_id").isNull());
    assertEquals(1, sql("SELECT count(*) FROM artifact_collection WHERE key = $1", key));

    // updating the latest version changes the collection; an older one does not
    api.patch("/api/artifacts/" + text(v3, "id"), obj("data", "v3 edited")).expect(204);
    JsonNode c2 = onlyCollection(key);
    assertEquals("v3 edited", text(c2, "data"));
    assertTrue(time(c2, "updated").isAfter(time(c, "updated")));
    api.patch("/api/artifacts/" + text(v1, "id"), obj("data", "v1 edited")).expect(204);
    assertEquals(c2, onlyCollection(key));
    assertEquals("v1 edited", text(artifact(text(v1, "id")), "data"));

    // deleting the latest re-points the collection to the previous version, with its times
    api.delete("/api/artifacts/" + text(v3, "id")).expect(204);
    api.get("/api/artifacts/" + text(v3, "id")).expect(404);
    JsonNode c3 = onlyCollection(key);
    assertEquals(text(c, "id"), text(c3, "id"));
    assertEquals(text(v2, "id"), text(c3, "latest_id"));
    assertEquals("table", text(c3, "type"));
    assertEquals(flowRun.toString(), text(c3, "flow_run_id"));
    assertEquals(v2.get("created"), c3.get("created"));
    assertEquals(v2.get("updated"), c3.get("updated"));
    assertEquals(v2, api.get("/api/artifacts/" + key + "/latest").expect(200).body());

    // deleting an older version leaves the collection alone; deleting the last removes it
    api.delete("/api/artifacts/" + text(v1, "id")).expect(204);
    assertEquals(c3, onlyCollection(key));
    api.delete("/api/artifacts/" + text(v2, "id")).expect(204);
    assertEquals(0, sql("SELECT count(*) FROM artifact_collection WHERE key = $1", key));
    assertEquals(0, api.post("/api/artifacts/latest/filter", obj("artifacts", obj("key", obj("any_", List.of(key)))))
        .expect(200).body().size());
    Response gone = api.get("/api/artifacts/" + key + "/latest").expect(404);
    assertEquals(obj("detail", "Artifact not found."), gone.body());
    // and the key can start again
    JsonNode again = create(clientBody(key, "markdown", null, "again", null, null));
    assertEquals(text(again, "id"), text(onlyCollection(key), "latest_id"));
  }

  static JsonNode onlyCollection(String key) {
    JsonNode l = api.post("/api/artifacts/latest/filter", obj("artifacts", obj("key", obj("any_", List.of(key)))))
        .expect(200).body();
    assertEquals(1, l.size(), () -> "collections of " + key + ": " + l);
    List<String> fields = new ArrayList<>();
    l.get(0).fieldNames().forEachRemaining(fields::add);
    assertEquals(COLLECTION_FIELDS, fields);
    return l.get(0);
  }

  /** update_progress_artifact: {data} or {data, description}, 204; only those fields change. */
  @Test
  void updateProgressArtifact() {
    JsonNode p = create(clientBody(key("progress"), "progress", "starting", 10.0, flowRun, taskRun));
    String id = text(p, "id");
    assertEquals(204, api.patch("/api/artifacts/" + id, obj("data", 75.0)).status());
    JsonNode after = artifact(id);
    assertEquals(75.0, after.get("data").asDouble());
    assertEquals("starting", text(after, "description"));
    assertEquals(p.get("created"), after.get("created"));
    assertTrue(time(after, "updated").isAfter(time(p, "updated")));
    api.patch("/api/artifacts/" + id, obj("data", 80.0, "description", "almost")).expect(204);
    JsonNode d = artifact(id);
    assertEquals(80.0, d.get("data").asDouble());
    assertEquals("almost", text(d, "description"));
    // metadata_, and explicit nulls clear
    api.patch("/api/artifacts/" + id, obj("metadata_", obj("stage", "late"), "description", null)).expect(204);
    JsonNode m = artifact(id);
    assertEquals(obj("stage", "late"), m.get("metadata_"));
    assertTrue(m.get("description").isNull());
    assertEquals(80.0, m.get("data").asDouble());
    // an empty update touches updated only (as Prefect)
    api.patch("/api/artifacts/" + id, obj()).expect(204);
    JsonNode e = artifact(id);
    assertTrue(time(e, "updated").isAfter(time(m, "updated")));
    assertEquals(m.get("data"), e.get("data"));
    assertEquals(obj("detail", "Artifact not found."),
        api.patch("/api/artifacts/" + UUID.randomUUID(), obj("data", 1.0)).expect(404).body());
  }

  /** Artifact.get(key) / get_or_create: the newest-updated version of the key. */
  @Test
  void artifactGetAsTheClientSendsIt() {
    String key = key("get");
    JsonNode older = create(clientBody(key, "markdown", null, "one", flowRun, null));
    JsonNode newer = create(clientBody(key, "markdown", null, "two", flowRun, null));
    // the sync client sends offset None, the async one 0
    for (Object offset : new Object[] {null, 0}) {
      JsonNode l = api.post("/api/artifacts/filter", obj("artifacts", obj("key", obj("any_", List.of(key))),
          "flow_runs", null, "task_runs", null, "limit", 1, "offset", offset, "sort", "UPDATED_DESC"))
          .expect(200).body();
      assertEquals(1, l.size());
      assertEquals(newer, l.get(0));
    }
    api.patch("/api/artifacts/" + text(older, "id"), obj("description", "touched")).expect(204);
    assertEquals(text(older, "id"), text(api.post("/api/artifacts/filter", obj("artifacts",
        obj("key", obj("any_", List.of(key))), "limit", 1, "sort", "UPDATED_DESC")).expect(200).body().get(0), "id"));
    assertEquals(0, api.post("/api/artifacts/filter", obj("artifacts", obj("key", obj("any_", List.of(key("none")))),
        "limit", 1, "offset", 0, "sort", "UPDATED_DESC")).expect(200).body().size());
  }

  /**
   * {@code prefect artifact ls} ({@code read_latest_artifacts} / {@code read_artifacts} with
   * {@code sort=KEY_ASC, limit}), {@code prefect artifact delete <key>} ({@code read_artifacts} with
   * a key filter only: limit None, offset 0, sort None), and the UI's count of latest artifacts (its
   * list body, offset and sort included, which the count ignores).
   */
  @Test
  void cliAndUiBodies() {
    String key = key("cli");
    JsonNode v1 = create(clientBody(key, "markdown", null, "1", null, null));
    JsonNode v2 = create(clientBody(key, "markdown", null, "2", null, null));
    JsonNode latest = api.post("/api/artifacts/latest/filter", obj("artifacts", null, "flow_runs", null,
        "task_runs", null, "limit", 200, "offset", 0, "sort", "KEY_ASC")).expect(200).body();
    List<String> keys = new ArrayList<>();
    latest.forEach(c -> keys.add(text(c, "key")));
    List<String> sorted = new ArrayList<>(keys);
    sorted.sort(null);
    assertEquals(sorted, keys, "KEY_ASC");
    assertEquals(1, keys.stream().filter(key::equals).count(), "one row per key");
    JsonNode all = api.post("/api/artifacts/filter", obj("artifacts", null, "flow_runs", null, "task_runs", null,
        "limit", null, "offset", 0, "sort", "KEY_ASC")).expect(200).body();
    List<String> versions = new ArrayList<>();
    all.forEach(a -> {
      if (key.equals(text(a, "key"))) versions.add(text(a, "id"));
    });
    assertEquals(List.of(text(v2, "id"), text(v1, "id")), versions);
    JsonNode byKey = api.post("/api/artifacts/filter", obj("artifacts", obj("key", obj("any_", List.of(key))),
        "flow_runs", null, "task_runs", null, "limit", null, "offset", 0, "sort", null)).expect(200).body();
    assertEquals(List.of(text(v2, "id"), text(v1, "id")), ids(byKey), "ID_DESC by default");
    assertEquals(1, api.post("/api/artifacts/latest/count", obj("artifacts", obj("key", obj("any_", List.of(key))),
        "offset", 0, "sort", "ID_DESC")).expect(200).body().asLong());
  }

  @Test
  void unknownArtifactsAndKeys() {
    Response r = api.get("/api/artifacts/" + UUID.randomUUID()).expect(404);
    assertEquals(obj("detail", "Artifact not found."), r.body());
    assertEquals(obj("detail", "Artifact not found."), api.delete("/api/artifacts/" + UUID.randomUUID()).expect(404).body());
    assertEquals(obj("detail", "Artifact not found."), api.get("/api/artifacts/" + key("nokey") + "/latest").expect(404).body());
    // not a UUID: the route does not match
    assertEquals(obj("detail", "Not Found"), api.get("/api/artifacts/not-a-uuid").expect(404).body());
    assertEquals(obj("detail", "Not Found"), api.delete("/api/artifacts/not-a-uuid").expect(404).body());
  }

  // ---- filters ----------------------------------------------------------------------------

  /** An own flow run with artifacts of several keys, types and task runs, to filter. */
  record Fixture(UUID flowRun, UUID taskRun, UUID otherTaskRun, String prefix, List<JsonNode> artifacts) {}

  static Fixture fixture() {
    UUID flowId = api.createFlow();
    UUID depId = api.createDeployment(flowId);
    UUID fr = api.post("/api/flow_runs/", obj("flow_id", flowId.toString(), "deployment_id", depId.toString(),
        "name", "artifact-run-" + UUID.randomUUID(), "tags", List.of("art-tag"), "state", state("RUNNING")))
        .expect(201).id();
    UUID tr = api.createTaskRun(fr, state("RUNNING"));
    UUID tr2 = api.createTaskRun(fr, state("COMPLETED"));
    String p = key("fx");
    List<JsonNode> as = new ArrayList<>();
    as.add(create(clientBody(p + "-a", "table", "a1", "1", fr, tr)));      // 0
    as.add(create(clientBody(p + "-a", "markdown", "a2", "2", fr, tr2)));  // 1: latest of -a
    as.add(create(clientBody(p + "-bx", "result", "b", "3", fr, null)));   // 2
    as.add(create(clientBody(null, "markdown", "k", "4", fr, tr)));        // 3: keyless
    as.add(create(clientBody(p + "-c", null, "c", "5", fr, tr2)));         // 4: no type
    return new Fixture(fr, tr, tr2, p, as);
  }

  static List<String> ids(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(text(n, "id")));
    return out;
  }

  static List<String> ids(Fixture f, int... which) {
    List<String> out = new ArrayList<>();
    for (int i : which) out.add(text(f.artifacts().get(i), "id"));
    return out;
  }

  /** The artifacts matching {@code artifacts} within the fixture's flow run, newest id first (ID_DESC). */
  static List<String> filter(Fixture f, ObjectNode artifacts, Object... more) {
    ObjectNode body = obj("flow_runs", obj("id", obj("any_", List.of(f.flowRun().toString()))));
    if (artifacts != null) body.set("artifacts", artifacts);
    body.setAll(obj(more));
    List<String> found = ids(api.post("/api/artifacts/filter", body).expect(200).body());
    long n = api.post("/api/artifacts/count", body).expect(200).body().asLong();
    assertEquals(found.size(), n, "count agrees with filter for " + body);
    return found;
  }

  static List<String> desc(List<String> ids) {
    List<String> l = new ArrayList<>(ids);
    l.sort(Comparator.reverseOrder()); // lowercase hex: the order of the uuids' bytes, as PostgreSQL sorts them
    return l;
  }

  @Test
  void artifactFilters() {
    Fixture f = fixture();
    String p = f.prefix();
    assertEquals(desc(ids(f, 0, 1, 2, 3, 4)), filter(f, null));
    assertEquals(ids(f, 2, 0), filter(f, obj("id", obj("any_", ids(f, 0, 2)))));
    assertEquals(List.of(), filter(f, obj("id", obj("any_", List.of()))));
    assertEquals(desc(ids(f, 0, 1)), filter(f, obj("key", obj("any_", List.of(p + "-a")))));
    assertEquals(desc(ids(f, 0, 1, 2, 4)), filter(f, obj("key", obj("exists_", true))));
    assertEquals(ids(f, 3), filter(f, obj("key", obj("exists_", false))));
    // like_: a case-insensitive substring in which % and _ are wildcards
    assertEquals(desc(ids(f, 0, 1, 2, 4)), filter(f, obj("key", obj("like_", p.toUpperCase()))));
    assertEquals(ids(f, 2), filter(f, obj("key", obj("like_", "-bx"))));
    assertEquals(ids(f, 2), filter(f, obj("key", obj("like_", p + "-_x"))), "_ matches one character");
    assertEquals(ids(f, 2), filter(f, obj("key", obj("like_", p + "-%x"))), "% matches any characters");
    assertEquals(desc(ids(f, 0, 1, 2, 3, 4)), filter(f, obj("key", obj("like_", ""))), "empty: no constraint");
    assertEquals(desc(ids(f, 0, 3)), filter(f, obj("task_run_id", obj("any_", List.of(f.taskRun().toString())))));
    assertEquals(desc(ids(f, 0, 1, 2, 3, 4)), filter(f, obj("flow_run_id", obj("any_", List.of(f.flowRun().toString())))));
    assertEquals(desc(ids(f, 1, 3)), filter(f, obj("type", obj("any_", List.of("markdown")))));
    assertEquals(desc(ids(f, 0, 1, 3)), filter(f, obj("type", obj("not_any_", List.of("result")))),
        "an artifact without a type is not 'not a result' (SQL NOT IN, as Prefect)");
    assertEquals(desc(ids(f, 0, 1, 2, 3, 4)), filter(f, obj("type", obj("not_any_", List.of()))));
    // criteria combine with and_ by default, or_ on request; an empty criterion is TRUE
    assertEquals(ids(f, 0), filter(f, obj("key", obj("any_", List.of(p + "-a")), "type", obj("any_", List.of("table")))));
    assertEquals(desc(ids(f, 0, 1, 2)), filter(f, obj("operator", "or_", "key", obj("any_", List.of(p + "-a")),
        "type", obj("any_", List.of("result")))));
    assertEquals(desc(ids(f, 0, 1, 2, 3, 4)), filter(f, obj("operator", "or_", "id", obj(),
        "type", obj("any_", List.of("result")))));
    // sorts and pages
    assertEquals(desc(ids(f, 0, 1, 2, 3, 4)), filter(f, null, "sort", "CREATED_DESC"));
    List<String> keyAsc = filter(f, obj("key", obj("exists_", true)), "sort", "KEY_ASC");
    assertEquals(List.of(ids(f, 1).get(0), ids(f, 0).get(0), ids(f, 2).get(0), ids(f, 4).get(0)), keyAsc,
        "by key, versions of one key newest id first");
    assertEquals(List.of(ids(f, 4).get(0), ids(f, 2).get(0), ids(f, 1).get(0), ids(f, 0).get(0)),
        filter(f, obj("key", obj("exists_", true)), "sort", "KEY_DESC"));
    JsonNode page = api.post("/api/artifacts/filter", obj("flow_runs", obj("id", obj("any_",
        List.of(f.flowRun().toString()))), "sort", "CREATED_DESC", "limit", 2, "offset", 1)).expect(200).body();
    assertEquals(desc(ids(f, 0, 1, 2, 3, 4)).subList(1, 3), ids(page));
  }

  @Test
  void runFlowAndDeploymentSubFilters() {
    Fixture f = fixture();
    ObjectNode mine = obj("key", obj("like_", f.prefix()));
    String flowName = api.get("/api/flow_runs/" + f.flowRun()).expect(200).body().get("name").asText();
    UUID flowId = UUID.fromString(api.get("/api/flow_runs/" + f.flowRun()).body().get("flow_id").asText());
    UUID depId = UUID.fromString(api.get("/api/flow_runs/" + f.flowRun()).body().get("deployment_id").asText());
    assertEquals(4, ids(api.post("/api/artifacts/filter", obj("artifacts", mine, "flow_runs",
        obj("name", obj("any_", List.of(flowName))))).expect(200).body()).size());
    assertEquals(0, api.post("/api/artifacts/count", obj("artifacts", mine, "flow_runs",
        obj("tags", obj("all_", List.of("other-tag"))))).expect(200).body().asLong());
    assertEquals(desc(ids(f, 1, 4)), ids(api.post("/api/artifacts/filter", obj("artifacts", mine, "task_runs",
        obj("id", obj("any_", List.of(f.otherTaskRun().toString()))))).expect(200).body()));
    assertEquals(desc(ids(f, 1, 4)), ids(api.post("/api/artifacts/filter", obj("artifacts", mine, "task_runs",
        obj("state", obj("type", obj("any_", List.of("COMPLETED")))))).expect(200).body()));
    // a task-run filter (even empty) requires the artifact's task run: artifact 2 names none
    assertEquals(desc(ids(f, 0, 1, 4)), ids(api.post("/api/artifacts/filter", obj("artifacts", mine,
        "task_runs", obj())).expect(200).body()));
    assertEquals(4, api.post("/api/artifacts/count", obj("artifacts", mine, "flows",
        obj("id", obj("any_", List.of(flowId.toString()))))).expect(200).body().asLong());
    assertEquals(4, api.post("/api/artifacts/count", obj("artifacts", mine, "deployments",
        obj("id", obj("any_", List.of(depId.toString()))))).expect(200).body().asLong());
    assertEquals(0, api.post("/api/artifacts/count", obj("artifacts", mine, "deployments",
        obj("id", obj("any_", List.of(UUID.randomUUID().toString()))))).expect(200).body().asLong());
    // the latest versions: by the latest version's runs
    assertEquals(3, api.post("/api/artifacts/latest/count", obj("artifacts", mine, "flows",
        obj("id", obj("any_", List.of(flowId.toString()))))).expect(200).body().asLong());
    JsonNode byTask = api.post("/api/artifacts/latest/filter", obj("artifacts", mine, "task_runs",
        obj("id", obj("any_", List.of(f.taskRun().toString()))))).expect(200).body();
    assertEquals(0, byTask.size(), "the -a key's latest version belongs to the other task run");
  }

  @Test
  void latestFilterAndCount() {
    Fixture f = fixture();
    String p = f.prefix();
    ObjectNode mine = obj("key", obj("like_", p));
    JsonNode l = api.post("/api/artifacts/latest/filter", obj("artifacts", mine, "sort", "KEY_ASC")).expect(200).body();
    List<String> keys = new ArrayList<>();
    List<String> latest = new ArrayList<>();
    l.forEach(c -> {
      keys.add(text(c, "key"));
      latest.add(text(c, "latest_id"));
    });
    assertEquals(List.of(p + "-a", p + "-bx", p + "-c"), keys);
    assertEquals(ids(f, 1, 2, 4), latest);
    assertEquals(3, api.post("/api/artifacts/latest/count", obj("artifacts", mine)).expect(200).body().asLong());
    // the collection's type is its latest version's: -a is markdown now, no longer table
    assertEquals(0, api.post("/api/artifacts/latest/count", obj("artifacts", obj("key", obj("like_", p),
        "type", obj("any_", List.of("table"))))).expect(200).body().asLong());
    JsonNode byLatest = api.post("/api/artifacts/latest/filter", obj("artifacts", obj("latest_id",
        obj("any_", ids(f, 1, 0))))).expect(200).body();
    assertEquals(1, byLatest.size());
    assertEquals(p + "-a", text(byLatest.get(0), "key"));
    assertEquals(2, api.post("/api/artifacts/latest/count", obj("artifacts", obj("key", obj("like_", p),
        "task_run_id", obj("any_", List.of(f.otherTaskRun().toString()))))).expect(200).body().asLong());
    assertEquals(List.of(p + "-c", p + "-bx"), List.of(text(api.post("/api/artifacts/latest/filter",
        obj("artifacts", mine, "sort", "KEY_DESC", "limit", 2)).expect(200).body().get(0), "key"),
        text(api.post("/api/artifacts/latest/filter", obj("artifacts", mine, "sort", "KEY_DESC", "limit", 1,
            "offset", 1)).expect(200).body().get(0), "key")));
    assertEquals(0, api.post("/api/artifacts/latest/count", obj("artifacts", obj("key", obj("like_", p,
        "exists_", false)))).expect(200).body().asLong());
  }

  // ---- runs deleted, events -----------------------------------------------------------------

  /** As in Prefect: no foreign key; a deleted run's artifacts stay, naming the run. */
  @Test
  void deletingRunsKeepsTheirArtifacts() {
    UUID fr = api.createFlowRun(state("RUNNING"));
    UUID tr = api.createTaskRun(fr, state("RUNNING"));
    String key = key("orphan");
    JsonNode a = create(clientBody(key, "markdown", null, "x", fr, tr));
    api.delete("/api/task_runs/" + tr).expect(204);
    api.delete("/api/flow_runs/" + fr).expect(204);
    assertEquals(a, artifact(text(a, "id")));
    assertEquals(text(a, "id"), text(onlyCollection(key), "latest_id"));
    assertEquals(1, api.post("/api/artifacts/count", obj("artifacts", obj("flow_run_id",
        obj("any_", List.of(fr.toString()))))).expect(200).body().asLong());
    assertEquals(0, api.post("/api/artifacts/count", obj("flow_runs", obj("id",
        obj("any_", List.of(fr.toString()))))).expect(200).body().asLong(), "the run itself is gone");
    // an artifact may name runs that never existed (a task's artifact can precede its run's events)
    UUID nowhere = UUID.randomUUID();
    JsonNode early = create(clientBody(null, "markdown", null, "early", nowhere, nowhere));
    assertEquals(nowhere.toString(), text(early, "task_run_id"));
  }

  static List<JsonNode> collectionEvents(String collectionId) {
    JsonNode page = api.post("/api/events/filter", obj("filter", obj("resource",
        obj("id", List.of("prefect.artifact-collection." + collectionId))), "limit", 50)).expect(200).body();
    List<JsonNode> events = new ArrayList<>();
    page.get("events").forEach(events::add);
    events.sort(Comparator.comparing(e -> Instant.parse(e.get("occurred").asText())));
    return events;
  }

  static List<String> related(JsonNode event) {
    List<String> out = new ArrayList<>();
    event.get("related").forEach(r -> out.add(r.get("prefect.resource.id").asText() + "/"
        + r.get("prefect.resource.role").asText()));
    return out;
  }

  /**
   * Prefect's server emits prefect.artifact-collection.created / .updated / .deleted: the first
   * version of a key, each later one, a deletion of the latest (re-pointed: updated; the last:
   * deleted). Keyless artifacts, updates and deletions of older versions emit nothing.
   */
  @Test
  void collectionEvents() {
    String key = key("events");
    long before = sql("SELECT count(*) FROM event WHERE event LIKE 'prefect.artifact-collection.%'");
    JsonNode v1 = create(clientBody(key, "markdown", "a description", "# hello", flowRun, taskRun));
    String collectionId = text(onlyCollection(key), "id");
    JsonNode v2 = create(clientBody(key, "markdown", "a description", "v2", null, null));
    JsonNode v3 = create(clientBody(key, "table", null, "v3", flowRun, null));
    create(clientBody(null, "markdown", null, "keyless", flowRun, null));
    api.patch("/api/artifacts/" + text(v3, "id"), obj("data", "patched")).expect(204);
    api.delete("/api/artifacts/" + text(v2, "id")).expect(204);   // not the latest
    api.delete("/api/artifacts/" + text(v3, "id")).expect(204);   // latest: back to v1
    api.delete("/api/artifacts/" + text(v1, "id")).expect(204);   // the last one
    assertEquals(before + 5, sql("SELECT count(*) FROM event WHERE event LIKE 'prefect.artifact-collection.%'"));

    List<JsonNode> events = collectionEvents(collectionId);
    List<String> names = events.stream().map(e -> e.get("event").asText()).toList();
    assertEquals(List.of("prefect.artifact-collection.created", "prefect.artifact-collection.updated",
        "prefect.artifact-collection.updated", "prefect.artifact-collection.updated",
        "prefect.artifact-collection.deleted"), names);
    for (JsonNode e : events) {
      assertEquals(obj("prefect.resource.id", "prefect.artifact-collection." + collectionId,
          "prefect.resource.name", key), e.get("resource"));
      assertEquals(7, UUID.fromString(e.get("id").asText()).version());
    }
    JsonNode created = events.get(0);
    assertEquals(List.of("prefect.artifact." + text(v1, "id") + "/latest", "prefect.flow-run." + flowRun + "/flow-run",
        "prefect.task-run." + taskRun + "/task-run"), related(created));
    assertEquals(obj("key", key, "type", "markdown", "data", "# hello", "description", "a description"),
        created.get("payload"));
    assertEquals(v1.get("created"), created.get("occurred"));
    assertEquals(List.of("prefect.artifact." + text(v2, "id") + "/latest"), related(events.get(1)));
    assertEquals(obj("key", key, "type", "markdown", "data", "v2", "description", "a description"),
        events.get(1).get("payload"));
    assertEquals(List.of("prefect.artifact." + text(v3, "id") + "/latest", "prefect.flow-run." + flowRun + "/flow-run"),
        related(events.get(2)));
    // the latest deleted: re-pointed to v1
    assertEquals(related(created), related(events.get(3)));
    assertEquals(created.get("payload"), events.get(3).get("payload"));
    // the last one deleted: about the version deleted
    assertEquals(related(created), related(events.get(4)));
    assertEquals(obj("key", key, "type", "markdown", "data", "# hello", "description", "a description"),
        events.get(4).get("payload"));
  }
}
