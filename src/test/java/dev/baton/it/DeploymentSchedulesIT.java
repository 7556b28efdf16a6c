package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.testsupport.Poll;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Deployments keep what they are given (dispatch.md §1.2, §1.4) over real HTTP, with bodies as
 * Prefect 3.8's client sends them: the response shape, upsert and PATCH with Prefect's schedule
 * rules and 422 texts, the schedules sub-resource, pause/resume, manual scheduling, the runner's
 * poll and the READY status it records.
 */
class DeploymentSchedulesIT {
  @ClassServer static TestServer server;
  @ClassServer static ApiClient api;

  static final ArrayNode PARAMS_SCHEMA = null;

  /** {@code flow.serve(name, interval=5, cron="* * * * *")}'s POST /deployments/ body (client 3.8.3). */
  static ObjectNode serveBody(UUID flow, String name, Object... schedules) {
    ObjectNode b = obj("name", name, "flow_id", flow.toString(), "paused", false, "schedules", List.of(schedules),
        "concurrency_limit", null, "concurrency_options", null, "enforce_parameter_schema", true,
        "parameter_openapi_schema", obj("title", "Parameters", "type", "object", "properties", obj()),
        "parameters", obj(), "tags", List.of(), "labels", obj(), "storage_document_id", null,
        "infrastructure_document_id", null, "description", "d", "path", ".", "entrypoint", "f.py:fl",
        "job_variables", obj(), "version", "abc");
    return b;
  }

  static ObjectNode interval(double seconds, String anchor) {
    return obj("schedule", obj("interval", seconds, "anchor_date", anchor, "timezone", "UTC"), "active", true,
        "max_scheduled_runs", null, "parameters", obj(), "slug", null, "replaces", null);
  }

  static ObjectNode cron(String cron, String slug) {
    return obj("schedule", obj("cron", cron, "timezone", null, "day_or", true), "active", true,
        "max_scheduled_runs", null, "parameters", obj(), "slug", slug, "replaces", null);
  }

  static int count(String sql) throws Exception {
    return Integer.parseInt(String.valueOf(dev.baton.testsupport.Await.await(server.pool().query(sql).execute())
        .iterator().next().getValue(0)));
  }

