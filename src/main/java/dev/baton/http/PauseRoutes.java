package dev.baton.http;

import dev.baton.domain.ApiVersion;
import dev.baton.domain.FlowRunInput;
import dev.baton.wire.Render;
import dev.baton.wire.ResumeBodies;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.ResumeCommand;
import dev.baton.service.BulkSetState;
import dev.baton.service.FlowRunInputs;
import dev.baton.service.FlowRuns;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * Pausing and resuming around flow runs: {@code POST /flow_runs/{id}/resume} (over the event bus),
 * flow run input, {@code bulk_set_state} and {@code bulk_delete}.
 */
final class PauseRoutes {
  private static final byte[] NULL = "null".getBytes();

  private final OrchestrationClient client;
  private final FlowRuns flowRuns;
  private final BulkSetState bulk;
  private final FlowRunInputs inputs;

  PauseRoutes(OrchestrationClient client, FlowRuns flowRuns, BulkSetState bulk, FlowRunInputs inputs) {
    this.client = client;
    this.flowRuns = flowRuns;
    this.bulk = bulk;
    this.inputs = inputs;
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
      Http.reply(ctx, bulk.propose(req.flowRuns(), req.limit(), req.state(), req.force(), v, clientVersion),
          entries -> Http.json(ctx, 200, Render.bytes(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("results");
            for (BulkSetState.Entry e : entries) {
              OrchestrationResult r = e.result();
              Render.bulkEntry(g, e.flowRunId(), r.state(), r.status(), r.details());
            }
            g.writeEndArray();
            g.writeEndObject();
          })));
    });
  }

  private void bulkDelete(RoutingContext ctx) {
    Http.withBody(ctx, ResumeBodies::bulkDelete, req ->
      Http.reply(ctx, flowRuns.deleteMatching(req.flowRuns(), req.limit()), deleted ->
          Http.json(ctx, 200, Render.bytes(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("deleted");
            for (UUID id : deleted) {
              g.writeString(id.toString());
            }
            g.writeEndArray();
            g.writeEndObject();
          }))));
  }

  // ---- flow run input ----

  /** A taken key: 409 (the command's CONFLICT, as Http.fail answers it); an unknown run: 404 "Flow run not found". */
  private void createInput(RoutingContext ctx) {
    Http.withId(ctx, id -> Http.withBody(ctx, ResumeBodies::inputCreate, req ->
        Replies.reply(ctx, inputs.create(id, req.key(), req.value(), req.sender()), null, v -> Http.json(ctx, 201, NULL))));
  }

  private void filterInputs(RoutingContext ctx) {
    Http.withId(ctx, id -> Http.withBody(ctx, ResumeBodies::inputFilter, req ->
        Http.reply(ctx, inputs.filter(id, req.prefix(), req.excludeKeys(), req.limit()), list ->
            Http.json(ctx, 200, Render.bytes(g -> {
              g.writeStartArray();
              for (FlowRunInput in : list) {
                g.writeStartObject();
                g.writeStringField("id", in.id().toString());
                g.writeStringField("created", dev.baton.wire.Times.format(in.created()));
                g.writeStringField("updated", dev.baton.wire.Times.format(in.updated()));
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
    Http.withId(ctx, id -> Replies.reply(ctx, inputs.get(id, ctx.pathParam("key")), FlowRunInputs.NOT_FOUND, input ->
        ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
            .end(Buffer.buffer(input.value()))));
  }

  private void deleteInput(RoutingContext ctx) {
    Http.withId(ctx, id -> Replies.noContent(ctx, inputs.delete(id, ctx.pathParam("key")), FlowRunInputs.NOT_FOUND));
  }
}
