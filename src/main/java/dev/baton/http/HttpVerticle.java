package dev.baton.http;

import dev.baton.config.BatonConfig;
import dev.baton.wire.Render;
import dev.baton.orchestration.api.OrchestrationClient;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import dev.baton.admission.ServerState;
import dev.baton.config.BatonConfig;
import dev.baton.observability.OverloadMetrics;
import dev.baton.service.BulkSetState;
import dev.baton.service.Services;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.baton.admission.InFlightLimiter;

/**
 * The REST API under {@code /api}, plus {@code /metrics}. Knows JSON and status codes and nothing
 * about rules: proposals go to the orchestration verticle over the event bus.
 *
 * <p>Every request passes CORS (when origins are configured; preflights end there), then the
 * auth-string check (when configured), then the API. Every error answer is a small JSON body with
 * a fixed text: no exception text, SQL or stack trace ever reaches a client (they go to the log).
 */
public final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  static final String API_VERSION_KEY = "baton.apiVersion";

  /** Settings of the HTTP layer. */
  public record Options(String host, int port, long bodyLimitBytes, InFlightLimiter limiter,
      PrometheusMeterRegistry registry, ServerState state, OverloadMetrics overloadMetrics,
      BatonConfig.Overload overload, BatonConfig.Security security) {}

  private final Options options;
  private final ApiAuth auth;
  private final Services services;
  private final Readiness readiness;
  private HttpServer server;

  /**
   * @param services what the routes call (shared by every HTTP verticle of the server)
   * @param poolRoutes mounts, on the {@code /api} sub-router, the routes not yet moved onto
   *     {@link Services} — pause/resume, variables, resources (flows, runs, states, logs, …),
   *     deployments — which the server still builds on its pool; they go once those routes take
   *     services (issue 12)
   */
  public HttpVerticle(Options options, Services services, Readiness readiness) {
    this.options = options;
    this.auth = ApiAuth.of(options.security().apiAuthString());
    this.services = services;
    this.readiness = readiness;
  }

  @Override
  public Future<?> start() {
    OrchestrationClient client = new OrchestrationClient(vertx, options.overload().busTimeoutMs(),
        options.overload().proposalDeadlineMs());
    Router root = Router.router(vertx);
    if (!options.security().corsAllowedOrigins().isEmpty()) {
      root.route().handler(corsHandler(options.security()));
    }
    if (auth.enabled()) {
      root.route().handler(this::authenticate);
    }
    if (options.registry() != null) {
      root.get("/metrics").handler(PrometheusScrapingHandler.create(options.registry()));
    }

    Router api = Router.router(vertx);
    api.route().handler(this::checkApiVersion);
    api.route().handler(BodyHandler.create(false).setBodyLimit(options.bodyLimitBytes()).setHandleFileUploads(false));
    api.route().handler(new Admission(vertx, options.limiter(), options.state(), options.overloadMetrics(),
        options.overload().requestTimeoutMs()));
    new SetStateRoutes(client).mount(api);
    new PauseRoutes(client, services.flowRuns(), new BulkSetState(services.flowRuns(), client),
        services.flowRunInputs()).mount(api);
    new VariableRoutes(services.variables(), services.apiConfig().defaultLimit()).mount(api);
    new ResourceRoutes(services.runs(), services::now, services.flows(), services.flowRuns(), services.taskRuns(), services.logs(),
        services.apiConfig(), readiness).mount(api);
    new DeploymentRoutes(services.deployments(), services::now, services.apiConfig().defaultLimit(),
        services.apiConfig().maxParameterSize()).mount(api);
    new AutomationRoutes(services.automations(), services.apiConfig().defaultLimit()).mount(api);
    new ConcurrencyRoutes(services.concurrencyLimits(), services.slots(), services.apiConfig().defaultLimit()).mount(api);
    new ArtifactRoutes(services.artifacts(), services.apiConfig().defaultLimit()).mount(api);
    new BlockRoutes(services.blocks(), services.apiConfig().defaultLimit()).mount(api);
    new CollectionRoutes(vertx).mount(api);
    // the event websockets' first frame carries the auth string (their handshake needs no header)
    Predicate<String> tokenCheck = auth.enabled() ? auth::acceptsToken : null;
    new EventRoutes(vertx, services.eventQueries(), services.eventRecorder(), services.eventFeed(), tokenCheck, options.bodyLimitBytes(),
        services.clock()).mount(api);
    // the operator console: /api/console/… beside the API, its page at / (docs/console.md)
    new ConsoleRoutes(services.console(), services.consoleLive(), services.concurrencyLimits(), services::now).mount(vertx, root, api);
    root.route("/api/*").subRouter(api);

    // Failures anywhere (a handler's exception, BodyHandler's 413, CORS's 403, …) and unmatched
    // requests all end here: a fixed JSON text per status, the failure itself only in the log. An
    // unknown path (any method, websocket upgrades too) is 404; a known path asked with a method it
    // does not serve is 405 {"detail": "Method Not Allowed"}, as Prefect answers both.
    root.route().failureHandler(ctx -> failed(ctx, ctx.statusCode()));
    for (int status : new int[] {400, 403, 404, 405, 406, 413, 414, 415, 431, 500}) {
      root.errorHandler(status, ctx -> failed(ctx, status));
    }

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
    Refusal refusal = new Refusal(root, options.limiter(), options.state(), options.overloadMetrics(), auth,
        !options.security().corsAllowedOrigins().isEmpty());
    return server.requestHandler(refusal).invalidRequestHandler(HttpVerticle::invalidRequest).listen();
  }

  /** The answer to a failed or unmatched request: JSON with a fixed text chosen by the status. */
  private static void failed(RoutingContext ctx, int statusCode) {
    int status = statusCode < 400 || statusCode > 599 ? 500 : statusCode;
    if (status >= 500) {
      LOG.error("event=unhandled method={} path={} status={} error=\"{}\"", ctx.request().method(),
          ctx.request().path(), status, String.valueOf(ctx.failure()), ctx.failure());
    }
    if (ctx.response().headWritten()) {
      // a failure after the answer started: nothing sensible can follow on this connection
      ctx.response().reset();
      return;
    }
    switch (status) {
      case 401 -> Http.json(ctx, 401, ApiAuth.UNAUTHORIZED_BODY);
      case 403 -> Http.detail(ctx, 403, "Disallowed CORS origin");
      case 404 -> Http.json(ctx, 404, Http.NOT_FOUND);
      case 413 -> Http.detail(ctx, 413, "Request body too large");
      default -> {
        String reason = HttpResponseStatus.valueOf(status).reasonPhrase();
        if (status >= 500) {
          Http.exceptionMessage(ctx, status, status == 500 ? "Internal Server Error" : reason);
        } else {
          Http.detail(ctx, status, reason);
        }
      }
    }
  }

  /**
   * A request Netty could not decode (bad request line, too long a line or header): JSON like every
   * other error, then the connection is closed (its framing cannot be trusted).
   */
  private static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414
        : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    request.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, Http.JSON_TYPE)
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(Buffer.buffer(Render.detail(HttpResponseStatus.valueOf(status).reasonPhrase())))
        .onComplete(v -> request.connection().close());
  }

  /** CORS for the configured origins; a preflight is answered here (204), before authentication. */
  static CorsHandler corsHandler(BatonConfig.Security security) {
    CorsHandler cors = CorsHandler.create();
    if (!security.corsAllowedOrigins().equals(java.util.List.of("*"))) {
      cors.addOrigins(security.corsAllowedOrigins());
    }
    Set<HttpMethod> methods = new LinkedHashSet<>();
    security.corsAllowedMethods().forEach(m -> methods.add(HttpMethod.valueOf(m)));
    return cors.allowedMethods(methods)
        .allowedHeaders(new LinkedHashSet<>(security.corsAllowedHeaders()))
        .allowCredentials(false)
        .maxAgeSeconds(600);
  }

  /**
   * With an auth string configured, every request needs {@code Authorization: Basic
   * base64(secret)} except the probes ({@code GET /api/health}, {@code GET /api/ready}, as in
   * Prefect) and, when so configured, {@code GET /metrics}. Otherwise 401 as Prefect answers it.
   */
  private void authenticate(RoutingContext ctx) {
    if (exempt(ctx) || auth.accepts(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
      ctx.next();
    } else {
      Http.json(ctx, 401, ApiAuth.UNAUTHORIZED_BODY);
    }
  }

  private boolean exempt(RoutingContext ctx) {
    if (ctx.request().method() != HttpMethod.GET) {
      return false;
    }
    String path = ctx.normalizedPath();
    while (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return path.equals("/api/health") || path.equals("/api/ready")
        || path.equals("/metrics") && !options.security().metricsRequireAuth()
        || ConsoleRoutes.isAsset(path)
        || WEBSOCKETS.contains(path) && "websocket".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.UPGRADE));
  }

  /**
   * Prefect's websockets: their handshake carries no credentials (Prefect's check is an HTTP
   * middleware, which websockets bypass); the socket's first frame {@code {"type": "auth",
   * "token": <secret>}} does, and the socket's handler checks it with {@link ApiAuth#acceptsToken}.
   */
  static final Set<String> WEBSOCKETS = Set.of("/api/events/in", "/api/events/out");

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
