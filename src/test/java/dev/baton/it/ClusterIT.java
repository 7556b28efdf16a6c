package dev.baton.it;

import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cluster.Clustering;
import dev.baton.config.BatonConfig;
import dev.baton.orchestration.api.Addresses;
import dev.baton.testsupport.Await;
import dev.baton.testsupport.Poll;
import dev.baton.testsupport.Ports;
import dev.baton.testsupport.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two JVMs on one clustered event bus: Baton runs as a child process with
 * {@code BATON_CLUSTER_ENABLED=true}; this JVM joins its Hazelcast cluster by TCP-IP on 127.0.0.1
 * as a plain clustered Vert.x (built with {@link Clustering}, as an application would) and drives
 * runs through the JSON addresses (docs/event-bus.md): creation, set-state, resume, reads.
 * Answers are checked, and the database behind the child.
 */
class ClusterIT {
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
  private static Process child;
  private static Path log;
  private static int batonMember;
  private static int ourMember;
  private static String clusterName;
  private static Vertx vertx;
  private static ApiClient api;

  @BeforeAll
  static void startTwoMembers() throws Exception {
    TestDatabase.truncateAll();
    int httpPort = Ports.free();
    batonMember = Ports.free();
    ourMember = Ports.free();
    clusterName = "baton-it-" + UUID.randomUUID(); // no stray member can join this one
    log = Files.createTempFile("baton-cluster-", ".log");
    child = startBaton(httpPort, batonMember, "127.0.0.1:" + ourMember, log);

    BatonConfig.Cluster us = new BatonConfig.Cluster(true, "127.0.0.1", ourMember, 0,
        List.of("127.0.0.1:" + batonMember), clusterName);
    vertx = Await.await(Vertx.builder()
        .with(Clustering.withEventBus(new VertxOptions(), us))
        .withClusterManager(Clustering.clusterManager(us))
        .buildClustered(), Duration.ofSeconds(120));

    api = new ApiClient(httpPort);
    ChildBaton.awaitHealthy(api, child, 120_000, log);
    // Baton's JSON consumers become visible here once both members see each other's registrations
    UUID nobody = UUID.randomUUID();
    Poll.eventually(60_000, () -> {
      ReplyException e = failure(call(Addresses.TASK_RUN_SET_STATE, nobody, setState("RUNNING")));
      assertEquals(404, e.failureCode(), "a remote answer, not " + e.failureType() + "; log: " + log);
    });
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (vertx != null) {
        Await.await(vertx.close(), Duration.ofSeconds(30));
      }
    } finally {
      if (child != null) {
        child.destroy();
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
          child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
      Files.deleteIfExists(log);
    }
  }

