package dev.baton.http;

import dev.baton.domain.ApiVersion;
import dev.baton.domain.DeploymentWithLimit;
import dev.baton.domain.command.FlowRunFromDeployment;
import dev.baton.service.Page;
import dev.baton.wire.FilterBodies;
import dev.baton.service.Deployments;
import dev.baton.wire.Bodies;
import dev.baton.wire.DeploymentBodies;
import dev.baton.wire.DeploymentRender;
import dev.baton.wire.Render;
import dev.baton.wire.ScheduleBodies;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Deployments (dispatch.md §1.2–§1.4): create (upsert), read, PATCH, delete, their schedules,
 * pause/resume, manual scheduling, the runner's poll, create_flow_run — adapters over
 * {@link Deployments}. 404 texts are Prefect's, which differ by route ("Deployment not found",
 * "Deployment not found.", "Schedule not found.").
 */
public final class DeploymentRoutes {
  private static final byte[] NULL = "null".getBytes(java.nio.charset.StandardCharsets.UTF_8);
  private final Deployments deployments;
  private final Supplier<Instant> clock;
  private final int defaultLimit;
  private final long maxParameterBytes;

  /**
   * @param clock stamps rendered flow runs
   * @param defaultLimit the filter endpoints' and the runner poll's default and largest limit
   * @param maxParameterBytes the largest flow-run {@code parameters} (0 = unlimited)
   */
  public DeploymentRoutes(Deployments deployments, Supplier<Instant> clock, int defaultLimit, long maxParameterBytes) {
    this.deployments = deployments;
    this.clock = clock;
    this.defaultLimit = defaultLimit;
    this.maxParameterBytes = maxParameterBytes;
  }

