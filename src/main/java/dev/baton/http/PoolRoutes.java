package dev.baton.http;

import dev.baton.orchestration.api.OrchestrationClient;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.util.function.BiConsumer;

/**
 * TRANSITIONAL (issue 12): the routes still built on the database pool — pause/resume, variables,
 * resources (flows, runs, states, logs, …) and deployments — as one mounting step for
 * {@link HttpVerticle}, so that the verticle itself gets no pool. Once those routes take services
 * from {@link dev.baton.service.Services}, HttpVerticle builds them from it and this class goes
 * (it is on {@code PackageDependenciesTest}'s allow-list until then).
 */
public final class PoolRoutes {
  private PoolRoutes() {}

  /** Mounts, in this order: pause/resume, variables, {@code resources}, {@code deployments}. */
  public static BiConsumer<Router, OrchestrationClient> of(Pool pool, ResourceRoutes resources,
      DeploymentRoutes deployments) {
    return (router, client) -> {
      new PauseRoutes(client, pool).mount(router);
      new VariableRoutes(pool).mount(router);
      resources.mount(router);
      deployments.mount(router);
    };
  }
}
