package dev.baton.http;

import dev.baton.config.BatonConfig;
import dev.baton.domain.ApiVersion;
import dev.baton.domain.FlowRun;
import dev.baton.domain.TaskRun;
import dev.baton.domain.command.FlowRunPatch;
import dev.baton.domain.command.LogCreate;
import dev.baton.wire.Bodies;
import dev.baton.wire.Decoded;
import dev.baton.wire.FilterBodies;
import dev.baton.wire.Render;
import dev.baton.orchestration.api.RunCommands;
import dev.baton.orchestration.api.CreateFlowCommand;
import dev.baton.orchestration.api.CreateFlowRunCommand;
import dev.baton.orchestration.api.CreateTaskRunCommand;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.api.StateHistory;
import dev.baton.service.FlowRuns;
import dev.baton.service.Flows;
import dev.baton.service.Logs;
import dev.baton.service.Page;
import dev.baton.service.TaskRuns;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.function.Supplier;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Everything around the set_state endpoints: flows, flow runs, task runs, state history, logs, and
 * the service endpoints a client touches — thin adapters: decode ({@code http.json}), call a
 * command, render. Creation, reading a run and state history are the {@link RunCommands}
 * the event-bus API serves too; the rest are the {@code dev.baton.service} commands.
 */
public final class ResourceRoutes {
  private static final byte[] TRUE = "true".getBytes();
  private static final byte[] NULL = "null".getBytes();
  private static final String TASK_NOT_FOUND = "Task not found";

  /** {@code PATCH /flows/{id}} body {@code {tags}}: empty when no tags were sent (nothing changes). */
  private static final dev.baton.wire.Model<Optional<List<String>>> FLOW_UPDATE =
      dev.baton.wire.Model.<Optional<List<String>>>forbid("FlowUpdate")
          .opt("tags", dev.baton.wire.Types.STR_LIST, null)
          .build(v -> Optional.ofNullable(v.<List<String>>get("tags")));

  private final RunCommands commands;
  private final Supplier<Instant> clock;
  private final Flows flows;
  private final FlowRuns flowRuns;
  private final TaskRuns taskRuns;
  private final Logs logs;
  private final BatonConfig.Api api;
  private final Readiness readiness;

  /**
   * @param commands the commands the event-bus API shares (create, read a run, state history);
   *     its orchestration service's clock stamps rendered runs
   */
  public ResourceRoutes(RunCommands commands, Supplier<Instant> clock, Flows flows, FlowRuns flowRuns,
      TaskRuns taskRuns, Logs logs, BatonConfig.Api api, Readiness readiness) {
    this.commands = commands;
    this.clock = clock;
    this.flows = flows;
    this.flowRuns = flowRuns;
    this.taskRuns = taskRuns;
    this.logs = logs;
    this.api = api;
    this.readiness = readiness;
  }

  private Instant now() {
    return clock.get();
  }