  public void mount(Router r) {
    r.post("/deployments/").handler(this::create);
    r.post("/deployments").handler(this::create);
    r.post("/deployments/get_scheduled_flow_runs").handler(ctx -> Http.withBody(ctx,
        b -> DeploymentBodies.scheduledRuns(b, defaultLimit), q -> Http.reply(ctx,
            deployments.scheduledRuns(q.deploymentIds(), q.scheduledBefore(), q.limit()),
            l -> Http.json(ctx, 200, Render.list(l, (g, run) -> Render.flowRun(g, run, clock.get()))))));
    r.post("/deployments/filter").handler(ctx -> Http.withBody(ctx, b -> FilterBodies.deployments(b, defaultLimit, false),
        q -> Http.reply(ctx, deployments.list(q), l -> Http.json(ctx, 200, Render.list(l, DeploymentRoutes::render)))));
    r.post("/deployments/paginate").handler(ctx -> Http.withBody(ctx, b -> FilterBodies.deployments(b, defaultLimit, true),
        q -> Http.reply(ctx, deployments.page(q), (Page<DeploymentWithLimit> p) -> Http.json(ctx, 200,
            Render.page(p.items(), p.count(), q.limit(), q.page(), DeploymentRoutes::render)))));
    r.post("/deployments/count").handler(ctx -> Http.withBody(ctx, b -> FilterBodies.count(b, FilterBodies.Target.DEPLOYMENTS),
        q -> Http.reply(ctx, deployments.count(q), n -> Http.json(ctx, 200, String.valueOf(n).getBytes()))));
    r.get("/deployments/:id").handler(ctx -> Http.withId(ctx, id ->
        Replies.found(ctx, deployments.get(id), Deployments.NOT_FOUND, DeploymentRoutes::render)));
    // run_deployment("flow/deployment") looks the deployment up by name first
    r.get("/deployments/name/:flow/:deployment").handler(ctx -> Replies.found(ctx,
        deployments.byName(ctx.pathParam("flow"), ctx.pathParam("deployment")), Deployments.NOT_FOUND, DeploymentRoutes::render));
    r.patch("/deployments/:id").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx, DeploymentBodies::update,
        u -> Replies.noContent(ctx, deployments.update(id, u.present()), null))));
    r.delete("/deployments/:id").handler(ctx -> Http.withId(ctx, id ->
        Replies.noContent(ctx, deployments.delete(id), Deployments.NOT_FOUND)));
    r.post("/deployments/:id/create_flow_run").handler(ctx -> Http.withId(ctx, id ->
        Http.withBody(ctx, b -> DeploymentBodies.createFlowRun(b, maxParameterBytes), b -> createFlowRun(ctx, id, b))));
    r.post("/deployments/:id/pause_deployment").handler(ctx -> Http.withId(ctx, id ->
        Replies.reply(ctx, deployments.pause(id), Deployments.NOT_FOUND, v -> Http.json(ctx, 200, NULL))));
    r.post("/deployments/:id/resume_deployment").handler(ctx -> Http.withId(ctx, id ->
        Replies.reply(ctx, deployments.resume(id), Deployments.NOT_FOUND, v -> Http.json(ctx, 200, NULL))));
    r.post("/deployments/:id/schedule").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx,
        DeploymentBodies::scheduleRequest, s -> Http.reply(ctx, deployments.schedule(id, s.startTime(), s.endTime(),
            s.minTimeSeconds() == null ? null : Duration.ofNanos(Math.round(s.minTimeSeconds() * 1e9)), s.minRuns(),
            s.maxRuns()), n -> Http.json(ctx, 200, NULL)))));
    r.get("/deployments/:id/schedules").handler(ctx -> Http.withId(ctx, id ->
        Replies.found(ctx, deployments.schedules(id), null, DeploymentRender::schedules)));
    r.post("/deployments/:id/schedules").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx, ScheduleBodies::creates,
        l -> Replies.reply(ctx, deployments.createSchedules(id, l), null,
            created -> Http.json(ctx, 201, DeploymentRender.schedules(created))))));
    r.patch("/deployments/:id/schedules/:sid").handler(ctx -> Http.withId(ctx, id -> withScheduleId(ctx, sid ->
        Http.withBody(ctx, ScheduleBodies::update, u ->
            Replies.noContent(ctx, deployments.updateSchedule(id, sid, u), null)))));
    r.delete("/deployments/:id/schedules/:sid").handler(ctx -> Http.withId(ctx, id -> withScheduleId(ctx, sid ->
        Replies.noContent(ctx, deployments.deleteSchedule(id, sid), null))));
  }

  private static void withScheduleId(RoutingContext ctx, java.util.function.Consumer<UUID> then) {
    UUID sid = Http.pathId(ctx, "sid");
    if (sid != null) {
      then.accept(sid);
    }
  }

  private void create(RoutingContext ctx) {
    Http.withBody(ctx, Bodies::deploymentCreate, body -> Http.reply(ctx, deployments.upsert(body),
        saved -> Http.json(ctx, saved.created() ? 201 : 200, render(saved.deployment()))));
  }

  private void createFlowRun(RoutingContext ctx, UUID deploymentId, DeploymentBodies.FlowRunFromDeployment b) {
    ApiVersion v = ctx.get(HttpVerticle.API_VERSION_KEY);
    FlowRunFromDeployment run = new FlowRunFromDeployment(b.state(), b.name(), b.parameters(), b.tags(), b.idempotencyKey(),
        b.workQueueName(), b.jobVariables(), b.labels(), b.parentTaskRunId(), b.context(), b.empiricalPolicy(),
        b.infrastructureDocumentId());
    Replies.reply(ctx, deployments.createFlowRun(deploymentId, run, v), Deployments.NOT_FOUND,
        c -> Http.json(ctx, c.created() ? 201 : 200, Render.flowRun(c.run(), clock.get())));
  }

  /** One deployment of a list, as {@link #render(DeploymentWithLimit)} writes it. */
  private static void render(com.fasterxml.jackson.core.JsonGenerator g, DeploymentWithLimit w) throws java.io.IOException {
    g.writeRawValue(new String(render(w), java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Prefect's DeploymentResponse: the linked limit as {@code global_concurrency_limit}, {@code concurrency_limit} null. */
  static byte[] render(DeploymentWithLimit w) {
    return DeploymentRender.deployment(w.deployment(), w.limit());
  }
}
