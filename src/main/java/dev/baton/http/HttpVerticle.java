package dev.baton.http;

import dev.baton.orchestration.api.OrchestrationClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import dev.baton.ServerState;
import dev.baton.config.BatonConfig;
import dev.baton.observability.OverloadMetrics;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API under {@code /api}, plus {@code /metrics}. Knows JSON and status codes and nothing
 * about rules: proposals go to the orchestration verticle over the event bus.
 */
public final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  static final String API_VERSION_KEY = "baton.apiVersion";

  /** Settings of the HTTP layer. */
  public record Options(String host, int port, long bodyLimitBytes, InFlightLimiter limiter,
      PrometheusMeterRegistry registry, Pool pool, ServerState state, OverloadMetrics overloadMetrics,
      BatonConfig.Overload overload) {}

  private final Options options;
  private final Consumer<Router> resourceRoutes;
  private HttpServer server;

  /**
   * @param resourceRoutes mounts the resource routes (flows, runs, states, …) on the {@code /api}
   *     sub-router
   */
  public HttpVerticle(Options options, Consumer<Router> resourceRoutes) {
    this.options = options;
    this.resourceRoutes = resourceRoutes;
  }

  @Override
  public Future<?> start() {
    OrchestrationClient client = new OrchestrationClient(vertx, options.overload().busTimeoutMs(),
        options.overload().proposalDeadlineMs());
    Router root = Router.router(vertx);
    if (options.registry() != null) {
      root.get("/metrics").handler(PrometheusScrapingHandler.create(options.registry()));
    }

    Router api = Router.router(vertx);
    api.route().handler(this::checkApiVersion);
    api.route().handler(BodyHandler.create(false).setBodyLimit(options.bodyLimitBytes()).setHandleFileUploads(false));
    api.route().handler(new Admission(vertx, options.limiter(), options.state(), options.overloadMetrics(),
        options.overload().requestTimeoutMs()));
    new SetStateRoutes(client).mount(api);
    new PauseRoutes(client, options.pool()).mount(api);
    new VariableRoutes(options.pool()).mount(api);
    resourceRoutes.accept(api);
    root.route("/api/*").subRouter(api);

    Handler<RoutingContext> notFound = ctx -> Http.json(ctx, 404, Http.NOT_FOUND);
    root.route().last().handler(notFound);
    root.errorHandler(404, notFound);
    root.errorHandler(405, ctx -> Http.detail(ctx, 405, "Method Not Allowed"));
    root.errorHandler(413, ctx -> Http.detail(ctx, 413, "Request body too large"));
    root.errorHandler(400, ctx -> Http.detail(ctx, 400, "Bad Request"));
    root.errorHandler(500, ctx -> {
      if (ctx.failure() != null) {
        LOG.error("event=unhandled path={} error=\"{}\"", ctx.request().path(), ctx.failure().toString(), ctx.failure());
      }
      Http.exceptionMessage(ctx, 500, "Internal Server Error");
    });

    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(options.host())
        .setPort(options.port())
        .setTcpNoDelay(true)
        .setCompressionSupported(false)
        .setMaxInitialLineLength(8192)
        // /api/events/in and /out: Prefect's subprotocol, messages up to the body limit
        .addWebSocketSubProtocol(EventRoutes.SUBPROTOCOL)
        .setMaxWebSocketFrameSize((int) Math.min(Integer.MAX_VALUE, options.bodyLimitBytes()))
        .setMaxWebSocketMessageSize((int) Math.min(Integer.MAX_VALUE, options.bodyLimitBytes())));
    return server.requestHandler(root).listen();
  }

  /** The port the server listens on (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /** Every route: {@code X-PREFECT-API-VERSION} must be x.y.z ≥ 0.8.0 when present. */
  private void checkApiVersion(RoutingContext ctx) {
    ApiHeaders.VersionCheck check = ApiHeaders.checkApiVersion(ctx.request().getHeader(ApiHeaders.API_VERSION));
    if (check.error() != null) {
      Http.detail(ctx, 400, check.error());
      return;
    }
    if (check.version() != null) {
      ctx.put(API_VERSION_KEY, check.version());
    }
    ctx.next();
  }
}
