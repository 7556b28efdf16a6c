package dev.baton.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.ApiVersion;
import dev.baton.domain.DeploymentWithLimit;
import dev.baton.domain.command.FlowRunFromDeployment;
import dev.baton.wire.Bodies;
import dev.baton.wire.ConcurrencyRender;
import dev.baton.wire.DeploymentBodies;
import dev.baton.wire.FilterBodies;
import dev.baton.service.Page;
import dev.baton.wire.Json;
import dev.baton.wire.Render;
import dev.baton.service.Deployments;
import io.vertx.ext.web.Router;
import java.time.Instant;
import java.util.function.Supplier;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * Deployments as far as orchestration needs them (spec/api.md §9): create (upsert), read, PATCH,
 * delete, create_flow_run — adapters over {@link Deployments}, which keeps {@code concurrency_limit}
 * as the v2 limit {@code deployment:<id>} in the same transaction.
 */
public final class DeploymentRoutes {
  private final Deployments deployments;
  private final Supplier<Instant> clock;

  private final int defaultLimit;
  private final long maxParameterBytes;

  /**
   * @param clock stamps rendered flow runs
   * @param defaultLimit the filter endpoints' default and largest limit
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
        u -> Replies.noContent(ctx, deployments.update(id, u.present()), Deployments.NOT_FOUND))));
    r.delete("/deployments/:id").handler(ctx -> Http.withId(ctx, id ->
        Replies.noContent(ctx, deployments.delete(id), Deployments.NOT_FOUND)));
    r.post("/deployments/:id/create_flow_run").handler(ctx -> Http.withId(ctx, id ->
        Http.withBody(ctx, b -> DeploymentBodies.createFlowRun(b, maxParameterBytes), b -> createFlowRun(ctx, id, b))));
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

  /** The deployment as Render writes it, with the linked limit as {@code global_concurrency_limit}. */
  static byte[] render(DeploymentWithLimit w) {
    byte[] base = Render.deployment(w.deployment());
    if (w.limit() == null) {
      return base;
    }
    try {
      ObjectNode o = (ObjectNode) Json.MAPPER.readTree(base);
      o.put("concurrency_limit", w.limit().limit());
      o.set("global_concurrency_limit", Json.MAPPER.readTree(Render.bytes(g -> ConcurrencyRender.v2(g, w.limit()))));
      return Json.MAPPER.writeValueAsBytes(o);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