  @Test
  void runsAreCreatedAndDrivenToCompletionFromAnotherJvm() throws Exception {
    UUID flow = api.createFlow();
    // create a flow run over the bus
    Message<Object> created = await(call(Addresses.FLOW_RUN_CREATE, null,
        new JsonObject().put("flow_id", flow.toString()).put("name", "from-another-jvm")
            .put("state", new JsonObject().put("type", "RUNNING"))));
    assertEquals("201", created.headers().get(Addresses.STATUS_HEADER));
    assertEquals("1", created.headers().get(Addresses.VERSION_HEADER));
    JsonObject flowRunJson = json(created);
    UUID flowRun = UUID.fromString(flowRunJson.getString("id"));
    assertEquals("RUNNING", flowRunJson.getString("state_type"));

    // and a task run in it
    JsonObject taskJson = json(await(call(Addresses.TASK_RUN_CREATE, null, new JsonObject()
        .put("flow_run_id", flowRun.toString()).put("task_key", "remote-task").put("dynamic_key", "0")
        .put("state", new JsonObject().put("type", "PENDING")))));
    UUID task = UUID.fromString(taskJson.getString("id"));
    assertEquals(flowRun.toString(), taskJson.getString("flow_run_id"));

    Message<Object> running = await(call(Addresses.TASK_RUN_SET_STATE, task, setState("RUNNING")));
    JsonObject body = json(running);
    assertEquals("ACCEPT", body.getString("status"));
    assertEquals("RUNNING", body.getJsonObject("state").getString("type"));
    assertEquals("201", running.headers().get(Addresses.STATUS_HEADER));
    String runningStateId = body.getJsonObject("state").getString("id");

    JsonObject done = json(await(call(Addresses.TASK_RUN_SET_STATE, task, setState("COMPLETED"))));
    assertEquals("ACCEPT", done.getString("status"));
    assertEquals("COMPLETED", done.getJsonObject("state").getString("type"));
    JsonObject flowDone = json(await(call(Addresses.FLOW_RUN_SET_STATE, flowRun, setState("COMPLETED"))));
    assertEquals("ACCEPT", flowDone.getString("status"));

    // read back over the bus: the run and its history
    assertEquals("COMPLETED", json(await(call(Addresses.TASK_RUN_READ, task, null))).getString("state_type"));
    JsonArray history = new JsonArray((String) await(call(Addresses.TASK_RUN_STATES, task, null)).body());
    assertEquals(List.of("PENDING", "RUNNING", "COMPLETED"),
        history.stream().map(o -> ((JsonObject) o).getString("type")).toList());

    // and in the database itself
    try (Connection c = TestDatabase.jdbc();
        PreparedStatement ps = c.prepareStatement(
            "SELECT s.type, s.id FROM task_run_state s WHERE s.task_run_id = ? ORDER BY s.timestamp")) {
      ps.setObject(1, task);
      List<String> types = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          types.add(rs.getString(1));
          ids.add(rs.getString(2));
        }
      }
      assertEquals(List.of("PENDING", "RUNNING", "COMPLETED"), types);
      assertEquals(runningStateId, ids.get(1), "the state id answered over the bus is the one written");
    }
    try (Connection c = TestDatabase.jdbc();
        PreparedStatement ps = c.prepareStatement("SELECT name, state_type FROM flow_run WHERE id = ?")) {
      ps.setObject(1, flowRun);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals("from-another-jvm", rs.getString(1));
        assertEquals("COMPLETED", rs.getString(2));
      }
    }
  }

  @Test
  void manyConcurrentProposalsFromAnotherJvm() throws Exception {
    UUID flowRun = api.createFlowRun(state("RUNNING"));
    // 40 task runs, each moved to RUNNING by a message sent at once from this JVM
    List<UUID> tasks = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      tasks.add(api.createTaskRun(flowRun, state("PENDING")));
    }
    List<Future<Message<Object>>> sent = new ArrayList<>();
    for (UUID t : tasks) {
      sent.add(call(Addresses.TASK_RUN_SET_STATE, t, setState("RUNNING")));
    }
    for (Future<Message<Object>> f : sent) {
      assertEquals("ACCEPT", json(await(f)).getString("status"));
    }
    try (Connection c = TestDatabase.jdbc();
        PreparedStatement ps = c.prepareStatement(
            "SELECT count(*) FROM task_run WHERE id = ANY (?) AND state_type = 'RUNNING'")) {
      ps.setArray(1, c.createArrayOf("uuid", tasks.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertEquals(tasks.size(), rs.getInt(1));
      }
    }
  }

  @Test
  void badMessagesGetTheRestErrorsAndWriteNothing() throws Exception {
    UUID flowRun = api.createFlowRun(state("RUNNING"));
    UUID task = api.createTaskRun(flowRun, state("PENDING"));

    // an invalid state type: 422 with the REST API's pydantic body, across the JVM boundary
    ReplyException e = failure(call(Addresses.TASK_RUN_SET_STATE, task, setState("SLEEPING")));
    assertEquals(ReplyFailure.RECIPIENT_FAILURE, e.failureType());
    assertEquals(422, e.failureCode());
    JsonObject errorBody = new JsonObject(e.getMessage());
    assertEquals("Invalid request received.", errorBody.getString("exception_message"));
    assertEquals(new JsonArray().add("body").add("state").add("type"),
        errorBody.getJsonArray("exception_detail").getJsonObject(0).getJsonArray("loc"));

    // no id header, not JSON, no format version
    assertEquals(422, failure(call(Addresses.TASK_RUN_SET_STATE, null, setState("RUNNING"))).failureCode());
    assertEquals(422, failure(vertx.eventBus().request(Addresses.json(Addresses.TASK_RUN_SET_STATE), "{\"state\":",
        headers(task))).failureCode());
    assertEquals(422, failure(vertx.eventBus().request(Addresses.json(Addresses.TASK_RUN_SET_STATE),
        setState("RUNNING").encode(), new DeliveryOptions().addHeader(Addresses.ID_HEADER, task.toString())))
        .failureCode());
    // an unknown run: 404
    assertEquals(404, failure(call(Addresses.FLOW_RUN_SET_STATE, UUID.randomUUID(), setState("RUNNING"))).failureCode());

    // the typed addresses stay local to Baton's JVM: from here there is no handler
    ReplyException typed = failure(vertx.eventBus().request(Addresses.TASK_RUN_SET_STATE, setState("RUNNING").encode(),
        headers(task)));
    assertEquals(ReplyFailure.NO_HANDLERS, typed.failureType());

    assertEquals("PENDING", api.taskRun(task).path("state").path("type").asText());
    try (Connection c = TestDatabase.jdbc();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM task_run_state WHERE task_run_id = ?")) {
      ps.setObject(1, task);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertEquals(1, rs.getInt(1), "only the initial PENDING");
      }
    }
  }

  @Test
  void resumeOverTheClusteredBus() throws Exception {
    UUID flowRun = api.createFlowRun(state("RUNNING"));
    api.setFlowState(flowRun, state("PAUSED", "state_details",
        ApiClient.obj("pause_timeout", "2099-01-01T00:00:00Z", "pause_reschedule", false)))
        .expect(201);
    JsonObject body = json(await(call(Addresses.FLOW_RUN_RESUME, flowRun, new JsonObject())));
    assertEquals("ACCEPT", body.getString("status"), body.encode());
    assertNotEquals("PAUSED", body.getJsonObject("state").getString("type"));
    assertEquals(body.getJsonObject("state").getString("type"), api.flowRun(flowRun).path("state").path("type").asText(),
        "the database holds the state answered");
  }

  @Test
  void twoBatonsInOneClusterShareTheRemoteProposals() throws Exception {
    int httpPort = Ports.free();
    Path log2 = Files.createTempFile("baton-cluster-2-", ".log");
    Process second = startBaton(httpPort, Ports.free(), "127.0.0.1:" + batonMember + ",127.0.0.1:" + ourMember, log2);
    try {
      ApiClient api2 = new ApiClient(httpPort);
      ChildBaton.awaitHealthy(api2, second, 120_000, log2);
      UUID flowRun = api.createFlowRun(state("RUNNING"));
      List<UUID> tasks = new ArrayList<>();
      double byFirst = 0;
      double bySecond = 0;
      // batches of proposals from this JVM until the second Baton has taken some (its consumers
      // become visible here within seconds of its joining); every one must be accepted
      long end = System.currentTimeMillis() + 60_000;
      while (bySecond == 0 && System.currentTimeMillis() < end) {
        List<UUID> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          batch.add(api.createTaskRun(flowRun, state("PENDING")));
        }
        double first0 = outcomes(api);
        double second0 = outcomes(api2);
        List<Future<Message<Object>>> sent = new ArrayList<>();
        for (UUID t : batch) {
          sent.add(call(Addresses.TASK_RUN_SET_STATE, t, setState("RUNNING")));
        }
        for (Future<Message<Object>> f : sent) {
          assertEquals("ACCEPT", json(await(f)).getString("status"));
        }
        byFirst += outcomes(api) - first0;
        bySecond += outcomes(api2) - second0;
        tasks.addAll(batch);
      }
      System.out.println("ClusterIT: of " + tasks.size() + " remote proposals, " + byFirst + " went to the first Baton, "
          + bySecond + " to the second");
      assertTrue(bySecond > 0, "the second Baton orchestrated none of " + tasks.size() + "; log: " + log2);
      assertTrue(byFirst > 0, "the first Baton orchestrated none of " + tasks.size());
      assertEquals(tasks.size(), (long) (byFirst + bySecond), "each proposal orchestrated once, by one of them");
      try (Connection c = TestDatabase.jdbc();
          PreparedStatement ps = c.prepareStatement(
              "SELECT count(*) FROM task_run_state WHERE task_run_id = ANY (?) AND type = 'RUNNING'")) {
        ps.setArray(1, c.createArrayOf("uuid", tasks.toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertEquals(tasks.size(), rs.getInt(1), "one RUNNING state per proposal");
        }
      }
    } finally {
      second.destroy();
      if (!second.waitFor(30, TimeUnit.SECONDS)) {
        second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      Files.deleteIfExists(log2);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static JsonObject setState(String type) {
    return new JsonObject().put("state", new JsonObject().put("type", type));
  }

  /** A JSON message as busapi defines it: REST body as text, path id as a header, format version 1. */
  private static Future<Message<Object>> call(String typedAddress, UUID id, JsonObject body) {
    return vertx.eventBus().request(Addresses.json(typedAddress), body == null ? null : body.encode(), headers(id));
  }

  private static DeliveryOptions headers(UUID id) {
    DeliveryOptions o = new DeliveryOptions().setSendTimeout(20_000)
        .addHeader(Addresses.VERSION_HEADER, Addresses.VERSION);
    if (id != null) {
      o.addHeader(Addresses.ID_HEADER, id.toString());
    }
    return o;
  }

  private static JsonObject json(Message<Object> m) {
    return new JsonObject(assertInstanceOf(String.class, m.body()));
  }

  /** The answer of {@code f}; a failure names the child's log. */
  private static <T> T await(Future<T> f) {
    try {
      return Await.await(f, ANSWER_TIMEOUT);
    } catch (RuntimeException e) {
      throw new AssertionError("failed: " + e + "; log: " + log, e);
    }
  }

  private static ReplyException failure(Future<?> f) {
    return assertInstanceOf(ReplyException.class, Await.failure(f, ANSWER_TIMEOUT));
  }

  /** Baton as a clustered child JVM on the test database. */
  private static Process startBaton(int httpPort, int memberPort, String members, Path logFile) throws Exception {
    ProcessBuilder pb = ChildBaton.builder();
    Map<String, String> env = pb.environment();
    env.put("BATON_DB_URL", TestDatabase.url());
    env.put("BATON_EVENT_LOOPS", "2");
    env.put("BATON_DB_POOL_SIZE", "4");
    env.put("BATON_CONCURRENCY_REAPER_INTERVAL_MS", "0");
    env.put("BATON_LATE_RUNS_INTERVAL_SECONDS", "0");
    env.put("BATON_PAUSE_EXPIRATIONS_INTERVAL_SECONDS", "0");
    env.put("BATON_EVENTS_TRIM_INTERVAL_SECONDS", "0");
    env.put("BATON_CLUSTER_ENABLED", "true");
    env.put("BATON_CLUSTER_HOST", "127.0.0.1");
    env.put("BATON_CLUSTER_PORT", String.valueOf(memberPort));
    env.put("BATON_CLUSTER_MEMBERS", members);
    env.put("BATON_CLUSTER_NAME", clusterName);
    return ChildBaton.start(pb, httpPort, logFile);
  }

  /** Proposals this Baton orchestrated, from its {@code /metrics}. */
  private static double outcomes(ApiClient baton) {
    double sum = 0;
    for (String line : baton.get("/metrics").raw().split("\n")) {
      if (line.startsWith("baton_orchestration_outcomes_total")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}
