package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.it.ApiClient.Response;
import dev.baton.testsupport.Triggers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What PostgreSQL says never reaches a client. Triggers installed for this test make PostgreSQL
 * refuse rows whose name starts {@code refuse-<SQLSTATE>-}, with a message, detail, hint and
 * constraint full of SQL and class names; every write endpoint that stores such a name must answer
 * with its fixed JSON text for that kind of failure, write nothing, and show none of it.
 */
class ErrorBodiesIT {
  @ClassServer static TestServer server;
  @ClassServer static ApiClient api;
  static Triggers refusing;
  static UUID flowId;
  static UUID flowRun;
  static UUID taskRun;

  /** Table → the column whose value arms the trigger. */
  static final Map<String, String> ARMED = Map.of("flow", "name", "flow_run", "name", "flow_run_state", "name",
      "task_run_state", "name", "variable", "name", "concurrency_limit_v2", "name", "log", "name",
      "flow_run_input", "key", "deployment", "name");

  /** Fragments of the database's text, or of a Java failure, that an answer must not contain. */
  static final List<String> FORBIDDEN = List.of("select", "pg_authid", "ck_secret", "violates", "failing row",
      "exception", "at dev.", "dev.baton", "io.vertx", "java.", "sqlstate", "error:", "constraint \"", "relation");

  @BeforeAll
  static void start() {
    flowId = api.createFlow();
    flowRun = api.post("/api/flow_runs/", obj("flow_id", flowId.toString(), "state", state("RUNNING"))).expect(201).id();
    taskRun = api.createTaskRun(flowRun, null);
    refusing = Triggers.function(server.pool(), "baton_test_refuse", """
        DECLARE v text := to_jsonb(NEW) ->> TG_ARGV[0];
        BEGIN
          IF v ILIKE 'refuse-_____-%' THEN
            RAISE EXCEPTION 'new row for relation "%" violates check constraint "ck_secret" (SELECT rolpassword FROM pg_authid)', TG_TABLE_NAME
              USING ERRCODE = upper(substr(v, 8, 5)), DETAIL = 'Failing row contains (' || v || ').',
                    HINT = 'at dev.baton.Secret.method(Secret.java:1)', CONSTRAINT = 'ck_secret';
          END IF;
          RETURN NEW;
        END""");
    ARMED.forEach((table, column) -> refusing.on(table, "baton_test_refuse_" + table, "BEFORE INSERT OR UPDATE", null, column));
  }

  @AfterAll
  static void stop() {
    if (refusing != null) {
      refusing.close();
    }
  }

  /** SQLSTATE → the status the API must answer with. */
  static final Map<String, Integer> STATUS = Map.of(
      "23505", 409, "23503", 409,                       // Prefect's "Data integrity conflict"
      "23514", 422, "22P05", 422, "22001", 422, "22003", 422, // a value the database refuses: bad input
      "40001", 503,                                     // retried, then "Service Unavailable"
      "XX000", 500, "42P01", 500);                      // the server's own failure

