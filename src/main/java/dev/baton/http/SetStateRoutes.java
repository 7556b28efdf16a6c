package dev.baton.http;

import dev.baton.http.json.Bodies;
import dev.baton.http.json.Render;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.SetStateCommand;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * The headline endpoints: {@code POST /api/task_runs/{id}/set_state} and
 * {@code POST /api/flow_runs/{id}/set_state}. Decode, validate, send the typed command over the
 * event bus, map the result to 201 (a state was written) or 200.
 */
final class SetStateRoutes {
  private final OrchestrationClient client;
  private final InFlightLimiter limiter;

  SetStateRoutes(OrchestrationClient client, InFlightLimiter limiter) {
    this.client = client;
    this.limiter = limiter;
  }

  void mount(Router api) {
    api.post("/task_runs/:id/set_state").handler(ctx -> setState(ctx, false));
    api.post("/flow_runs/:id/set_state").handler(ctx -> setState(ctx, true));
  }

  private void setState(RoutingContext ctx, boolean flow) {
    UUID id = Http.pathId(ctx, "id");
    if (id == null) {
      return;
    }
    Http.Parsed body = Http.body(ctx);
    if (body == null) {
      return;
    }
    Bodies.SetState req = Http.decoded(ctx, Bodies.setState(body.node()), body.node());
    if (req == null) {
      return;
    }
    SetStateCommand cmd = flow
        ? SetStateCommand.flow(id, req.state(), req.force(), ctx.get(HttpVerticle.API_VERSION_KEY),
            ApiHeaders.clientVersion(ctx.request().getHeader("User-Agent")))
        : SetStateCommand.task(id, req.state(), req.force());
    if (!limiter.tryAcquire()) {
      ctx.response().putHeader("Retry-After", "1");
      Http.exceptionMessage(ctx, 503, "Service Unavailable");
      return;
    }
    client.send(cmd).onComplete(ar -> {
      limiter.release();
      if (ar.succeeded()) {
        OrchestrationResult r = ar.result();
        if (r.details() != null && r.details().retryAfter() != null) {
          // WAIT for a concurrency slot: when to retry, in whole seconds (RFC 9110 delay-seconds)
          ctx.response().putHeader("Retry-After", String.valueOf((long) Math.max(1, Math.ceil(r.details().retryAfter()))));
        }
        Http.json(ctx, r.stateWritten() ? 201 : 200, Render.orchestrationResult(r.state(), r.status(), r.details()));
      } else {
        Http.fail(ctx, ar.cause());
      }
    });
  }

}