  /** Mounts every route on the {@code /api} sub-router. */
  public void mount(Router r) {
    // service / handshake
    r.get("/health").handler(ctx -> Http.json(ctx, 200, TRUE));
    r.get("/ready").handler(this::ready);
    r.get("/version").handler(ctx -> Http.json(ctx, 200, "\"0.8.4\"".getBytes()));
    r.get("/admin/version").handler(ctx -> Http.json(ctx, 200, "\"3.8.4\"".getBytes()));
    r.get("/hello").handler(ctx -> Http.json(ctx, 200, "\"\uD83D\uDC4B\"".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    r.get("/csrf-token").handler(ctx -> Http.detail(ctx, 422, "CSRF protection is disabled."));
    collection(r, "/logs", ctx -> Http.withBody(ctx, Bodies::logs,
        body -> Http.reply(ctx, logs.create(toLogs(body)), v -> Http.json(ctx, 201, NULL))));
    r.post("/logs/filter").handler(ctx -> Http.withBody(ctx, b -> FilterBodies.logs(b, api.defaultLimit()),
        q -> Http.reply(ctx, logs.list(q), list -> Http.json(ctx, 200, Render.list(list, Render::log)))));

    // flows
    collection(r, "/flows", ctx -> Http.withBody(ctx, Bodies::flowCreate, body -> Http.reply(ctx,
        commands.createFlow(new CreateFlowCommand(body, Deadline.NONE)), c -> Http.json(ctx, c.created() ? 201 : 200, Render.flow(c.run())))));
    r.post("/flows/filter").handler(ctx -> Http.withBody(ctx, b -> FilterBodies.flows(b, api.defaultLimit(), false),
        q -> Http.reply(ctx, flows.list(q), list -> Http.json(ctx, 200, Render.list(list, Render::flow)))));
    r.post("/flows/paginate").handler(ctx -> Http.withBody(ctx, b -> FilterBodies.flows(b, api.defaultLimit(), true),
        q -> Http.reply(ctx, flows.page(q), (Page<dev.baton.domain.Flow> p) -> Http.json(ctx, 200,
            Render.page(p.items(), p.count(), q.limit(), q.page(), Render::flow)))));
    r.post("/flows/count").handler(ctx -> Http.withBody(ctx, b -> FilterBodies.count(b, FilterBodies.Target.FLOWS),
        q -> Http.reply(ctx, flows.count(q), n -> count(ctx, n))));
    r.get("/flows/name/:name").handler(ctx -> Replies.found(ctx, flows.byName(ctx.pathParam("name")), Flows.NOT_FOUND,
        Render::flow));
    r.get("/flows/:id").handler(ctx -> Http.withId(ctx, id -> Replies.found(ctx, flows.get(id), Flows.NOT_FOUND, Render::flow)));
    r.patch("/flows/:id").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx, FLOW_UPDATE::decodeBody,
        tags -> Replies.noContent(ctx, flows.update(id, tags), Flows.NOT_FOUND))));
    r.delete("/flows/:id").handler(ctx -> Http.withId(ctx, id -> Replies.noContent(ctx, flows.delete(id), Flows.NOT_FOUND)));

    // deployments (what orchestration needs, with their concurrency limits): DeploymentRoutes

