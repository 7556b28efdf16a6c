package dev.baton.http;

import dev.baton.domain.ApiVersion;
import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.filter.Filters;
import dev.baton.http.json.Render;
import dev.baton.http.json.ResumeBodies;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.ResumeCommand;
import dev.baton.orchestration.api.SetStateCommand;
import dev.baton.persistence.FlowRunInputRepository;
import dev.baton.persistence.FlowRunRepository;
import dev.baton.persistence.SqlErrors;
import dev.baton.persistence.filter.FilterSql;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Pausing and resuming around flow runs: {@code POST /flow_runs/{id}/resume} (over the event bus),
 * flow run input, {@code bulk_set_state} and {@code bulk_delete}.
 */
final class PauseRoutes {
  private static final byte[] NULL = "null".getBytes();

  private final OrchestrationClient client;
  private final Pool pool;

  PauseRoutes(OrchestrationClient client, Pool pool) {
    this.client = client;
    this.pool = pool;
  }

  void mount(Router api) {
    api.post("/flow_runs/bulk_set_state").handler(this::bulkSetState);
    api.post("/flow_runs/bulk_delete").handler(this::bulkDelete);
    api.post("/flow_runs/:id/resume").handler(this::resume);
    api.post("/flow_runs/:id/input/filter").handler(this::filterInputs);
    api.post("/flow_runs/:id/input").handler(this::createInput);
    api.get("/flow_runs/:id/input/:key").handler(this::readInput);
    api.delete("/flow_runs/:id/input/:key").handler(this::deleteInput);
  }

  private void resume(RoutingContext ctx) {
    Http.withId(ctx, id -> Http.withBody(ctx, ResumeBodies::resume, req -> {
      ApiVersion v = ctx.get(HttpVerticle.API_VERSION_KEY);
      String clientVersion = ApiHeaders.clientVersion(ctx.request().getHeader("User-Agent"));
      Http.orchestrate(ctx, () -> client.send(new ResumeCommand(id, req.runInput(), v, clientVersion)));
    }));
  }

  /** Each matching run is orchestrated in its own transaction; a failure becomes an ABORT entry. */
  private void bulkSetState(RoutingContext ctx) {
    Http.withBody(ctx, ResumeBodies::bulkSetState, req -> {
      ApiVersion v = ctx.get(HttpVerticle.API_VERSION_KEY);
      String clientVersion = ApiHeaders.clientVersion(ctx.request().getHeader("User-Agent"));
      FilterSql.Where w = FilterSql.flowRuns(query(req.flowRuns()), "flow_run", 1);
      Http.reply(ctx, FlowRunRepository.list(pool, w.sql(), w.params(), "flow_run.id", req.limit(), 0), runs -> {
        List<UUID> ids = runs.stream().map(r -> r.id()).toList();
        List<Future<OrchestrationResult>> results = new ArrayList<>();
        for (UUID runId : ids) {
          results.add(client.send(SetStateCommand.flow(runId, req.state(), req.force(), v, clientVersion))
              .recover(t -> Future.succeededFuture(new OrchestrationResult(null, OrchestrationStatus.ABORT,
                  OrchestrationDetails.abort(t.getMessage()), false))));
        }
        Future.join(results).onComplete(done -> Http.json(ctx, 200, Render.bytes(g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("results");
          for (int i = 0; i < ids.size(); i++) {
            OrchestrationResult r = results.get(i).result();
            Render.bulkEntry(g, ids.get(i), r.state(), r.status(), r.details());
          }
          g.writeEndArray();
          g.writeEndObject();
        })));
      });
    });
  }

  private void bulkDelete(RoutingContext ctx) {
    Http.withBody(ctx, ResumeBodies::bulkDelete, req -> {
      FilterSql.Where w = FilterSql.flowRuns(query(req.flowRuns()), "flow_run", 1);
      Http.reply(ctx, FlowRunRepository.deleteMatching(pool, w.sql(), w.params(), req.limit()), deleted ->
          Http.json(ctx, 200, Render.bytes(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("deleted");
            for (UUID id : deleted) {
              g.writeString(id.toString());
            }
            g.writeEndArray();
            g.writeEndObject();
          })));
    });
  }

  private static Filters.Query query(Filters.FlowRunFilter f) {
    return new Filters.Query(null, f, null, null, null, null);
  }

  // ---- flow run input ----

  private void createInput(RoutingContext ctx) {
    Http.withId(ctx, id -> Http.withBody(ctx, ResumeBodies::inputCreate, req ->
        FlowRunInputRepository.insert(pool, id, req.key(), req.value(), req.sender()).onComplete(ar -> {
          if (ar.succeeded()) {
            Http.json(ctx, 201, NULL);
          } else if (SqlErrors.isUniqueViolation(ar.cause())) {
            Http.detail(ctx, 409, "A flow run input with this key already exists.");
          } else if (SqlErrors.isForeignKeyViolation(ar.cause())) {
            Http.detail(ctx, 404, "Flow run not found");
          } else {
            Http.fail(ctx, ar.cause());
          }
        })));
  }

  private void filterInputs(RoutingContext ctx) {
    Http.withId(ctx, id -> Http.withBody(ctx, ResumeBodies::inputFilter, req ->
        Http.reply(ctx, FlowRunInputRepository.filter(pool, id, req.prefix(), req.excludeKeys(), req.limit()), inputs ->
            Http.json(ctx, 200, Render.bytes(g -> {
              g.writeStartArray();
              for (FlowRunInputRepository.FlowRunInput in : inputs) {
                g.writeStartObject();
                g.writeStringField("id", in.id().toString());
                g.writeStringField("created", dev.baton.http.json.Times.format(in.created()));
                g.writeStringField("updated", dev.baton.http.json.Times.format(in.updated()));
                g.writeStringField("flow_run_id", in.flowRunId().toString());
                g.writeStringField("key", in.key());
                g.writeStringField("value", in.value());
                g.writeStringField("sender", in.sender());
                g.writeEndObject();
              }
              g.writeEndArray();
            })))));
  }

  /** The stored value as {@code text/plain} (the Python client parses it itself). */
  private void readInput(RoutingContext ctx) {
    Http.withId(ctx, id -> Http.reply(ctx, FlowRunInputRepository.get(pool, id, ctx.pathParam("key")), input -> {
      if (input == null) {
        Http.detail(ctx, 404, "Flow run input not found");
      } else {
        ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
            .end(Buffer.buffer(input.value()));
      }
    }));
  }

  private void deleteInput(RoutingContext ctx) {
    Http.withId(ctx, id -> Http.reply(ctx, FlowRunInputRepository.delete(pool, id, ctx.pathParam("key")), deleted -> {
      if (deleted) {
        Http.noContent(ctx);
      } else {
        Http.detail(ctx, 404, "Flow run input not found");
      }
    }));
  }
}