  /** One request per endpoint, storing {@code name} where the trigger looks. */
  static List<Arguments> endpoints() {
    List<Arguments> out = new ArrayList<>();
    out.add(Arguments.of("POST /api/flows/", (Function<String, Object[]>) n -> new Object[] {"POST", "/api/flows/", obj("name", n)}));
    out.add(Arguments.of("POST /api/flow_runs/", (Function<String, Object[]>) n -> new Object[] {"POST", "/api/flow_runs/",
        obj("flow_id", flowId.toString(), "name", n)}));
    out.add(Arguments.of("PATCH /api/flow_runs/{id}", (Function<String, Object[]>) n -> new Object[] {"PATCH",
        "/api/flow_runs/" + flowRun, obj("name", n)}));
    out.add(Arguments.of("flow set_state", (Function<String, Object[]>) n -> new Object[] {"POST",
        "/api/flow_runs/" + flowRun + "/set_state", obj("state", state("RUNNING", "name", n), "force", true)}));
    out.add(Arguments.of("task set_state", (Function<String, Object[]>) n -> new Object[] {"POST",
        "/api/task_runs/" + taskRun + "/set_state", obj("state", state("RUNNING", "name", n), "force", true)}));
    // variable names are lowercase letters, digits, - and _ (Prefect's VariableName)
    out.add(Arguments.of("POST /api/variables/", (Function<String, Object[]>) n -> new Object[] {"POST", "/api/variables/",
        obj("name", n.toLowerCase(Locale.ROOT), "value", 1)}));
    out.add(Arguments.of("POST /api/v2/concurrency_limits/", (Function<String, Object[]>) n -> new Object[] {"POST",
        "/api/v2/concurrency_limits/", obj("name", n, "limit", 1)}));
    out.add(Arguments.of("POST /api/logs/", (Function<String, Object[]>) n -> new Object[] {"POST", "/api/logs/",
        List.of(obj("name", n, "level", 20, "message", "m", "timestamp", Instant.now().toString(), "flow_run_id", flowRun.toString()))}));
    out.add(Arguments.of("POST /api/flow_runs/{id}/input", (Function<String, Object[]>) n -> new Object[] {"POST",
        "/api/flow_runs/" + flowRun + "/input", obj("key", n.toLowerCase(Locale.ROOT), "value", "\"v\"")}));
    out.add(Arguments.of("POST /api/deployments/", (Function<String, Object[]>) n -> new Object[] {"POST", "/api/deployments/",
        obj("name", n, "flow_id", flowId.toString())}));
    return out;
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Arguments e : endpoints()) {
      for (String code : STATUS.keySet()) {
        out.add(Arguments.of(e.get()[0], e.get()[1], code));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} refused with {2}")
  @MethodSource("cases")
  void databaseRefusalsGiveFixedTexts(String endpoint, Function<String, Object[]> request, String sqlState) {
    Object[] req = request.apply("refuse-" + sqlState + "-" + UUID.randomUUID());
    String before = server.fingerprint();
    Response r = api.raw((String) req[0], (String) req[1], ApiClient.toJson(req[2]), "application/json", Map.of());
    String where = endpoint + " / " + sqlState + ": " + r.status() + " " + r.raw();
    int expected = STATUS.get(sqlState);
    if (endpoint.contains("/input") && sqlState.equals("23505")) {
      assertEquals("A flow run input with this key already exists.", r.text("detail"), where);
    } else if (endpoint.contains("/input") && sqlState.equals("23503")) {
      expected = 404; // the only foreign key of an input is its flow run
    }
    assertEquals(expected, r.status(), where);
    assertTrue(r.header("content-type").startsWith("application/json"), where);
    assertTrue(r.body().isObject() && r.body().size() == 1
        && (r.body().has("detail") || r.body().has("exception_message")), where);
    assertClean(r.raw(), where);
    assertEquals(before, server.fingerprint(), "a refused request wrote something: " + where);
  }

  @Test
  void fixedTextsPerKind() {
    Response conflict = api.post("/api/flows/", obj("name", "refuse-23505-" + UUID.randomUUID())).expect(409);
    assertEquals("Data integrity conflict. This usually means a unique or foreign key constraint was violated. "
        + "See server logs for details.", conflict.text("detail"));
    Response invalid = api.post("/api/flows/", obj("name", "refuse-23514-" + UUID.randomUUID())).expect(422);
    assertEquals("Invalid request: a value was refused by the database. See server logs for details.", invalid.text("detail"));
    Response internal = api.post("/api/flows/", obj("name", "refuse-XX000-" + UUID.randomUUID())).expect(500);
    assertEquals("{\"exception_message\":\"Internal Server Error\"}", internal.raw());
    Response retry = api.post("/api/flows/", obj("name", "refuse-40001-" + UUID.randomUUID())).expect(503);
    assertEquals("{\"exception_message\":\"Service Unavailable\"}", retry.raw());
  }

  /** Real constraint violations, no trigger involved. */
  @Test
  void naturalDuplicates() {
    String name = "dup-" + UUID.randomUUID();
    api.post("/api/v2/concurrency_limits/", obj("name", name, "limit", 1)).expect(201);
    Response dup = api.post("/api/v2/concurrency_limits/", obj("name", name, "limit", 2));
    assertEquals(409, dup.status(), dup.raw());
    assertFalse(dup.raw().toLowerCase(Locale.ROOT).contains("uq_"), dup.raw());
    UUID id = UUID.randomUUID();
    api.post("/api/task_runs/", obj("id", id.toString(), "flow_run_id", flowRun.toString(), "task_key", "k", "dynamic_key", "a")).expect(201);
    Response idClash = api.post("/api/task_runs/", obj("id", id.toString(), "flow_run_id", flowRun.toString(),
        "task_key", "k", "dynamic_key", "b"));
    assertEquals(409, idClash.status(), idClash.raw());
    assertClean(idClash.raw(), idClash.raw());
  }

  /** No forbidden fragment in the answer's text (its keys, e.g. "exception_message", aside). */
  static void assertClean(String raw, String where) {
    String text = raw.replace("\"exception_message\"", "").replace("\"detail\"", "").toLowerCase(Locale.ROOT);
    for (String f : FORBIDDEN) {
      assertFalse(text.contains(f), "answer shows \"" + f + "\": " + where);
    }
  }

  /** Framework-level failures are JSON too: an undecodable path, an unknown method. */
  @Test
  void frameworkErrorsAreJson() {
    for (Response r : new Response[] {
        api.raw("GET", "/api/flows/%00", null, null, Map.of()),
        api.raw("PUT", "/api/flows/" + UUID.randomUUID(), "{}", "application/json", Map.of()),
        api.raw("TRACE", "/api/health", null, null, Map.of()),
        api.raw("POST", "/api/flows/", "{\"name\": \"" + "x".repeat(3 * 1024 * 1024) + "\"}", "application/json", Map.of())}) {
      assertTrue(r.status() >= 400 && r.status() < 500, r.status() + " " + r.raw());
      assertTrue(r.header("content-type") != null && r.header("content-type").startsWith("application/json"), r.raw());
      assertTrue(r.body() != null && r.body().isObject(), r.raw());
    }
    // requests Netty refuses before any routing (sent over a plain socket: no client would send them)
    Map<String, String> refusedByNetty = Map.of(
        "GET /api/health HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n", "400",
        "GET /api/flows/" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", "414",
        "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(10_000) + "\r\n\r\n", "431",
        "GARBAGE\r\n\r\n", "400");
    refusedByNetty.forEach((raw, status) -> {
      String answer = rawExchange(raw);
      String where = raw.substring(0, Math.min(30, raw.length())) + "… → " + answer;
      assertTrue(answer.startsWith("HTTP/1.") && answer.substring(9).startsWith(status), where);
      assertTrue(answer.toLowerCase(Locale.ROOT).contains("content-type: application/json"), where);
      assertTrue(answer.endsWith("}") && answer.contains("{\"detail\":\""), where);
    });
  }

  static String rawExchange(String request) {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    } catch (java.io.IOException e) {
      return "IOException " + e;
    }
  }
}
