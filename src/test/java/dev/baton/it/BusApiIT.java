package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.FlowRun;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRun;
import dev.baton.domain.command.FlowRunCreate;
import dev.baton.domain.command.StateCreate;
import dev.baton.domain.command.TaskRunCreate;
import dev.baton.orchestration.api.AcquireSlotsCommand;
import dev.baton.orchestration.api.Addresses;
import dev.baton.orchestration.api.BusCommand;
import dev.baton.orchestration.api.CreateFlowRunCommand;
import dev.baton.orchestration.api.CreateTaskRunCommand;
import dev.baton.orchestration.api.CreatedRun;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.api.ReadCommand;
import dev.baton.orchestration.api.ReleaseLeaseCommand;
import dev.baton.orchestration.api.RenewLeaseCommand;
import dev.baton.orchestration.api.SlotsResult;
import dev.baton.orchestration.api.StateHistory;
import dev.baton.testsupport.Await;
import dev.baton.testsupport.Poll;
import dev.baton.testsupport.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The event-bus API contract (docs/event-bus.md) for every address beside set-state and resume,
 * typed and JSON: success, NOT_FOUND, INVALID_INPUT (JSON bodies fail with the same validation
 * error body as HTTP), and UNAVAILABLE past the in-flight bound, past a deadline and while
 * draining — with nothing written.
 */
class BusApiIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private static <T> T ok(Future<T> f) {
    return Await.await(f, TIMEOUT);
  }

  private static OrchestrationFailure typedFailure(Future<?> f) {
    return assertInstanceOf(OrchestrationException.class, Await.failure(f, TIMEOUT)).failure();
  }

  private static ReplyException jsonFailure(Future<?> f) {
    ReplyException re = assertInstanceOf(ReplyException.class, Await.failure(f, TIMEOUT));
    assertEquals(ReplyFailure.RECIPIENT_FAILURE, re.failureType());
    return re;
  }

  /** A JSON message as another language (or another cluster node) would send it. */
  private static Future<Message<String>> json(TestServer s, String typedAddress, Object body, String... headers) {
    DeliveryOptions o = new DeliveryOptions().setSendTimeout(20_000).addHeader(Addresses.VERSION_HEADER, Addresses.VERSION);
    for (int i = 0; i < headers.length; i += 2) {
      o.addHeader(headers[i], headers[i + 1]);
    }
    String text = body == null ? null : body instanceof String str ? str : ApiClient.toJson(body);
    return s.vertx().eventBus().request(Addresses.json(typedAddress), text, o);
  }

  private static JsonNode parse(String text) throws Exception {
    return ApiClient.JSON.readTree(text);
  }

  private static String status(Message<?> m) {
    return m.headers().get(Addresses.STATUS_HEADER);
  }

  @Test
  void typedRunsAreCreatedReadAndDrivenToCompletion() throws Exception {
    try (TestServer s = TestServer.start()) {
      OrchestrationClient client = new OrchestrationClient(s.vertx());
      String flowName = "bus-flow-" + UUID.randomUUID();
      CreatedRun<dev.baton.domain.Flow> createdFlow = ok(client.createFlow(flowName));
      assertTrue(createdFlow.created());
      assertEquals(flowName, createdFlow.run().name());
      assertFalse(ok(client.createFlow(flowName)).created());
      assertEquals(OrchestrationFailure.INVALID_INPUT, typedFailure(client.createFlow("")));
      UUID flow = createdFlow.run().id();

      CreatedRun<FlowRun> fr = ok(client.createFlowRun(FlowRunCreate.of(flow, "bus-run", null)));
      assertTrue(fr.created());
      assertEquals(StateType.PENDING, fr.run().state().type());
      assertEquals("bus-run", fr.run().name());
      assertEquals(fr.run().id(), ok(client.readFlowRun(fr.run().id())).id());
      // the same run over HTTP
      assertEquals("PENDING", s.api().flowRun(fr.run().id()).get("state").get("type").asText());

      TaskRunCreate create = TaskRunCreate.of(fr.run().id(), "bus-task", "0", null, null);
      CreatedRun<TaskRun> tr = ok(client.createTaskRun(create));
      assertTrue(tr.created());
      // its natural key finds it again: not created twice
      CreatedRun<TaskRun> again = ok(client.createTaskRun(create));
      assertFalse(again.created());
      assertEquals(tr.run().id(), again.run().id());

      assertEquals(StateType.RUNNING, ok(client.setFlowRunState(fr.run().id(), StateCreate.of(StateType.RUNNING), false,
          null, null)).state().type());
      for (StateType t : List.of(StateType.RUNNING, StateType.COMPLETED)) {
        assertEquals(t, ok(client.setTaskRunState(tr.run().id(), StateCreate.of(t), false)).state().type());
      }
      assertEquals(StateType.COMPLETED, ok(client.readTaskRun(tr.run().id())).stateType());
      StateHistory h = ok(client.taskRunStates(tr.run().id()));
      assertEquals(List.of(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED),
          h.states().stream().map(st -> st.type()).toList());
      assertEquals(2, ok(client.flowRunStates(fr.run().id())).states().size());

      // NOT_FOUND
      UUID unknown = UUID.randomUUID();
      assertEquals(OrchestrationFailure.NOT_FOUND, typedFailure(client.readFlowRun(unknown)));
      assertEquals(OrchestrationFailure.NOT_FOUND, typedFailure(client.readTaskRun(unknown)));
      assertTrue(ok(client.taskRunStates(unknown)).states().isEmpty());
      assertEquals(OrchestrationFailure.NOT_FOUND, typedFailure(client.createFlowRun(
          new FlowRunCreate(flow, null, null, null, obj(), obj(), null, null, dev.baton.domain.FlowRunPolicy.DEFAULT,
              List.of(), obj(), null, "some-pool", null, null, null))));

      // INVALID_INPUT: a typed command without what the REST decoder would have filled in
      String before = s.fingerprint();
      assertEquals(OrchestrationFailure.INVALID_INPUT, typedFailure(client.createFlowRun(
          new FlowRunCreate(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null))));
      assertEquals(OrchestrationFailure.INVALID_INPUT, typedFailure(client.createTaskRun(
          TaskRunCreate.of(fr.run().id(), null, "0", null, null))));
      // a JSON body on the typed address
      assertEquals(OrchestrationFailure.INVALID_INPUT, typedFailure(s.vertx().eventBus()
          .request(Addresses.FLOW_RUN_READ, "{}").recover(OrchestrationClientAccess::map)));
      // a flow that does not exist: a foreign-key conflict, as over REST
      assertEquals(OrchestrationFailure.CONFLICT, typedFailure(client.createFlowRun(FlowRunCreate.of(UUID.randomUUID(), null, null))));
      assertEquals(before, s.fingerprint());
    }
  }

  @Test
  void typedSlotsAreAcquiredRenewedAndReleased() throws Exception {
    try (TestServer s = TestServer.start()) {
      OrchestrationClient client = new OrchestrationClient(s.vertx());
      String name = "bus-limit-" + UUID.randomUUID();
      s.api().post("/api/v2/concurrency_limits/", obj("name", name, "limit", 1)).expect(201);

      SlotsResult first = ok(client.acquireSlots(AcquireSlotsCommand.withLease(List.of(name), 1, 120)));
      assertTrue(first.acquired());
      assertNotNull(first.leaseId());
      assertEquals(name, first.limits().get(0).name());
      SlotsResult full = ok(client.acquireSlots(AcquireSlotsCommand.withLease(List.of(name), 1, 120)));
      assertFalse(full.acquired());
      assertNull(full.leaseId());
      assertTrue(full.retryAfterSeconds() > 0);
      // the lease is visible over HTTP
      assertEquals(1, s.api().get("/api/v2/concurrency_limits/" + name).expect(200).get("active_slots").asInt());

      ok(client.renewLease(first.leaseId(), 600));
      assertEquals(OrchestrationFailure.NOT_FOUND, typedFailure(client.renewLease(UUID.randomUUID(), 600)));
      assertEquals(OrchestrationFailure.INVALID_INPUT, typedFailure(client.renewLease(first.leaseId(), 5)));

      assertEquals(1, ok(client.releaseLease(first.leaseId())));
      assertEquals(0, ok(client.releaseLease(first.leaseId())));
      assertEquals(0, s.api().get("/api/v2/concurrency_limits/" + name).expect(200).get("active_slots").asInt());
      assertTrue(ok(client.acquireSlots(AcquireSlotsCommand.withLease(List.of(name), 1, 120)
          .heldBy("task_run", UUID.randomUUID()))).acquired());

      String before = s.fingerprint();
      assertEquals(OrchestrationFailure.INVALID_INPUT, typedFailure(client.acquireSlots(
          AcquireSlotsCommand.withLease(List.of(name), 0, 120))));
      assertEquals(OrchestrationFailure.INVALID_INPUT, typedFailure(client.acquireSlots(
          AcquireSlotsCommand.withLease(List.of(name), 2, 120))));
      assertEquals(OrchestrationFailure.INVALID_INPUT, typedFailure(client.acquireSlots(
          AcquireSlotsCommand.withLease(List.of(name), 1, 120).heldBy("nobody", UUID.randomUUID()))));
      assertEquals(before, s.fingerprint());
    }
  }

  @Test
  void jsonMessagesAreTheRestBodiesAndAnswers() throws Exception {
    try (TestServer s = TestServer.start()) {
      String flowName = "json-flow-" + UUID.randomUUID();
      Message<String> flowCreated = ok(json(s, Addresses.FLOW_CREATE, obj("name", flowName)));
      assertEquals("201", status(flowCreated));
      UUID flow = UUID.fromString(parse(flowCreated.body()).get("id").asText());
      assertEquals("200", status(ok(json(s, Addresses.FLOW_CREATE, obj("name", flowName)))));
      // a JsonObject body, as the SockJS / TCP bridges deliver one, is the same message
      Message<String> viaBridge = ok(s.vertx().eventBus().request(Addresses.json(Addresses.FLOW_CREATE),
          new io.vertx.core.json.JsonObject().put("name", flowName),
          new DeliveryOptions().addHeader(Addresses.VERSION_HEADER, Addresses.VERSION)));
      assertEquals("200", status(viaBridge));
      assertEquals(flow.toString(), parse(viaBridge.body()).get("id").asText());
      Message<String> created = ok(json(s, Addresses.FLOW_RUN_CREATE, obj("flow_id", flow.toString(), "name", "json-run")));
      assertEquals("201", status(created));
      assertEquals(Addresses.VERSION, created.headers().get(Addresses.VERSION_HEADER));
      JsonNode run = parse(created.body());
      String runId = run.get("id").asText();
      assertEquals("json-run", run.get("name").asText());
      assertEquals("PENDING", run.get("state").get("type").asText());
      // the same shape as REST's GET
      Message<String> read = ok(json(s, Addresses.FLOW_RUN_READ, null, Addresses.ID_HEADER, runId));
      assertEquals("200", status(read));
      JsonNode viaHttp = s.api().flowRun(UUID.fromString(runId));
      assertEquals(viaHttp.get("state"), parse(read.body()).get("state"));
      assertEquals(viaHttp.get("labels"), parse(read.body()).get("labels"));

      Message<String> running = ok(json(s, Addresses.FLOW_RUN_SET_STATE, obj("state", obj("type", "RUNNING")),
          Addresses.ID_HEADER, runId));
      assertEquals("201", status(running));
      assertEquals("ACCEPT", parse(running.body()).get("status").asText());

      Message<String> task = ok(json(s, Addresses.TASK_RUN_CREATE,
          obj("flow_run_id", runId, "task_key", "json-task", "dynamic_key", "0")));
      assertEquals("201", status(task));
      String taskId = parse(task.body()).get("id").asText();
      assertEquals("200", status(ok(json(s, Addresses.TASK_RUN_CREATE,
          obj("flow_run_id", runId, "task_key", "json-task", "dynamic_key", "0")))));
      for (String t : List.of("RUNNING", "COMPLETED")) {
        assertEquals("201", status(ok(json(s, Addresses.TASK_RUN_SET_STATE, obj("state", obj("type", t)),
            Addresses.ID_HEADER, taskId))));
      }
      assertEquals("COMPLETED", parse(ok(json(s, Addresses.TASK_RUN_READ, null, Addresses.ID_HEADER, taskId)).body())
          .get("state").get("type").asText());
      JsonNode states = parse(ok(json(s, Addresses.TASK_RUN_STATES, null, Addresses.ID_HEADER, taskId)).body());
      assertEquals(3, states.size());
      assertEquals(s.api().get("/api/task_run_states/?task_run_id=" + taskId).expect(200).body(), states);
      assertEquals(2, parse(ok(json(s, Addresses.FLOW_RUN_STATES, null, Addresses.ID_HEADER, runId)).body()).size());

      // concurrency over JSON
      String name = "json-limit-" + UUID.randomUUID();
      s.api().post("/api/v2/concurrency_limits/", obj("name", name, "limit", 1)).expect(201);
      Message<String> lease = ok(json(s, Addresses.CONCURRENCY_ACQUIRE, obj("names", List.of(name), "slots", 1,
          "lease_duration", 120)));
      assertEquals("200", status(lease));
      String leaseId = parse(lease.body()).get("lease_id").asText();
      Message<String> locked = ok(json(s, Addresses.CONCURRENCY_ACQUIRE, obj("names", List.of(name), "slots", 1)));
      assertEquals("423", status(locked));
      assertTrue(Double.parseDouble(locked.headers().get(Addresses.RETRY_AFTER_HEADER)) > 0);
      assertEquals("204", status(ok(json(s, Addresses.CONCURRENCY_RENEW, obj("lease_duration", 300),
          Addresses.ID_HEADER, leaseId))));
      assertEquals("204", status(ok(json(s, Addresses.CONCURRENCY_RELEASE, obj("lease_id", leaseId)))));
      assertEquals(0, s.api().get("/api/v2/concurrency_limits/" + name).expect(200).get("active_slots").asInt());

      // NOT_FOUND
      String unknown = UUID.randomUUID().toString();
      assertEquals(404, jsonFailure(json(s, Addresses.FLOW_RUN_READ, null, Addresses.ID_HEADER, unknown)).failureCode());
      assertEquals(404, jsonFailure(json(s, Addresses.TASK_RUN_READ, null, Addresses.ID_HEADER, unknown)).failureCode());
      assertEquals(404, jsonFailure(json(s, Addresses.TASK_RUN_SET_STATE, obj("state", obj("type", "RUNNING")),
          Addresses.ID_HEADER, unknown)).failureCode());
      assertEquals(404, jsonFailure(json(s, Addresses.CONCURRENCY_RENEW, obj(), Addresses.ID_HEADER, unknown)).failureCode());
      assertEquals(404, jsonFailure(json(s, Addresses.FLOW_RUN_RESUME, obj(), Addresses.ID_HEADER, unknown)).failureCode());
      // resume of a run that is not paused: a result (as over REST), not a failure
      Message<String> resumed = ok(json(s, Addresses.FLOW_RUN_RESUME, obj(), Addresses.ID_HEADER, runId));
      ApiClient.Response restResume = s.api().post("/api/flow_runs/" + runId + "/resume", obj());
      assertEquals(String.valueOf(restResume.status()), status(resumed));
      assertEquals(restResume.body().get("status"), parse(resumed.body()).get("status"));
    }
  }

  @Test
  void badJsonMessagesFailWithTheSameValidationAsHttp() throws Exception {
    try (TestServer s = TestServer.start()) {
      UUID flow = s.api().createFlow();
      String run = s.api().createFlowRun(null).toString();
      String before = s.fingerprint();
      // each: address, REST path, body — the error text is REST's 422 body
      Object[][] cases = {
          {Addresses.FLOW_CREATE, "/api/flows/", obj("name", "")},
          {Addresses.FLOW_CREATE, "/api/flows/", obj("tags", "x")},
          {Addresses.FLOW_RUN_CREATE, "/api/flow_runs/", obj("flow_id", "not-a-uuid")},
          {Addresses.FLOW_RUN_CREATE, "/api/flow_runs/", obj("flow_id", flow.toString(), "unknown_field", 1)},
          {Addresses.TASK_RUN_CREATE, "/api/task_runs/", obj("task_key", "k")},
          {Addresses.FLOW_RUN_SET_STATE, "/api/flow_runs/" + run + "/set_state", obj("state", obj("type", "NOPE"))},
          {Addresses.TASK_RUN_SET_STATE, "/api/task_runs/" + run + "/set_state", obj("force", true)},
          {Addresses.FLOW_RUN_RESUME, "/api/flow_runs/" + run + "/resume", obj("run_input", 5)},
          {Addresses.CONCURRENCY_RENEW, "/api/v2/concurrency_limits/leases/" + run + "/renew", obj("lease_duration", 1)},
          {Addresses.CONCURRENCY_ACQUIRE, "/api/v2/concurrency_limits/increment-with-lease", obj("names", List.of(), "slots", 0)},
          {Addresses.CONCURRENCY_RELEASE, "/api/v2/concurrency_limits/decrement-with-lease", obj("lease_id", 7)},
      };
      for (Object[] c : cases) {
        ApiClient.Response http = s.api().post((String) c[1], c[2]);
        assertEquals(422, http.status(), http.raw());
        ReplyException bus = jsonFailure(json(s, (String) c[0], c[2], Addresses.ID_HEADER, run));
        assertEquals(422, bus.failureCode(), bus.getMessage());
        assertEquals(http.body(), parse(bus.getMessage()), (String) c[0]);
      }
      // not JSON at all
      assertEquals(422, jsonFailure(json(s, Addresses.FLOW_RUN_CREATE, "{nope")).failureCode());
      // no or another format version
      DeliveryOptions noVersion = new DeliveryOptions().setSendTimeout(20_000);
      assertEquals(422, jsonFailure(s.vertx().eventBus().request(Addresses.json(Addresses.FLOW_RUN_CREATE),
          ApiClient.toJson(obj("flow_id", flow.toString())), noVersion)).failureCode());
      assertEquals(422, jsonFailure(s.vertx().eventBus().request(Addresses.json(Addresses.FLOW_RUN_CREATE),
          ApiClient.toJson(obj("flow_id", flow.toString())), new DeliveryOptions().addHeader(Addresses.VERSION_HEADER, "2")))
          .failureCode());
      // missing or malformed id header, non-string body, bad deadline header
      assertEquals(422, jsonFailure(json(s, Addresses.FLOW_RUN_READ, null)).failureCode());
      assertEquals(422, jsonFailure(json(s, Addresses.FLOW_RUN_READ, null, Addresses.ID_HEADER, "x")).failureCode());
      assertEquals(422, jsonFailure(s.vertx().eventBus().request(Addresses.json(Addresses.FLOW_RUN_READ), 42,
          new DeliveryOptions().addHeader(Addresses.VERSION_HEADER, "1").addHeader(Addresses.ID_HEADER, run))).failureCode());
      assertEquals(422, jsonFailure(json(s, Addresses.FLOW_RUN_READ, null, Addresses.ID_HEADER, run,
          Addresses.DEADLINE_HEADER, "soon")).failureCode());
      assertEquals(before, s.fingerprint());
    }
  }

  @Test
  void pastTheBoundPastTheDeadlineOrWhileDrainingEveryAddressIsUnavailable() throws Exception {
    try (TestServer s = TestServer.start(Map.of("BATON_ORCHESTRATION_MAX_IN_FLIGHT", "1",
        "BATON_DB_LOCK_TIMEOUT_MS", "0", "BATON_DB_STATEMENT_TIMEOUT_MS", "10000",
        "BATON_PROPOSAL_DEADLINE_MS", "10000", "BATON_EVENT_BUS_TIMEOUT_MS", "31000",
        "BATON_HTTP_REQUEST_TIMEOUT_MS", "35000"))) {
      OrchestrationClient client = new OrchestrationClient(s.vertx(), 31_000, 10_000);
      UUID flow = s.api().createFlow();
      UUID run = s.api().createFlowRun(null);
      UUID task = s.api().createTaskRun(run, null);
      String name = "bound-limit-" + UUID.randomUUID();
      s.api().post("/api/v2/concurrency_limits/", obj("name", name, "limit", 5)).expect(201);
      UUID lease = ok(client.acquireSlots(AcquireSlotsCommand.withLease(List.of(name), 1, 120))).leaseId();

      // one acquisition waits on the limit's row lock: it holds the only place in flight
      Connection holder = TestDatabase.lockForUpdate("concurrency_limit_v2", "name", name);
      Future<SlotsResult> waiting;
      try {
        waiting = client.acquireSlots(AcquireSlotsCommand.withLease(List.of(name), 1, 120));
        Poll.until(10_000, 20, () -> busInFlight(s) >= 1);
        String before = s.fingerprint();
        assertEquals(OrchestrationFailure.UNAVAILABLE, typedFailure(client.readFlowRun(run)));
        assertEquals(OrchestrationFailure.UNAVAILABLE, typedFailure(client.createTaskRun(TaskRunCreate.of(run, "t", "1", null, null))));
        assertEquals(503, jsonFailure(json(s, Addresses.FLOW_RUN_READ, null, Addresses.ID_HEADER, run.toString())).failureCode());
        assertEquals(503, jsonFailure(json(s, Addresses.FLOW_RUN_CREATE, obj("flow_id", flow.toString()))).failureCode());
        assertEquals(before, s.fingerprint());
      } finally {
        holder.commit();
        holder.close();
      }
      assertTrue(ok(waiting).acquired());

      // a command past its deadline is never started, on every address
      String before = s.fingerprint();
      long past = Deadline.in(-1);
      Map<String, BusCommand> late = new java.util.LinkedHashMap<>();
      late.put(Addresses.FLOW_CREATE, new dev.baton.orchestration.api.CreateFlowCommand(
          new dev.baton.domain.command.FlowCreate("late-flow", List.of(), null), past));
      late.put(Addresses.FLOW_RUN_CREATE, new CreateFlowRunCommand(FlowRunCreate.of(flow, null, null), null, past));
      late.put(Addresses.TASK_RUN_CREATE, new CreateTaskRunCommand(TaskRunCreate.of(run, "late", "0", null, null), past));
      late.put(Addresses.FLOW_RUN_READ, new ReadCommand(run, past));
      late.put(Addresses.TASK_RUN_READ, new ReadCommand(task, past));
      late.put(Addresses.FLOW_RUN_STATES, new ReadCommand(run, past));
      late.put(Addresses.TASK_RUN_STATES, new ReadCommand(task, past));
      late.put(Addresses.CONCURRENCY_ACQUIRE, AcquireSlotsCommand.withLease(List.of(name), 1, 120).withDeadline(past));
      late.put(Addresses.CONCURRENCY_RELEASE, new ReleaseLeaseCommand(lease, past));
      late.put(Addresses.CONCURRENCY_RENEW, new RenewLeaseCommand(lease, 600.0, past));
      for (Map.Entry<String, BusCommand> e : late.entrySet()) {
        assertEquals(OrchestrationFailure.UNAVAILABLE, typedFailure(client.request(e.getKey(), e.getValue())), e.getKey());
        // a JSON caller asks for the same with a deadline of 0 ms
        Object body = e.getKey().equals(Addresses.FLOW_CREATE) ? obj("name", "late-flow")
            : e.getKey().equals(Addresses.FLOW_RUN_CREATE) ? obj("flow_id", flow.toString())
            : e.getKey().equals(Addresses.TASK_RUN_CREATE) ? obj("flow_run_id", run.toString(), "task_key", "late", "dynamic_key", "0")
            : e.getKey().equals(Addresses.CONCURRENCY_ACQUIRE) ? obj("names", List.of(name), "slots", 1)
            : e.getKey().equals(Addresses.CONCURRENCY_RELEASE) ? obj("lease_id", lease.toString())
            : obj();
        String id = e.getKey().equals(Addresses.CONCURRENCY_RENEW) ? lease.toString()
            : e.getKey().startsWith("baton.api.task-run") ? task.toString() : run.toString();
        assertEquals(503, jsonFailure(json(s, e.getKey(), body, Addresses.ID_HEADER, id, Addresses.DEADLINE_HEADER, "0"))
            .failureCode(), e.getKey());
      }
      // set-state and resume as JSON, past their deadline
      assertEquals(503, jsonFailure(json(s, Addresses.TASK_RUN_SET_STATE, obj("state", obj("type", "RUNNING")),
          Addresses.ID_HEADER, task.toString(), Addresses.DEADLINE_HEADER, "0")).failureCode());
      assertEquals(503, jsonFailure(json(s, Addresses.FLOW_RUN_RESUME, obj(), Addresses.ID_HEADER, run.toString(),
          Addresses.DEADLINE_HEADER, "0")).failureCode());
      assertEquals(before, s.fingerprint());

      // while draining, everything is refused
      s.baton().state().startDraining();
      assertEquals(OrchestrationFailure.UNAVAILABLE, typedFailure(client.readTaskRun(task)));
      assertEquals(OrchestrationFailure.UNAVAILABLE, typedFailure(client.releaseLease(lease)));
      assertEquals(503, jsonFailure(json(s, Addresses.TASK_RUN_READ, null, Addresses.ID_HEADER, task.toString())).failureCode());
      assertEquals(before, s.fingerprint());
    }
  }

  /** Proposals and commands in flight, from the Prometheus gauge the server registers. */
  private static double busInFlight(TestServer s) {
    return s.api().metric("baton_orchestration_in_flight").orElse(0);
  }

  /** Maps a raw reply failure as the typed client does. */
  private static final class OrchestrationClientAccess {
    static <T> Future<T> map(Throwable t) {
      if (t instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return Future.failedFuture(new OrchestrationException(OrchestrationFailure.fromCode(re.failureCode()), re.getMessage()));
      }
      return Future.failedFuture(t);
    }
  }
}
