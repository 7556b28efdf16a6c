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
  private final InFlightLimiter limiter;

  PauseRoutes(OrchestrationClient client, Pool pool, InFlightLimiter limiter) {
    this.client = client;
    this.pool = pool;
    this.limiter = limiter;
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
    UUID id = Http.pathId(ctx, "id");
    if (id == null) {
      return;
    }
    Http.Parsed body = Http.body(ctx);
    if (body == null) {
      return;
    }
    ResumeBodies.Resume req = Http.decoded(ctx, ResumeBodies.resume(body.node()), body.node());
    if (req == null) {
      return;
    }
    if (!limiter.tryAcquire()) {
      ctx.response().putHeader("Retry-After", "1");
      Http.exceptionMessage(ctx, 503, "Service Unavailable");
      return;
    }
    ApiVersion v = ctx.get(HttpVerticle.API_VERSION_KEY);
    client.send(new ResumeCommand(id, req.runInput(), v, ApiHeaders.clientVersion(ctx.request().getHeader("User-Agent"))))
        .onComplete(ar -> {
          limiter.release();
          if (ar.succeeded()) {
            OrchestrationResult r = ar.result();
            Http.json(ctx, r.stateWritten() ? 201 : 200, Render.orchestrationResult(r.state(), r.status(), r.details()));
          } else {
            Http.fail(ctx, ar.cause());
          }
        });
  }

  /** Each matching run is orchestrated in its own transaction; a failure becomes an ABORT entry. */
  private void bulkSetState(RoutingContext ctx) {
    Http.Parsed body = Http.body(ctx);
    if (body == null) {
      return;
    }
    ResumeBodies.BulkSetState req = Http.decoded(ctx, ResumeBodies.bulkSetState(body.node()), body.node());
    if (req == null) {
      return;
    }
    ApiVersion v = ctx.get(HttpVerticle.API_VERSION_KEY);
    String clientVersion = ApiHeaders.clientVersion(ctx.request().getHeader("User-Agent"));
    FilterSql.Where w = FilterSql.flowRuns(query(req.flowRuns()), "flow_run", 1);
    FlowRunRepository.list(pool, w.sql(), w.params(), "flow_run.id", req.limit(), 0).onComplete(listed -> {
      if (listed.failed()) {
        Http.fail(ctx, listed.cause());
        return;
      }
      List<UUID> ids = listed.result().stream().map(r -> r.id()).toList();
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
  }

  private void bulkDelete(RoutingContext ctx) {
    Http.Parsed body = Http.body(ctx);
    if (body == null) {
      return;
    }
    ResumeBodies.BulkDelete req = Http.decoded(ctx, ResumeBodies.bulkDelete(body.node()), body.node());
    if (req == null) {
      return;
    }
    FilterSql.Where w = FilterSql.flowRuns(query(req.flowRuns()), "flow_run", 1);
    FlowRunRepository.deleteMatching(pool, w.sql(), w.params(), req.limit()).onComplete(ar -> {
      if (ar.failed()) {
        Http.fail(ctx, ar.cause());
        return;
      }
      Http.json(ctx, 200, Render.bytes(g -> {
        g.writeStartObject();
        g.writeArrayFieldStart("deleted");
        for (UUID id : ar.result()) {
          g.writeString(id.toString());
        }
        g.writeEndArray();
        g.writeEndObject();
      }));
    });
  }

  private static Filters.Query query(Filters.FlowRunFilter f) {
    return new Filters.Query(null, f, null, null, null, null);
  }

  // ---- flow run input ----

  private void createInput(RoutingContext ctx) {
    UUID id = Http.pathId(ctx, "id");
    if (id == null) {
      return;
    }
    Http.Parsed body = Http.body(ctx);
    if (body == null) {
      return;
    }
    ResumeBodies.InputCreate req = Http.decoded(ctx, ResumeBodies.inputCreate(body.node()), body.node());
    if (req == null) {
      return;
    }
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
    });
  }

  private void filterInputs(RoutingContext ctx) {
    UUID id = Http.pathId(ctx, "id");
    if (id == null) {
      return;
    }
    Http.Parsed body = Http.body(ctx);
    if (body == null) {
      return;
    }
    ResumeBodies.InputFilter req = Http.decoded(ctx, ResumeBodies.inputFilter(body.node()), body.node());
    if (req == null) {
      return;
    }
    FlowRunInputRepository.filter(pool, id, req.prefix(), req.excludeKeys(), req.limit()).onComplete(ar -> {
      if (ar.failed()) {
        Http.fail(ctx, ar.cause());
        return;
      }
      Http.json(ctx, 200, Render.bytes(g -> {
        g.writeStartArray();
        for (FlowRunInputRepository.FlowRunInput in : ar.result()) {
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
      }));
    });
  }

  /** The stored value as {@code text/plain} (the Python client parses it itself). */
  private void readInput(RoutingContext ctx) {
    UUID id = Http.pathId(ctx, "id");
    if (id == null) {
      return;
    }
    FlowRunInputRepository.get(pool, id, ctx.pathParam("key")).onComplete(ar -> {
      if (ar.failed()) {
        Http.fail(ctx, ar.cause());
      } else if (ar.result() == null) {
        Http.detail(ctx, 404, "Flow run input not found");
      } else {
        ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
            .end(Buffer.buffer(ar.result().value()));
      }
    });
  }

  private void deleteInput(RoutingContext ctx) {
    UUID id = Http.pathId(ctx, "id");
    if (id == null) {
      return;
    }
    FlowRunInputRepository.delete(pool, id, ctx.pathParam("key")).onComplete(ar -> {
      if (ar.failed()) {
        Http.fail(ctx, ar.cause());
      } else if (ar.result()) {
        Http.noContent(ctx);
      } else {
        Http.detail(ctx, 404, "Flow run input not found");
      }
    });
  }
}