  @Test
  void createKeepsEverythingAndAnswersPrefectsShape() {
    UUID flow = api.createFlow();
    ObjectNode body = serveBody(flow, "serve-" + UUID.randomUUID(), interval(5.0, "2026-12-07T23:29:43.153278Z"),
        cron("* * * * *", null));
    body.set("pull_steps", ApiClient.JSON.valueToTree(List.of(obj("prefect.deployments.steps.set_working_directory",
        obj("directory", "/tmp")))));
    body.set("job_variables", obj("env", obj("SWEEP", "1")));
    body.put("concurrency_limit", 2);
    ApiClient.Response r = api.post("/api/deployments/", body).expect(201);
    JsonNode d = r.body();
    List<String> keys = new ArrayList<>();
    d.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("id", "created", "updated", "name", "version", "description", "flow_id", "paused", "schedules",
        "concurrency_limit", "global_concurrency_limit", "concurrency_options", "job_variables", "parameters", "tags",
        "labels", "work_queue_name", "work_queue_id", "last_polled", "parameter_openapi_schema", "path", "pull_steps",
        "entrypoint", "storage_document_id", "infrastructure_document_id", "created_by", "updated_by", "work_pool_name",
        "status", "enforce_parameter_schema"), keys);
    assertTrue(d.get("concurrency_limit").isNull());
    assertEquals(2, d.get("global_concurrency_limit").get("limit").asInt());
    assertEquals("NOT_READY", d.get("status").asText());
    assertEquals(flow.toString(), d.get("labels").get("prefect.flow.id").asText());
    assertEquals("/tmp", d.get("pull_steps").get(0).get("prefect.deployments.steps.set_working_directory").get("directory").asText());
    assertEquals("1", d.get("job_variables").get("env").get("SWEEP").asText());
    assertEquals(".", d.get("path").asText());
    assertEquals("f.py:fl", d.get("entrypoint").asText());
    assertTrue(d.get("enforce_parameter_schema").asBoolean());
    assertEquals(2, d.get("schedules").size());
    JsonNode s = d.get("schedules").get(1);
    assertEquals(List.of("id", "created", "updated", "deployment_id", "schedule", "active", "max_scheduled_runs",
        "parameters", "slug"), names(s));
    assertEquals(obj("interval", 5.0, "anchor_date", "2026-12-07T23:29:43.153278Z", "timezone", "UTC"), s.get("schedule"));
    assertEquals(obj("cron", "* * * * *", "timezone", null, "day_or", true), d.get("schedules").get(0).get("schedule"));
    assertEquals(d, api.get("/api/deployments/" + r.id()).expect(200).body());
  }

  static List<String> names(JsonNode n) {
    List<String> keys = new ArrayList<>();
    n.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  @Test
  void upsertKeepsUnchangedSchedulesByIdAndOnlyTheGivenFields() throws Exception {
    UUID flow = api.createFlow();
    String name = "up-" + UUID.randomUUID();
    ObjectNode first = serveBody(flow, name, cron("0 9 * * *", null), cron("0 10 * * *", "ten"));
    JsonNode a = api.post("/api/deployments/", first).expect(201).body();
    UUID id = UUID.fromString(a.get("id").asText());
    // second deploy: the unslugged one unchanged, the slugged one changed, a third new
    ObjectNode second = serveBody(flow, name, cron("0 9 * * *", null), cron("30 10 * * *", "ten"), cron("0 11 * * *", null));
    second.remove("description");
    JsonNode b = api.post("/api/deployments/", second).expect(200).body();
    assertEquals(id.toString(), b.get("id").asText());
    assertEquals("d", b.get("description").asText(), "a field the upsert did not give is kept");
    assertEquals(3, b.get("schedules").size());
    assertEquals(idOf(a, "0 9 * * *"), idOf(b, "0 9 * * *"), "an unchanged schedule keeps its id");
    assertEquals(idOf(a, "0 10 * * *"), idOf(b, "30 10 * * *"), "a changed schedule keeps its slug's id");
    // no schedules: none
    ObjectNode third = serveBody(flow, name);
    assertEquals(0, api.post("/api/deployments/", third).expect(200).body().get("schedules").size());
    assertEquals(0, count("SELECT count(*) FROM deployment_schedule WHERE deployment_id = '" + id + "'"));
  }

  static String idOf(JsonNode d, String cron) {
    for (JsonNode s : d.get("schedules")) {
      if (s.get("schedule").path("cron").asText().equals(cron)) {
        return s.get("id").asText();
      }
    }
    throw new AssertionError("no schedule " + cron + " in " + d);
  }

  @Test
  void patchFollowsPrefectsSlugRules() throws Exception {
    UUID flow = api.createFlow();
    JsonNode d = api.post("/api/deployments/", serveBody(flow, "slugs-" + UUID.randomUUID(), cron("0 1 * * *", "one")))
        .expect(201).body();
    String id = d.get("id").asText();
    String before = api.get("/api/deployments/" + id).raw();
    api.patch("/api/deployments/" + id, obj("schedules", List.of(obj("schedule", obj("cron", "0 2 * * *"), "active", false))))
        .expect(422);
    assertEquals("Please provide a slug for each schedule in your request to ensure schedules are updated correctly.",
        api.patch("/api/deployments/" + id, obj("schedules", List.of(obj("schedule", obj("cron", "0 2 * * *")))))
            .get("detail").asText());
    assertEquals("Unable to create new deployment schedules without a schedule configuration.",
        api.patch("/api/deployments/" + id, obj("schedules", List.of(obj("slug", "new", "active", false)))).expect(422)
            .get("detail").asText());
    assertEquals(before, api.get("/api/deployments/" + id).raw(), "a refused PATCH changes nothing");
    // rename keeps the id; a new slug is added; the other schedules stay
    String oneId = d.get("schedules").get(0).get("id").asText();
    api.patch("/api/deployments/" + id, obj("schedules", List.of(obj("slug", "uno", "replaces", "one", "active", false),
        obj("slug", "two", "schedule", obj("cron", "0 2 * * *"))))).expect(204);
    JsonNode after = api.get("/api/deployments/" + id).body();
    assertEquals(2, after.get("schedules").size());
    JsonNode uno = null;
    for (JsonNode s : after.get("schedules")) {
      if (s.get("slug").asText().equals("uno")) {
        uno = s;
      }
    }
    assertEquals(oneId, uno.get("id").asText());
    assertFalse(uno.get("active").asBoolean());
    assertEquals("Multiple schedules have 'replaces' targeting the same slug: uno",
        api.patch("/api/deployments/" + id, obj("schedules", List.of(obj("slug", "a", "replaces", "uno"),
            obj("slug", "b", "replaces", "uno")))).expect(422).get("detail").asText());
    assertEquals("Cannot rename schedule from 'uno' to 'two': a schedule with slug 'two' already exists.",
        api.patch("/api/deployments/" + id, obj("schedules", List.of(obj("slug", "two", "replaces", "uno"))))
            .expect(422).get("detail").asText());
    assertEquals("Deployment not found.", api.patch("/api/deployments/" + UUID.randomUUID(), obj("paused", true))
        .expect(404).get("detail").asText());
  }

  @Test
  void schedulesSubResource() throws Exception {
    UUID dep = api.createDeployment(api.createFlow());
    String base = "/api/deployments/" + dep + "/schedules";
    assertEquals(0, api.get(base).expect(200).body().size());
    JsonNode created = api.post(base, List.of(obj("schedule", obj("interval", 3600.0), "slug", "hourly",
        "max_scheduled_runs", 7), obj("schedule", obj("rrule", "FREQ=DAILY")))).expect(201).body();
    assertEquals(2, created.size());
    assertEquals("hourly", created.get(0).get("slug").asText());
    assertEquals(7, created.get(0).get("max_scheduled_runs").asInt());
    assertEquals("DTSTART:20200101T000000\nFREQ=DAILY", created.get(1).get("schedule").get("rrule").asText());
    assertEquals("Schedule slugs must be unique within a deployment.",
        api.post(base, List.of(obj("schedule", obj("cron", "* * * * *"), "slug", "hourly"))).expect(409).get("detail").asText());
    JsonNode bad = api.post(base, List.of(obj("schedule", obj("interval", 60), "max_scheduled_runs", 51))).expect(422).body();
    assertEquals("Value error, `max_scheduled_runs` must be less than or equal to 50.",
        bad.get("exception_detail").get(0).get("msg").asText());
    assertEquals(2, api.get(base).expect(200).body().size(), "refused creations wrote nothing");
    String sid = created.get(0).get("id").asText();
    api.patch(base + "/" + sid, obj("active", false)).expect(204);
    JsonNode one = null;
    for (JsonNode s : api.get(base).body()) {
      if (s.get("id").asText().equals(sid)) {
        one = s;
      }
    }
    assertFalse(one.get("active").asBoolean());
    assertEquals("Schedule not found.", api.patch(base + "/" + UUID.randomUUID(), obj("active", false)).expect(404)
        .get("detail").asText());
    assertEquals("Deployment not found.", api.get("/api/deployments/" + UUID.randomUUID() + "/schedules").expect(404)
        .get("detail").asText());
    api.delete(base + "/" + sid).expect(204);
    assertEquals(1, api.get(base).body().size());
    api.delete(base + "/" + sid).expect(404);
  }

  @Test
  void badSchedulesGetPrefectsUnionErrors() {
    UUID flow = api.createFlow();
    ObjectNode body = serveBody(flow, "bad-" + UUID.randomUUID(), obj("schedule", obj("cron", "bad cron")));
    JsonNode e = api.post("/api/deployments/", body).expect(422).body().get("exception_detail");
    assertEquals(5, e.size(), e.toString());
    assertEquals("[\"body\",\"schedules\",0,\"schedule\",\"function-after[validate_timezone(), CronSchedule]\",\"cron\"]",
        e.get(2).get("loc").toString());
    assertEquals("Value error, Invalid cron string: \"bad cron\"", e.get(2).get("msg").asText());
    assertEquals("value_error", api.post("/api/deployments/", serveBody(flow, "bad2", obj("schedule", obj("interval", 0))))
        .expect(422).body().get("exception_detail").get(0).get("type").asText());
    api.get("/api/deployments/name/" + "x" + "/bad2").expect(404);
  }

  @Test
  void pollReturnsDueRunsOldestFirstAndMarksReady() throws Exception {
    UUID flow = api.createFlow();
    UUID dep = api.post("/api/deployments/", serveBody(flow, "poll-" + UUID.randomUUID(), cron("* * * * *", null)))
        .expect(201).id();
    api.post("/api/deployments/" + dep + "/schedule", obj("min_runs", 5, "max_runs", 5, "min_time", 0.0)).expect(200);
    JsonNode runs = api.post("/api/deployments/get_scheduled_flow_runs", obj("deployment_ids", List.of(dep.toString()),
        "scheduled_before", Instant.now().plusSeconds(3600).toString())).expect(200).body();
    assertEquals(5, runs.size());
    for (int i = 1; i < runs.size(); i++) {
      assertTrue(runs.get(i - 1).get("next_scheduled_start_time").asText()
          .compareTo(runs.get(i).get("next_scheduled_start_time").asText()) <= 0);
    }
    JsonNode run = runs.get(0);
    assertEquals("Scheduled", run.get("state").get("name").asText());
    assertTrue(run.get("auto_scheduled").asBoolean());
    assertEquals("auto-scheduled", run.get("tags").get(0).asText());
    assertEquals(dep.toString(), run.get("labels").get("prefect.deployment.id").asText());
    assertEquals("SCHEDULE", run.get("created_by").get("type").asText());
    assertEquals("CronSchedule", run.get("created_by").get("display_value").asText());
    assertTrue(run.get("idempotency_key").asText().startsWith("scheduled " + dep + " "));
    Poll.eventually(5000, () -> assertEquals("READY", api.get("/api/deployments/" + dep).body().get("status").asText()));
    assertFalse(api.get("/api/deployments/" + dep).body().get("last_polled").isNull());
    assertEquals(1, count("SELECT count(*) FROM event WHERE event = 'prefect.deployment.ready'"
        + " AND resource_id = 'prefect.deployment." + dep + "'"));
    // a second poll does not announce READY again, and leaves `updated` alone
    String updated = api.get("/api/deployments/" + dep).body().get("updated").asText();
    api.post("/api/deployments/get_scheduled_flow_runs", obj("deployment_ids", List.of(dep.toString()))).expect(200);
    Thread.sleep(300);
    assertEquals(updated, api.get("/api/deployments/" + dep).body().get("updated").asText());
    assertEquals(1, count("SELECT count(*) FROM event WHERE event = 'prefect.deployment.ready'"
        + " AND resource_id = 'prefect.deployment." + dep + "'"));
    assertEquals("Invalid limit: must be less than or equal to 200.", api.post("/api/deployments/get_scheduled_flow_runs",
        obj("deployment_ids", List.of(dep.toString()), "limit", 201)).expect(422).get("detail").asText());
  }

  @Test
  void pauseDeletesAutoScheduledRunsAndDeleteDeletesEveryScheduledOne() throws Exception {
    UUID flow = api.createFlow();
    UUID dep = api.post("/api/deployments/", serveBody(flow, "pause-" + UUID.randomUUID(), cron("* * * * *", null)))
        .expect(201).id();
    api.post("/api/deployments/" + dep + "/schedule", obj("min_runs", 3, "max_runs", 3, "min_time", 0.0)).expect(200);
    UUID manual = api.post("/api/deployments/" + dep + "/create_flow_run", obj()).expect(201).id();
    assertEquals(4, count("SELECT count(*) FROM flow_run WHERE deployment_id = '" + dep + "'"));
    api.post("/api/deployments/" + dep + "/pause_deployment", obj()).expect(200);
    assertTrue(api.get("/api/deployments/" + dep).body().get("paused").asBoolean());
    assertEquals(1, count("SELECT count(*) FROM flow_run WHERE deployment_id = '" + dep + "'"), "D2 keeps the manual run");
    api.post("/api/deployments/" + dep + "/resume_deployment", obj()).expect(200);
    assertFalse(api.get("/api/deployments/" + dep).body().get("paused").asBoolean());
    api.post("/api/deployments/" + UUID.randomUUID() + "/pause_deployment", obj()).expect(404);
    api.delete("/api/deployments/" + dep).expect(204);
    assertEquals(0, count("SELECT count(*) FROM flow_run WHERE id = '" + manual + "'"), "D3 deletes manual scheduled runs too");
    assertNotEquals(0, 1);
  }
}
