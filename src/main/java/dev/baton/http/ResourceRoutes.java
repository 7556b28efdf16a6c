package dev.baton.http;

import dev.baton.config.BatonConfig;
import dev.baton.domain.ApiVersion;
import dev.baton.domain.FlowRun;
import dev.baton.domain.TaskRun;
import dev.baton.http.json.Bodies;
import dev.baton.http.json.Decoded;
import dev.baton.http.json.FilterBodies;
import dev.baton.http.json.Render;
import dev.baton.orchestration.OrchestrationService;
import dev.baton.persistence.FlowRepository;
import dev.baton.persistence.FlowRunRepository;
import dev.baton.persistence.LogRepository;
import dev.baton.persistence.StateRepository;
import dev.baton.persistence.TaskRunRepository;
import dev.baton.persistence.filter.FilterSql;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Everything around the set_state endpoints: flows, flow runs, task runs, state history,
 * deployments, and the service endpoints a client touches. Reads and plain writes go straight to
 * the repositories; run creation goes through orchestration ({@code RunCreation}, via the
 * {@link dev.baton.orchestration.ApiService} the event-bus API shares).
 */
public final class ResourceRoutes {
  private static final byte[] TRUE = "true".getBytes();
  private static final byte[] NULL = "null".getBytes();

  /** {@code PATCH /flows/{id}} body {@code {tags}}: empty when no tags were sent (nothing changes). */
  private static final dev.baton.http.json.Model<java.util.Optional<List<String>>> FLOW_UPDATE =
      dev.baton.http.json.Model.<java.util.Optional<List<String>>>forbid("FlowUpdate")
          .opt("tags", dev.baton.http.json.Types.STR_LIST.nullable(), null)
          .build(v -> java.util.Optional.ofNullable(v.<List<String>>get("tags")));

  private final Pool pool;
  private final OrchestrationService service;
  private final BatonConfig.Api api;
  private final Readiness readiness;

  private final dev.baton.orchestration.ApiService commands;

  public ResourceRoutes(Pool pool, OrchestrationService service, BatonConfig.Api api, Readiness readiness) {
    this(pool, service, api, readiness, null);
  }