    // flow runs
    collection(r, "/flow_runs", ctx -> Http.withBody(ctx, b -> Bodies.flowRunCreate(b, api.maxParameterSize()), body -> {
      ApiVersion v = ctx.get(HttpVerticle.API_VERSION_KEY);
      // an unknown work pool (Baton has none) is the command's NOT_FOUND: 404 {"detail": "Work pool … not found."}
      Replies.reply(ctx, commands.createFlowRun(new CreateFlowRunCommand(body, v, Deadline.NONE)), null,
          c -> Http.json(ctx, c.created() ? 201 : 200, Render.flowRun(c.run(), now())));
    }));
    r.post("/flow_runs/filter").handler(ctx -> listFlowRuns(ctx, false));
    r.post("/flow_runs/paginate").handler(ctx -> listFlowRuns(ctx, true));
    r.post("/flow_runs/count").handler(ctx -> Http.withBody(ctx, b -> FilterBodies.count(b, FilterBodies.Target.FLOW_RUNS),
        q -> Http.reply(ctx, flowRuns.count(q), n -> count(ctx, n))));
    r.get("/flow_runs/:id").handler(ctx -> Http.withId(ctx, id -> Replies.found(ctx, commands.readFlowRun(id), FlowRuns.NOT_FOUND,
        run -> Render.flowRun(run, now()))));
    r.patch("/flow_runs/:id").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx, b -> Bodies.flowRunUpdate(b, api.maxParameterSize()),
        body -> patchFlowRun(ctx, id, body))));
    // an unknown run: 404 {"exception_message": "Flow run with id … not found"}, as Http.fail answers NOT_FOUND
    r.patch("/flow_runs/:id/labels").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx, Bodies::labels,
        body -> Http.reply(ctx, flowRuns.mergeLabels(id, body), v -> Http.noContent(ctx)))));
    r.delete("/flow_runs/:id").handler(ctx -> Http.withId(ctx, id -> Replies.noContent(ctx, flowRuns.delete(id), FlowRuns.NOT_FOUND)));

    // task runs
    collection(r, "/task_runs", ctx -> Http.withBody(ctx, b -> Bodies.taskRunCreate(b, api.maxCacheKeyLength()),
        body -> Http.reply(ctx, commands.createTaskRun(new CreateTaskRunCommand(body)),
            c -> Http.json(ctx, c.created() ? 201 : 200, Render.taskRun(c.run(), now())))));
    r.post("/task_runs/filter").handler(ctx -> listTaskRuns(ctx, false));
    r.post("/task_runs/paginate").handler(ctx -> listTaskRuns(ctx, true));
    r.post("/task_runs/count").handler(ctx -> Http.withBody(ctx, b -> FilterBodies.count(b, FilterBodies.Target.TASK_RUNS),
        q -> Http.reply(ctx, taskRuns.count(q), n -> count(ctx, n))));
    r.get("/task_runs/:id").handler(ctx -> Http.withId(ctx, id -> Replies.found(ctx, commands.readTaskRun(id), TASK_NOT_FOUND,
        run -> Render.taskRun(run, now()))));
    // a null or empty name: a new slug
    r.patch("/task_runs/:id").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx, Bodies::taskRunUpdate,
        body -> Replies.noContent(ctx, taskRuns.update(id, body.hasName(), body.name()), TaskRuns.NOT_FOUND))));
    r.delete("/task_runs/:id").handler(ctx -> Http.withId(ctx, id -> Replies.noContent(ctx, taskRuns.delete(id), TASK_NOT_FOUND)));

    // state history
    r.get("/flow_run_states/:id").handler(ctx -> Http.withId(ctx, id -> Replies.found(ctx, flowRuns.state(id),
        FlowRuns.STATE_NOT_FOUND, Render::state)));
    collectionGet(r, "/flow_run_states", ctx -> withQueryId(ctx, "flow_run_id", id -> Http.reply(ctx, commands.flowRunStates(id),
        h -> history(ctx, h))));
    r.get("/task_run_states/:id").handler(ctx -> Http.withId(ctx, id -> Replies.found(ctx, taskRuns.state(id),
        FlowRuns.STATE_NOT_FOUND, Render::state)));
    collectionGet(r, "/task_run_states", ctx -> withQueryId(ctx, "task_run_id", id -> Http.reply(ctx, commands.taskRunStates(id),
        h -> history(ctx, h))));
  }

  private void listFlowRuns(RoutingContext ctx, boolean paginate) {
    Http.withBody(ctx, b -> FilterBodies.flowRuns(b, api.defaultLimit(), paginate), q -> {
      Instant now = now();
      if (!paginate) {
        Http.reply(ctx, flowRuns.list(q), list -> Http.json(ctx, 200, Render.list(list, (g, run) -> Render.flowRun(g, run, now))));
      } else {
        Http.reply(ctx, flowRuns.page(q), (Page<FlowRun> p) -> Http.json(ctx, 200,
            Render.page(p.items(), p.count(), q.limit(), q.page(), (g, run) -> Render.flowRun(g, run, now))));
      }
    });
  }

  private void listTaskRuns(RoutingContext ctx, boolean paginate) {
    Http.withBody(ctx, b -> FilterBodies.taskRuns(b, api.defaultLimit(), paginate), q -> {
      Instant now = now();
      if (!paginate) {
        Http.reply(ctx, taskRuns.list(q), list -> Http.json(ctx, 200, Render.list(list, (g, run) -> Render.taskRun(g, run, now))));
      } else {
        Http.reply(ctx, taskRuns.page(q), (Page<TaskRun> p) -> Http.json(ctx, 200,
            Render.page(p.items(), p.count(), q.limit(), q.page(), (g, run) -> Render.taskRun(g, run, now))));
      }
    });
  }

  private static void count(RoutingContext ctx, long n) {
    Http.json(ctx, 200, String.valueOf(n).getBytes());
  }

  private static void history(RoutingContext ctx, StateHistory h) {
    Http.json(ctx, 200, Render.list(h.states(), Render::state));
  }

  private static List<LogCreate> toLogs(List<Bodies.LogCreate> logs) {
    return logs.stream().map(l -> new LogCreate(l.name(), l.level(), l.message(), l.timestamp(), l.flowRunId(), l.taskRunId()))
        .toList();
  }

  /**
   * {@code PATCH /flow_runs/{id}}: only present keys are written ({@code "name": null} asks for a
   * new slug). Job variables that cannot change (the command's INVALID_INPUT) answer 400.
   */
  private void patchFlowRun(RoutingContext ctx, UUID id, Bodies.FlowRunUpdate u) {
    FlowRunPatch patch = new FlowRunPatch(
        u.has("name") ? Optional.ofNullable(u.name()) : null,
        u.has("flow_version") ? Optional.ofNullable(u.flowVersion()) : null,
        u.has("parameters") ? Optional.ofNullable(u.parameters()) : null,
        u.has("empirical_policy") ? Optional.ofNullable(u.empiricalPolicy()) : null,
        u.has("tags") ? Optional.ofNullable(u.tags()) : null,
        u.has("infrastructure_pid") ? Optional.ofNullable(u.infrastructurePid()) : null,
        u.has("job_variables") ? Optional.ofNullable(u.jobVariables()) : null);
    flowRuns.patch(id, patch).onComplete(ar -> {
      if (ar.succeeded()) {
        Http.noContent(ctx);
      } else if (Replies.raised(ar.cause(), OrchestrationFailure.NOT_FOUND)) {
        Http.detail(ctx, 404, FlowRuns.NOT_FOUND);
      } else if (Replies.raised(ar.cause(), OrchestrationFailure.INVALID_INPUT)) {
        Http.detail(ctx, 400, ar.cause().getMessage());
      } else {
        Http.fail(ctx, ar.cause());
      }
    });
  }

  /** Readiness: the database answers and the instance is not draining (liveness is /health). */
  private void ready(RoutingContext ctx) {
    readiness.check(ctx.vertx()).onComplete(ar -> {
      Readiness.Status s = ar.succeeded() ? ar.result() : Readiness.Status.DATABASE_UNAVAILABLE;
      switch (s) {
        case READY -> Http.json(ctx, 200, "{\"message\":\"OK\"}".getBytes());
        case DRAINING -> Http.json(ctx, 503, "{\"message\":\"Server is shutting down\"}".getBytes());
        case DATABASE_UNAVAILABLE -> Http.json(ctx, 503, "{\"message\":\"Database is not available\"}".getBytes());
      }
    });
  }

  // ---- small combinators ----

  /** A collection route served with and without the trailing slash. */
  private static void collection(Router r, String path, io.vertx.core.Handler<RoutingContext> post) {
    r.post(path + "/").handler(post);
    r.post(path).handler(post);
  }

  private static void collectionGet(Router r, String path, io.vertx.core.Handler<RoutingContext> get) {
    r.get(path + "/").handler(get);
    r.get(path).handler(get);
  }

  /** A required UUID query parameter; missing or malformed ⇒ 422 in the framework's shape. */
  private static void withQueryId(RoutingContext ctx, String name, Consumer<UUID> then) {
    String raw = ctx.queryParams().get(name);
    Decoded<UUID> id = QueryParams.uuid(name, raw);
    if (!id.isOk()) {
      Http.json(ctx, 422, Http.toBytes(id.errorBody(null)));
      return;
    }
    then.accept(id.value());
  }
}
