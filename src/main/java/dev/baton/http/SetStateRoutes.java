package dev.baton.http;

import dev.baton.wire.Bodies;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.orchestration.api.SetStateCommand;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The headline endpoints: {@code POST /api/task_runs/{id}/set_state} and
 * {@code POST /api/flow_runs/{id}/set_state}. Decode (a valid body straight from its bytes,
 * {@link Bodies#setStateFast}; anything else through the tree and its 422s), validate, send the typed command over the
 * event bus, map the result to 201 (a state was written) or 200.
 */
final class SetStateRoutes {
  private final OrchestrationClient client;

  SetStateRoutes(OrchestrationClient client) {
    this.client = client;
  }

  void mount(Router api) {
    api.post("/task_runs/:id/set_state").handler(ctx -> setState(ctx, false));
    api.post("/flow_runs/:id/set_state").handler(ctx -> setState(ctx, true));
  }

  private void setState(RoutingContext ctx, boolean flow) {
    Http.withId(ctx, id -> Http.withBody(ctx, Bodies::setStateFast, Bodies::setState, req -> {
      SetStateCommand cmd = flow
          ? SetStateCommand.flow(id, req.state(), req.force(), ctx.get(HttpVerticle.API_VERSION_KEY),
              ApiHeaders.clientVersion(ctx.request().getHeader("User-Agent")))
          : SetStateCommand.task(id, req.state(), req.force());
      Http.orchestrate(ctx, () -> client.send(cmd));
    }));
  }
}
