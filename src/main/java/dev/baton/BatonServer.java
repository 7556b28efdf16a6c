package dev.baton;

import dev.baton.config.BatonConfig;
import dev.baton.http.HttpVerticle;
import dev.baton.http.InFlightLimiter;
import dev.baton.http.ResourceRoutes;
import dev.baton.observability.OrchestrationMetrics;
import dev.baton.orchestration.OrchestrationService;
import dev.baton.orchestration.OrchestrationVerticle;
import dev.baton.orchestration.engine.OrchestrationSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * Baton's verticles on one Vert.x instance: the orchestration verticle(s), then the HTTP
 * verticle(s) sharing one port. Used by {@link Main} and by tests (port 0).
 */
public final class BatonServer {
  private final Vertx vertx;
  private final int port;
  private final OrchestrationService service;

  private BatonServer(Vertx vertx, int port, OrchestrationService service) {
    this.vertx = vertx;
    this.port = port;
    this.service = service;
  }

  /** Deploys everything; completes with the server once it listens. */
  public static Future<BatonServer> deploy(Vertx vertx, Pool pool, PrometheusMeterRegistry registry, BatonConfig config) {
    BatonConfig.Api api = config.api();
    OrchestrationSettings settings = new OrchestrationSettings(api.maxCacheKeyLength(),
        OrchestrationSettings.DEFAULTS.tagConcurrencySlotWaitSeconds(),
        OrchestrationSettings.DEFAULTS.deploymentConcurrencySlotWaitSeconds());
    OrchestrationService service = new OrchestrationService(pool, settings,
        new OrchestrationMetrics(registry), Clock.systemUTC());
    int instances = Math.max(1, config.runtime().eventLoops());
    // a generous bound: past it, proposals are answered 503 rather than queued without limit
    InFlightLimiter limiter = new InFlightLimiter(Math.max(1024, 64 * config.db().poolSize()));
    ResourceRoutes resources = new ResourceRoutes(pool, service, api);

    return vertx.deployVerticle(() -> new OrchestrationVerticle(service), new DeploymentOptions().setInstances(instances))
        .compose(id -> {
          HttpVerticle first = new HttpVerticle(new HttpVerticle.Options(config.http().host(), config.http().port(),
              config.http().bodyLimitBytes(), limiter, registry), resources::mount);
          return vertx.deployVerticle(first).map(x -> first.actualPort());
        })
        .compose(port -> {
          if (instances == 1) {
            return Future.succeededFuture(port);
          }
          // further instances share the first one's port (Vert.x balances connections between them)
          HttpVerticle.Options shared = new HttpVerticle.Options(config.http().host(), port,
              config.http().bodyLimitBytes(), limiter, registry);
          return vertx.deployVerticle(() -> new HttpVerticle(shared, resources::mount),
              new DeploymentOptions().setInstances(instances - 1)).map(x -> port);
        })
        .map(port -> new BatonServer(vertx, port, service));
  }

  public int port() {
    return port;
  }

  public OrchestrationService service() {
    return service;
  }

  public Vertx vertx() {
    return vertx;
  }
}
