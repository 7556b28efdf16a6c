package dev.baton.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.ApiVersion;
import dev.baton.domain.StateType;
import dev.baton.domain.command.FlowRunCreate;
import dev.baton.domain.command.StateCreate;
import dev.baton.http.json.Bodies;
import dev.baton.http.json.ConcurrencyRender;
import dev.baton.http.json.DeploymentBodies;
import dev.baton.http.json.Json;
import dev.baton.http.json.Render;
import dev.baton.orchestration.OrchestrationService;
import dev.baton.orchestration.RunCreation;
import dev.baton.persistence.DeploymentConcurrency;
import dev.baton.persistence.DeploymentRepository;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.UUID;

/**
 * Deployments as far as orchestration needs them (spec/api.md §9): create (upsert), read, PATCH,
 * delete, create_flow_run — with {@code concurrency_limit} kept as the v2 limit
 * {@code deployment:<id>} in the same transaction.
 */
public final class DeploymentRoutes {
  private final Pool pool;
  private final OrchestrationService service;
  private final RunCreation creation;

  public DeploymentRoutes(Pool pool, OrchestrationService service) {
    this.pool = pool;
    this.service = service;
    this.creation = new RunCreation(pool, service);
  }

  public void mount(Router r) {
    r.post("/deployments/").handler(this::create);
    r.post("/deployments").handler(this::create);
    r.get("/deployments/:id").handler(ctx -> Http.withId(ctx, id -> read(ctx, id, 200)));
    // run_deployment("flow/deployment") looks the deployment up by name first
    r.get("/deployments/name/:flow/:deployment").handler(ctx -> Http.reply(ctx,
        DeploymentRepository.idByName(pool, ctx.pathParam("flow"), ctx.pathParam("deployment")), id -> {
          if (id == null) {
            Http.detail(ctx, 404, "Deployment not found");
          } else {
            read(ctx, id, 200);
          }
        }));
    r.patch("/deployments/:id").handler(ctx -> Http.withId(ctx, id -> Http.withBody(ctx, DeploymentBodies::update, u -> patch(ctx, id, u))));
    r.delete("/deployments/:id").handler(ctx -> Http.withId(ctx, id -> Http.reply(ctx, pool.withTransaction(c ->
        DeploymentRepository.get(c, id).compose(d -> d == null ? Future.succeededFuture(false)
            : DeploymentConcurrency.sync(c, id, d.concurrencyLimitId(), null)
                .compose(v -> DeploymentRepository.delete(c, id)))),
        deleted -> {
          if (deleted) {
            Http.noContent(ctx);
          } else {
            Http.detail(ctx, 404, "Deployment not found");
          }
        })));
    r.post("/deployments/:id/create_flow_run").handler(ctx -> Http.withId(ctx, id ->
        Http.withBody(ctx, DeploymentBodies::createFlowRun, b -> createFlowRun(ctx, id, b))));
  }

  private void create(RoutingContext ctx) {
    Http.withBody(ctx, Bodies::deploymentCreate, body -> Http.reply(ctx, pool.withTransaction(c ->
            DeploymentRepository.upsert(c, body).compose(up -> DeploymentConcurrency.sync(c, up.value().id(),
                    up.value().concurrencyLimitId(), body.concurrencyLimit())
                .compose(v -> DeploymentConcurrency.get(c, up.value().id()))
                .map(w -> new Object[] {w, up.created()}))),
        res -> Http.json(ctx, (Boolean) res[1] ? 201 : 200, render((DeploymentConcurrency.WithLimit) res[0]))));
  }

  private void read(RoutingContext ctx, UUID id, int status) {
    Http.reply(ctx, DeploymentConcurrency.get(pool, id), w -> {
      if (w == null) {
        Http.detail(ctx, 404, "Deployment not found");
      } else {
        Http.json(ctx, status, render(w));
      }
    });
  }

  private void patch(RoutingContext ctx, UUID id, DeploymentBodies.DeploymentUpdate u) {
    Http.reply(ctx, pool.withTransaction(c -> DeploymentRepository.get(c, id).compose(d -> {
      if (d == null) {
        return Future.succeededFuture(false);
      }
      return DeploymentConcurrency.patch(c, id, u.present())
          .compose(ok -> u.has("concurrency_limit")
              ? DeploymentConcurrency.sync(c, id, d.concurrencyLimitId(), u.get("concurrency_limit"))
              : Future.succeededFuture())
          .map(v -> true);
    })), ok -> {
      if (ok) {
        Http.noContent(ctx);
      } else {
        Http.detail(ctx, 404, "Deployment not found");
      }
    });
  }

  private void createFlowRun(RoutingContext ctx, UUID deploymentId, DeploymentBodies.FlowRunFromDeployment b) {
    ApiVersion v = ctx.get(HttpVerticle.API_VERSION_KEY);
    Http.reply(ctx, DeploymentRepository.get(pool, deploymentId), d -> {
      if (d == null) {
        Http.detail(ctx, 404, "Deployment not found");
        return;
      }
      ObjectNode params = d.parameters() == null ? Json.MAPPER.createObjectNode() : d.parameters().deepCopy();
      if (b.parameters() != null) {
        params.setAll(b.parameters());
      }
      StateCreate state = b.state() != null ? b.state() : StateCreate.of(StateType.SCHEDULED);
      FlowRunCreate create = new FlowRunCreate(d.flowId(), b.name(), state, null, params, Json.MAPPER.createObjectNode(),
          b.parentTaskRunId(), null, dev.baton.domain.FlowRunPolicy.DEFAULT, b.tags() == null ? d.tags() : b.tags(), b.labels(), b.idempotencyKey(),
          null, b.workQueueName() != null ? b.workQueueName() : d.workQueueName(), b.jobVariables(), deploymentId);
      Http.reply(ctx, creation.createFlowRun(create, v),
          c -> Http.json(ctx, c.created() ? 201 : 200, Render.flowRun(c.run(), service.now())));
    });
  }

  /** The deployment as Render writes it, with the linked limit as {@code global_concurrency_limit}. */
  static byte[] render(DeploymentConcurrency.WithLimit w) {
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
