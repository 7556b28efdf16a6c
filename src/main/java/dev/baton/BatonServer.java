package dev.baton;

import dev.baton.concurrency.LeaseReaperVerticle;
import dev.baton.config.BatonConfig;
import dev.baton.http.ConcurrencyRoutes;
import dev.baton.http.DeploymentRoutes;
import dev.baton.http.HttpVerticle;
import dev.baton.http.InFlightLimiter;
import dev.baton.http.ResourceRoutes;
import dev.baton.observability.OrchestrationMetrics;
import dev.baton.orchestration.OrchestrationService;
import dev.baton.orchestration.OrchestrationVerticle;
import dev.baton.orchestration.ScheduledServicesVerticle;
import dev.baton.orchestration.engine.OrchestrationSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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
    BatonConfig.Concurrency cc = config.concurrency();
    OrchestrationSettings settings = new OrchestrationSettings(api.maxCacheKeyLength(), cc.tagSlotWaitSeconds(),
        cc.deploymentSlotWaitSeconds(), cc.deploymentLeaseSeconds(), cc.taskLeaseSeconds(), cc.maxSlotWaitSeconds());
    OrchestrationService service = new OrchestrationService(pool, settings,
        new OrchestrationMetrics(registry), Clock.systemUTC());
    int instances = Math.max(1, config.runtime().eventLoops());
    // a generous bound: past it, proposals are answered 503 rather than queued without limit
    InFlightLimiter limiter = new InFlightLimiter(Math.max(1024, 64 * config.db().poolSize()));
    ResourceRoutes resources = new ResourceRoutes(pool, service, api);
    DeploymentRoutes deployments = new DeploymentRoutes(pool, service);
    ConcurrencyRoutes concurrency = new ConcurrencyRoutes(pool, settings, api.defaultLimit());
    java.util.function.Consumer<io.vertx.ext.web.Router> routes = r -> {
      resources.mount(r);
      deployments.mount(r);
      concurrency.mount(r);
    };

    return vertx.deployVerticle(() -> new OrchestrationVerticle(service, config.db().groupSize(), config.db().groupsInFlight()),
            new DeploymentOptions().setInstances(config.runtime().orchestrationVerticles()))
        .compose(id -> vertx.deployVerticle(new ScheduledServicesVerticle(service, pool, config.services())))
        .compose(id -> {
          // all instances in one deployment: with port 0 they share one random port
          HttpVerticle.Options http = new HttpVerticle.Options(config.http().host(), config.http().port(),
              config.http().bodyLimitBytes(), limiter, registry, pool, config.security());
          List<HttpVerticle> created = new CopyOnWriteArrayList<>();
          return vertx.deployVerticle(() -> {
            HttpVerticle v = new HttpVerticle(http, routes);
            created.add(v);
            return v;
          }, new DeploymentOptions().setInstances(instances)).map(x -> created.get(0).actualPort());
        })
        .compose(port -> cc.reaperIntervalMs() == 0 ? Future.succeededFuture(port)
            : vertx.deployVerticle(new LeaseReaperVerticle(pool, cc.reaperIntervalMs(), cc.reaperBatch())).map(x -> port))
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
