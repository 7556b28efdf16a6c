package com.example.embedding;

import dev.baton.Baton;
import dev.baton.cluster.Clustering;
import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigLoader;
import dev.baton.domain.Flow;
import dev.baton.domain.FlowRun;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRun;
import dev.baton.domain.command.FlowRunCreate;
import dev.baton.domain.command.StateCreate;
import dev.baton.domain.command.TaskRunCreate;
import dev.baton.orchestration.api.AcquireSlotsCommand;
import dev.baton.orchestration.api.Addresses;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.SlotsResult;
import dev.baton.orchestration.api.StateHistory;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A Vert.x application that embeds Baton: {@link Baton#deploy} on its own Vert.x, with the embedded
 * PostgreSQL, then a flow run and a task run driven to COMPLETED through the typed event-bus client
 * ({@link OrchestrationClient}), a global concurrency slot taken and given back, and
 * {@code close()}. With {@code --cluster} (and vertx-hazelcast on the class path: {@code -Pcluster})
 * Baton's Vert.x is clustered and a second cluster member drives another task run through the JSON
 * addresses. Every proposal must be ACCEPTed; anything else ends the program with an exception.
 */
public final class EmbeddedBaton {

  public static void main(String[] args) throws Exception {
    boolean clustered = List.of(args).contains("--cluster");
    // [docs/event-bus.md quotes from here]
    Path work = Files.createTempDirectory("baton-embedded-");
    // the BATON_* settings, here as a map; ConfigLoader.load() reads the process environment and
    // conf/baton.json instead
    BatonConfig config = ConfigLoader.load(Map.of(
        "BATON_DATA_DIR", work.resolve("pgdata").toString(), // no BATON_DB_URL: embedded PostgreSQL, data here
        "BATON_DB_EMBEDDED_PORT", "0",                       // on any free port
        "BATON_HTTP_HOST", "127.0.0.1",
        "BATON_HTTP_PORT", "0"),                             // the REST API on any free port
        work);
    Cluster cluster = clustered ? new Cluster() : null;
    Vertx vertx = clustered ? cluster.batonMember() : Vertx.vertx(); // your Vert.x: Baton never closes it
    Baton.Handle baton = null;
    try {
      baton = Baton.deploy(vertx, config).await();   // database started and migrated off the event loop
      OrchestrationClient client = baton.client();    // the typed API: records by reference, same JVM

      Flow flow = client.createFlow("embedded-etl").await().run();
      FlowRun run = client.createFlowRun(FlowRunCreate.of(flow.id(), null, null)).await().run(); // PENDING
      // a task run can only start in a RUNNING flow run (otherwise: ABORT)
      accepted("flow run", client.setFlowRunState(run.id(), StateCreate.of(StateType.RUNNING), false, null, null)
          .await(), StateType.RUNNING);

      TaskRun task = client.createTaskRun(TaskRunCreate.of(run.id(), "extract", "0", null, null)).await().run();
      System.out.println("task run " + task.name() + ": " + task.stateType());                      // PENDING

      // global concurrency limits are created over REST; the bus takes and gives back their slots
      createConcurrencyLimit(baton.port(), "database", 1);
      SlotsResult slot = client.acquireSlots(AcquireSlotsCommand.withLease(List.of("database"), 1, 60)
          .heldBy("task_run", task.id())).await();
      check(slot.acquired(), "the database slot was not acquired");
      SlotsResult second = client.acquireSlots(AcquireSlotsCommand.withLease(List.of("database"), 1, 60)).await();
      check(!second.acquired(), "a second slot of a limit of 1 was acquired");  // a result, not a failure
      System.out.println("slot of 'database' acquired, lease " + slot.leaseId()
          + "; a second one: retry after " + second.retryAfterSeconds() + " s");

      accepted("task run", client.setTaskRunState(task.id(), StateCreate.of(StateType.RUNNING), false).await(),
          StateType.RUNNING);
      accepted("task run", client.setTaskRunState(task.id(), StateCreate.of(StateType.COMPLETED), false).await(),
          StateType.COMPLETED);
      // leaving RUNNING, the task run gave back every lease held in its name (0 left to release);
      // a lease without a holder is released by hand (1)
      check(client.releaseLease(slot.leaseId()).await() == 0, "the task run's lease was still held");
      SlotsResult free = client.acquireSlots(AcquireSlotsCommand.withLease(List.of("database"), 1, 60)).await();
      check(free.acquired() && client.releaseLease(free.leaseId()).await() == 1, "the slot was not free again");

      if (clustered) {
        cluster.driveATaskRunFromAnotherMember(run.id());
      }

      accepted("flow run", client.setFlowRunState(run.id(), StateCreate.of(StateType.COMPLETED), false, null, null)
          .await(), StateType.COMPLETED);
      StateHistory history = client.taskRunStates(task.id()).await();
      System.out.println("task run " + task.name() + " states: "
          + history.states().stream().map(s -> s.type().name()).toList());    // [PENDING, RUNNING, COMPLETED]
      check(client.readFlowRun(run.id()).await().stateType() == StateType.COMPLETED, "flow run not COMPLETED");
    } finally {
      if (baton != null) {
        baton.close().await();  // drain, undeploy, close the pool, stop the embedded PostgreSQL
      }
      if (clustered) {
        cluster.close();
      }
      vertx.close().await();
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    // [to here: EmbeddingConsumerIT checks that the quote is this code]
    System.out.println("embedding-consumer: OK (" + (clustered ? "in-process and over the cluster" : "in-process") + ")");
  }

  /** The proposal must have been accepted, with the state wanted: REJECT, WAIT and ABORT are results. */
  static void accepted(String what, OrchestrationResult r, StateType wanted) {
    check(r.status() == OrchestrationStatus.ACCEPT && r.state() != null && r.state().type() == wanted,
        what + " -> " + wanted + ": Baton answered " + r.status() + " " + r.details());
    System.out.println(what + " -> " + wanted + ": " + r.status());
  }

  static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }

  /** {@code POST /api/v2/concurrency_limits/}: the event bus serves slots, not limit creation. */
  static void createConcurrencyLimit(int port, String name, int limit) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/v2/concurrency_limits/"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("name", name).put("limit", limit).encode()))
        .build(), HttpResponse.BodyHandlers.ofString());
    check(r.statusCode() == 201, "creating the limit answered " + r.statusCode() + " " + r.body());
  }

  /**
   * Clustered mode (docs/cluster.md), on the loopback: Baton's Vert.x is the first member of a
   * cluster of its own name; a second member — standing for a worker in another JVM — joins it and
   * reaches Baton's JSON addresses only (the typed ones are local). A class of its own: only it
   * refers to Hazelcast, which a non-clustered application does not have on its class path.
   */
  static final class Cluster {
    private final String name = "embedded-" + UUID.randomUUID(); // no stray member joins this cluster
    private final int batonPort = freePort();
    private final int workerPort = freePort();
    private Vertx worker;

    Cluster() {
      // Hazelcast's INFO lines are many (as dev.baton.Main does: its warnings only)
      System.setProperty("org.slf4j.simpleLogger.log.com.hazelcast", "warn");
    }

    Vertx batonMember() {
      return member(new BatonConfig.Cluster(true, "127.0.0.1", batonPort, 0, List.of(), name));
    }

    void driveATaskRunFromAnotherMember(UUID flowRunId) throws Exception {
      worker = member(new BatonConfig.Cluster(true, "127.0.0.1", workerPort, 0,
          List.of("127.0.0.1:" + batonPort), name));
      JsonObject task = json(Addresses.TASK_RUN_CREATE, null, new JsonObject()
          .put("flow_run_id", flowRunId.toString()).put("task_key", "load").put("dynamic_key", "0"));
      UUID id = UUID.fromString(task.getString("id"));
      for (String type : List.of("RUNNING", "COMPLETED")) {
        JsonObject r = json(Addresses.TASK_RUN_SET_STATE, id,
            new JsonObject().put("state", new JsonObject().put("type", type)));
        check("ACCEPT".equals(r.getString("status")) && type.equals(r.getJsonObject("state").getString("type")),
            "over the cluster, task run -> " + type + ": " + r.encode());
        System.out.println("task run " + task.getString("name") + " -> " + type + " over the cluster: ACCEPT");
      }
    }

    /** A request to the JSON twin of {@code address}; retried while Baton's consumers are not yet visible. */
    private JsonObject json(String address, UUID id, JsonObject body) throws Exception {
      DeliveryOptions options = new DeliveryOptions().setSendTimeout(15_000)
          .addHeader(Addresses.VERSION_HEADER, Addresses.VERSION);
      if (id != null) {
        options.addHeader(Addresses.ID_HEADER, id.toString());
      }
      for (int attempt = 1; ; attempt++) {
        try {
          Object reply = worker.eventBus().request(Addresses.json(address), body.encode(), options).await().body();
          return new JsonObject((String) reply);
        } catch (ReplyException e) {
          // registrations spread over the cluster within a second or two of joining
          if (e.failureType() != ReplyFailure.NO_HANDLERS || attempt == 60) {
            throw e;
          }
          Thread.sleep(500);
        }
      }
    }

    void close() {
      if (worker != null) {
        worker.close().await();
      }
    }

    private static Vertx member(BatonConfig.Cluster me) {
      return Vertx.builder()
          .with(Clustering.withEventBus(new VertxOptions(), me))
          .withClusterManager(Clustering.clusterManager(me))
          .buildClustered()
          .await();
    }

    private static int freePort() {
      try (ServerSocket s = new ServerSocket(0)) {
        return s.getLocalPort();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