  /** With the service the event-bus API shares (run creation); null: one of its own. */
  public ResourceRoutes(Pool pool, OrchestrationService service, BatonConfig.Api api, Readiness readiness,
      dev.baton.orchestration.ApiService commands) {
    this.pool = pool;
    this.service = service;
    this.api = api;
    this.readiness = readiness;
    this.commands = commands != null ? commands : new dev.baton.orchestration.ApiService(pool, service, null);
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
    collection(r, "/logs", ctx -> Http.withBody(ctx, Bodies::logs, body -> Http.reply(ctx, LogRepository.insertBatch(pool, toEntries(body)), v -> Http.json(ctx, 201, NULL))));
    r.post("/logs/filter").handler(ctx -> Http.withBody(ctx, b -> FilterBodies.logs(b, api.defaultLimit()), q -> {
      FilterSql.Where w = FilterSql.logs(q.filter(), "log", 1);
      Http.reply(ctx, LogRepository.list(pool, w.sql(), w.params(), FilterSql.orderBy(q.sort(), "log"), q.limit(), q.offset()),
          list -> Http.json(ctx, 200, Render.list(list, Render::log)));
    }));

    // flows
    collection(r, "/flows", ctx -> Http.withBody(ctx, Bodies::flowCreate, body -> Http.reply(ctx, FlowRepository.insertOrGet(pool, body),
        c -> Http.json(ctx, c.created() ? 201 : 200, Render.flow(c.value())))));
    r.post("/flows/filter").handler(ctx -> Http.withBody(ctx, b -> FilterBodies.flows(b, api.defaultLimit(), false), q -> {
      FilterSql.Where w = FilterSql.flows(q.filter(), "flow", 1);
      Http.reply(ctx, FlowRepository.list(pool, w.sql(), w.params(), FilterSql.orderBy(q.sort(), "flow"), q.limit(), q.offset()),
          list -> Http.json(ctx, 200, Render.list(list, Render::flow)));
    }));
    r.post("/flows/count").handler(ctx -> Http.withBody(ctx, FilterBodies::count,
        q -> Http.reply(ctx, count(FilterSql.flows(q, "flow", 1), FlowRepository::count), n -> Http.json(ctx, 200, String.valueOf(n).getBytes()))));
    r.get("/flows/name/:name").handler(ctx -> Http.reply(ctx, FlowRepository.getByName(pool, ctx.pathParam("name")),
        f -> found(ctx, f == null ? null : Render.flow(f), "Flow not found")));
    r.get("/flows/:id").handler(ctx -> Http.withId(ctx, id -> Http.reply(ctx, FlowRepository.get(pool, id),
        f -> found(ctx, f == null ? null : Render.flow(f), "Flow not found"))));
    r.patch("/flows/:id").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx, FLOW_UPDATE::decodeBody,
        tags -> Http.reply(ctx, tags.isEmpty() ? FlowRepository.get(pool, id).map(f -> f != null)
            : FlowRepository.patchTags(pool, id, tags.get()), updated -> done(ctx, updated, "Flow not found")))));
    r.delete("/flows/:id").handler(ctx -> Http.withId(ctx, id -> Http.reply(ctx, FlowRepository.delete(pool, id),
        deleted -> done(ctx, deleted, "Flow not found"))));

    // deployments (what orchestration needs, with their concurrency limits): DeploymentRoutes

    // flow runs
    collection(r, "/flow_runs", ctx -> Http.withBody(ctx, b -> Bodies.flowRunCreate(b, api.maxParameterSize()), body -> {
      if (body.workPoolName() != null) {
        // Baton has no work pools: any named pool is unknown
        Http.detail(ctx, 404, "Work pool \"" + body.workPoolName() + "\" not found.");
        return;
      }
      ApiVersion v = ctx.get(HttpVerticle.API_VERSION_KEY);
      Http.reply(ctx, commands.createFlowRun(new dev.baton.orchestration.api.CreateFlowRunCommand(body, v,
          dev.baton.orchestration.api.Deadline.NONE)), c -> Http.json(ctx, c.created() ? 201 : 200, Render.flowRun(c.run(), service.now())));
    }));
    r.post("/flow_runs/filter").handler(ctx -> listFlowRuns(ctx, false));
    r.post("/flow_runs/paginate").handler(ctx -> listFlowRuns(ctx, true));
    r.post("/flow_runs/count").handler(ctx -> Http.withBody(ctx, FilterBodies::count,
        q -> Http.reply(ctx, count(FilterSql.flowRuns(q, "flow_run", 1), FlowRunRepository::count), n -> Http.json(ctx, 200, String.valueOf(n).getBytes()))));
    r.get("/flow_runs/:id").handler(ctx -> Http.withId(ctx, id -> Http.reply(ctx, FlowRunRepository.get(pool, id),
        run -> found(ctx, run == null ? null : Render.flowRun(run, service.now()), "Flow run not found"))));
    r.patch("/flow_runs/:id").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx, b -> Bodies.flowRunUpdate(b, api.maxParameterSize()),
        body -> patchFlowRun(ctx, id, body))));
    r.patch("/flow_runs/:id/labels").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx, Bodies::labels,
        body -> Http.reply(ctx, FlowRunRepository.mergeLabels(pool, id, body), updated -> {
          if (updated) {
            Http.noContent(ctx);
          } else {
            Http.exceptionMessage(ctx, 404, "Flow run with id " + id + " not found");
          }
        }))));
    r.delete("/flow_runs/:id").handler(ctx -> Http.withId(ctx, id -> Http.reply(ctx, FlowRunRepository.delete(pool, id),
        deleted -> done(ctx, deleted, "Flow run not found"))));

    // task runs
    collection(r, "/task_runs", ctx -> Http.withBody(ctx, b -> Bodies.taskRunCreate(b, api.maxCacheKeyLength()),
        body -> Http.reply(ctx, commands.createTaskRun(new dev.baton.orchestration.api.CreateTaskRunCommand(body)),
            c -> Http.json(ctx, c.created() ? 201 : 200, Render.taskRun(c.run(), service.now())))));
    r.post("/task_runs/filter").handler(ctx -> listTaskRuns(ctx, false));
    r.post("/task_runs/paginate").handler(ctx -> listTaskRuns(ctx, true));
    r.post("/task_runs/count").handler(ctx -> Http.withBody(ctx, FilterBodies::count,
        q -> Http.reply(ctx, count(FilterSql.taskRuns(q, "task_run", 1), TaskRunRepository::count), n -> Http.json(ctx, 200, String.valueOf(n).getBytes()))));
    r.get("/task_runs/:id").handler(ctx -> Http.withId(ctx, id -> Http.reply(ctx, TaskRunRepository.get(pool, id),
        run -> found(ctx, run == null ? null : Render.taskRun(run, service.now()), "Task not found"))));
    r.patch("/task_runs/:id").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx, Bodies::taskRunUpdate, body -> {
      if (body.hasName() && body.name() == null) {
        // a task run always has a name: Prefect's update fails on the NOT NULL column (409)
        Http.reply(ctx, TaskRunRepository.get(pool, id), t -> {
          if (t == null) {
            Http.detail(ctx, 404, "Task run not found");
          } else {
            Http.detail(ctx, 409, "Data integrity conflict. This usually means a unique or foreign key constraint "
                + "was violated. See server logs for details.");
          }
        });
        return;
      }
      Http.reply(ctx, body.hasName() ? TaskRunRepository.rename(pool, id, body.name()) : TaskRunRepository.get(pool, id).map(t -> t != null),
          updated -> done(ctx, updated, "Task run not found"));
    })));
    r.delete("/task_runs/:id").handler(ctx -> Http.withId(ctx, id -> Http.reply(ctx, TaskRunRepository.delete(pool, id),
        deleted -> done(ctx, deleted, "Task not found"))));

    // state history
    r.get("/flow_run_states/:id").handler(ctx -> Http.withId(ctx, id -> Http.reply(ctx, StateRepository.flowRunState(pool, id),
        s -> found(ctx, s == null ? null : Render.state(s), "Flow run state not found"))));
    collectionGet(r, "/flow_run_states", ctx -> withQueryId(ctx, "flow_run_id", id -> Http.reply(ctx, StateRepository.flowRunStates(pool, id),
        list -> Http.json(ctx, 200, Render.list(list, Render::state)))));
    r.get("/task_run_states/:id").handler(ctx -> Http.withId(ctx, id -> Http.reply(ctx, StateRepository.taskRunState(pool, id),
        s -> found(ctx, s == null ? null : Render.state(s), "Flow run state not found"))));
    collectionGet(r, "/task_run_states", ctx -> withQueryId(ctx, "task_run_id", id -> Http.reply(ctx, StateRepository.taskRunStates(pool, id),
        list -> Http.json(ctx, 200, Render.list(list, Render::state)))));
  }

  private void listFlowRuns(RoutingContext ctx, boolean paginate) {
    Http.withBody(ctx, b -> FilterBodies.flowRuns(b, api.defaultLimit(), paginate), q -> {
      FilterSql.Where w = FilterSql.flowRuns(q.filter(), "flow_run", 1);
      Future<List<FlowRun>> page = FlowRunRepository.list(pool, w.sql(), w.params(), FilterSql.orderBy(q.sort(), "flow_run"), q.limit(), q.offset());
      Instant now = service.now();
      if (!paginate) {
        Http.reply(ctx, page, list -> Http.json(ctx, 200, Render.list(list, (g, run) -> Render.flowRun(g, run, now))));
      } else {
        Http.reply(ctx, Future.all(page, FlowRunRepository.count(pool, w.sql(), w.params())), all -> Http.json(ctx, 200,
            Render.page(all.<List<FlowRun>>resultAt(0), all.<Long>resultAt(1), q.limit(), q.page(), (g, run) -> Render.flowRun(g, run, now))));
      }
    });
  }

  private void listTaskRuns(RoutingContext ctx, boolean paginate) {
    Http.withBody(ctx, b -> FilterBodies.taskRuns(b, api.defaultLimit(), paginate), q -> {
      FilterSql.Where w = FilterSql.taskRuns(q.filter(), "task_run", 1);
      Future<List<TaskRun>> page = TaskRunRepository.list(pool, w.sql(), w.params(), FilterSql.orderBy(q.sort(), "task_run"), q.limit(), q.offset());
      Instant now = service.now();
      if (!paginate) {
        Http.reply(ctx, page, list -> Http.json(ctx, 200, Render.list(list, (g, run) -> Render.taskRun(g, run, now))));
      } else {
        Http.reply(ctx, Future.all(page, TaskRunRepository.count(pool, w.sql(), w.params())), all -> Http.json(ctx, 200,
            Render.page(all.<List<TaskRun>>resultAt(0), all.<Long>resultAt(1), q.limit(), q.page(), (g, run) -> Render.taskRun(g, run, now))));
      }
    });
  }

  /** Counts with a filter fragment: {@code (pool, where, params) -> count}. */
  private interface Counter {
    Future<Long> count(io.vertx.sqlclient.SqlClient c, String where, List<Object> params);
  }

  private Future<Long> count(FilterSql.Where w, Counter counter) {
    return counter.count(pool, w.sql(), w.params());
  }

  private static List<LogRepository.LogEntry> toEntries(List<Bodies.LogCreate> logs) {
    return logs.stream().map(l -> new LogRepository.LogEntry(l.name(), l.level(), l.message(), l.timestamp(),
        l.flowRunId(), l.taskRunId())).toList();
  }

  /**
   * {@code PATCH /flow_runs/{id}}: only present keys are written; an explicit {@code "name": null}
   * becomes a new slug (Prefect's behaviour). Changing {@code job_variables} needs a SCHEDULED run
   * of a deployment.
   */
  private void patchFlowRun(RoutingContext ctx, UUID id, Bodies.FlowRunUpdate u) {
    FlowRunRepository.FlowRunPatch patch = new FlowRunRepository.FlowRunPatch(
        u.has("name") ? java.util.Optional.of(u.name() == null ? dev.baton.domain.Names.slug() : u.name()) : null,
        u.has("flow_version") ? java.util.Optional.ofNullable(u.flowVersion()) : null,
        u.has("parameters") ? java.util.Optional.ofNullable(u.parameters()) : null,
        u.has("empirical_policy") ? java.util.Optional.ofNullable(u.empiricalPolicy()) : null,
        u.has("tags") ? java.util.Optional.ofNullable(u.tags()) : null,
        u.has("infrastructure_pid") ? java.util.Optional.ofNullable(u.infrastructurePid()) : null,
        u.has("job_variables") ? java.util.Optional.ofNullable(u.jobVariables()) : null);
    if (!u.has("job_variables")) {
      Http.reply(ctx, FlowRunRepository.patch(pool, id, patch), updated -> done(ctx, updated, "Flow run not found"));
      return;
    }
    Http.reply(ctx, FlowRunRepository.get(pool, id), run -> {
      if (run == null) {
        Http.detail(ctx, 404, "Flow run not found");
      } else if (run.stateType() == null) {
        Http.detail(ctx, 400, "Flow run state is required to update job variables but none exists");
      } else if (run.stateType() != dev.baton.domain.StateType.SCHEDULED) {
        Http.detail(ctx, 400, "Job variables for a flow run in state " + run.stateType() + " cannot be updated");
      } else if (run.deploymentId() == null) {
        Http.detail(ctx, 400, "A deployment for the flow run could not be found");
      } else {
        Http.reply(ctx, FlowRunRepository.patch(pool, id, patch), updated -> done(ctx, updated, "Flow run not found"));
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

  private static void found(RoutingContext ctx, byte[] body, String notFound) {
    if (body == null) {
      Http.detail(ctx, 404, notFound);
    } else {
      Http.json(ctx, 200, body);
    }
  }

  private static void done(RoutingContext ctx, boolean ok, String notFound) {
    if (ok) {
      Http.noContent(ctx);
    } else {
      Http.detail(ctx, 404, notFound);
    }
  }
}
