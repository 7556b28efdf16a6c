package dev.baton;

import dev.baton.orchestration.scheduled.LeaseReaperVerticle;
import dev.baton.config.BatonConfig;
import dev.baton.automations.ActionService;
import dev.baton.automations.AutomationService;
import dev.baton.automations.TriggerService;
import dev.baton.events.EventFeed;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.events.EventRecorder;
import dev.baton.http.HttpVerticle;
import dev.baton.admission.InFlightLimiter;
import dev.baton.http.Readiness;
import dev.baton.observability.OrchestrationMetrics;
import dev.baton.jsonbus.JsonBusVerticle;
import dev.baton.orchestration.commands.ApiService;
import dev.baton.orchestration.bus.BusApiVerticle;
import dev.baton.orchestration.Orchestration;
import dev.baton.orchestration.bus.OrchestrationVerticle;
import dev.baton.orchestration.resume.RunInputWorker;
import dev.baton.orchestration.scheduled.ScheduledServicesVerticle;
import dev.baton.orchestration.scheduled.SchedulerVerticle;
import dev.baton.orchestration.engine.OrchestrationSettings;
import dev.baton.service.Console;
import dev.baton.service.ConsoleLive;
import dev.baton.service.Services;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import dev.baton.observability.OverloadMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.baton.admission.ServerState;

/**
 * Baton's verticles on one Vert.x instance: the orchestration verticle(s), then the HTTP
 * verticle(s) sharing one port. Used by {@link Main} and by tests (port 0). {@link #shutdown}
 * drains it: new work refused (503), work in flight finished and answered, then everything undeployed
 * and the pool closed.
 */
public final class BatonServer {
  private static final Logger LOG = LoggerFactory.getLogger(BatonServer.class);
  /** No new WAIT is held for this long after a request was refused for lack of an in-flight place. */
  private static final long CROWDED_NANOS = 1_000_000_000L;

  private final Vertx vertx;
  private final int port;
  private final Orchestration orchestration;
  private final Pool pool;
  private final ServerState state;
  private final Readiness readiness;
  private final InFlightLimiter httpInFlight;
  private final InFlightLimiter busInFlight;
  private final List<String> httpDeployments;
  private final List<String> otherDeployments;
  private final EventRecorder recorder;
  private final EventFeed feed;

  private BatonServer(Vertx vertx, int port, Orchestration orchestration, Pool pool, ServerState state,
      Readiness readiness, InFlightLimiter httpInFlight, InFlightLimiter busInFlight, List<String> httpDeployments,
      List<String> otherDeployments, EventRecorder recorder, EventFeed feed) {
    this.vertx = vertx;
    this.port = port;
    this.orchestration = orchestration;
    this.pool = pool;
    this.state = state;
    this.readiness = readiness;
    this.httpInFlight = httpInFlight;
    this.busInFlight = busInFlight;
    this.httpDeployments = httpDeployments;
    this.otherDeployments = otherDeployments;
    this.recorder = recorder;
    this.feed = feed;
  }

  /** Deploys everything; completes with the server once it listens. */
  /**
   * @param connectOptions the database the pool connects to: the live event feed listens on a
   *     connection of its own ({@link EventFeed})
   */
  public static Future<BatonServer> deploy(Vertx vertx, Pool pool, PgConnectOptions connectOptions,
      PrometheusMeterRegistry registry, BatonConfig config) {
    BatonConfig.Api api = config.api();
    BatonConfig.Concurrency cc = config.concurrency();
    BatonConfig.Overload overload = config.overload();
    OrchestrationSettings settings = new OrchestrationSettings(api.maxCacheKeyLength(), cc.tagSlotWaitSeconds(),
        cc.deploymentSlotWaitSeconds(), cc.deploymentLeaseSeconds(), cc.taskLeaseSeconds(), cc.maxSlotWaitSeconds());
    RunInputWorker runInput = new RunInputWorker(vertx, config.runInput(), registry);
    // task-run creations are grouped like proposals: same group size, same groups in flight (per event loop)
    Orchestration orchestration = new Orchestration(pool, settings, new OrchestrationMetrics(registry),
        Clock.systemUTC(), runInput, config.db().groupSize(), config.db().groupsInFlight());
    int instances = Math.max(1, config.runtime().eventLoops());
    ServerState state = new ServerState();
    OverloadMetrics overloadMetrics = new OverloadMetrics(registry);
    // every request that touches the database or the event bus, across all HTTP verticles
    InFlightLimiter httpInFlight = new InFlightLimiter(overload.maxInFlight(config.db().poolSize()));
    // every proposal accepted by the orchestration verticles, whoever sent it, and every other
    // event-bus API command (BusApiVerticle)
    InFlightLimiter busInFlight = new InFlightLimiter(overload.orchestrationMaxInFlight());
    overloadMetrics.gauge("http.in.flight", "API requests admitted and not yet answered", httpInFlight::inFlight);
    overloadMetrics.gauge("http.in.flight.max", "Bound of baton_http_in_flight", httpInFlight::max);
    overloadMetrics.gauge("http.retry.after.expected.ms",
        "Expected wait for an in-flight place, as last estimated (Retry-After of refusals, in ms)",
        httpInFlight::expectedWaitMillis);
    overloadMetrics.gauge("orchestration.in.flight", "Proposals accepted by orchestration and not yet answered",
        busInFlight::inFlight);
    overloadMetrics.gauge("orchestration.in.flight.max", "Bound of baton_orchestration_in_flight", busInFlight::max);
    ApiService apiService = orchestration.commands();
    EventRecorder recorder = new EventRecorder(pool, config.events(), Clock.systemUTC(), registry);
    EventFeed feed = new EventFeed(vertx, pool, connectOptions, recorder.instance());
    // what the HTTP routes call, built once from the pool: HttpVerticle gets this, never the pool
    // the operator console's live feed: one per instance, its own verticle (docs/console.md)
    ConsoleLive consoleLive = new ConsoleLive(new Console(pool), registry, feed, Clock.systemUTC(),
        orchestration.metrics().decisions());
    Services services = Services.create(pool, apiService, apiService, api, recorder, feed,
        new AutomationService(pool, Clock.systemUTC()), Clock.systemUTC(), config.scheduler(),
        config.security().encryptionKey(), consoleLive);
    Readiness readiness = new Readiness(services.health()::ping);
    List<String> httpIds = new CopyOnWriteArrayList<>();
    List<String> otherIds = new CopyOnWriteArrayList<>();

    // Jinjava and the JSON-Schema validator are loaded on the run-input worker before anything listens
    return runInput.warmUp()
        // Prefect's core block types and schemas, before anything listens (idempotent, any number of instances)
        .compose(warm -> services.blocks().system().install(false))
        .compose(blocks -> feed.start())
        .compose(listening -> vertx.deployVerticle(() -> new OrchestrationVerticle(orchestration, config.db().groupSize(),
                config.db().groupsInFlight(), busInFlight, state, overloadMetrics, config.concurrency().waitHoldMs(),
                config.concurrency().maxHeldWaits(httpInFlight.max()),
                () -> httpInFlight.refusedWithin(CROWDED_NANOS) || busInFlight.refusedWithin(CROWDED_NANOS)),
            new DeploymentOptions().setInstances(config.runtime().orchestrationVerticles())))
        .compose(id -> {
          otherIds.add(id);
          // the event-bus API beside set-state and resume: typed (local) and JSON (<address>.json)
          return vertx.deployVerticle(() -> new BusApiVerticle(apiService, busInFlight, state, overloadMetrics),
              new DeploymentOptions().setInstances(config.runtime().orchestrationVerticles()));
        })
        .compose(id -> {
          otherIds.add(id);
          return vertx.deployVerticle(() -> new JsonBusVerticle(Clock.systemUTC(), api, overload),
              new DeploymentOptions().setInstances(config.runtime().orchestrationVerticles()));
        })
        .compose(id -> {
          otherIds.add(id);
          return vertx.deployVerticle(new ScheduledServicesVerticle(orchestration.runs(), pool, config.services(), registry));
        })
        .compose(id -> {
          otherIds.add(id);
          return vertx.deployVerticle(new SchedulerVerticle(vertx, pool, config.scheduler(), Clock.systemUTC(), registry));
        })
        .compose(id -> {
          otherIds.add(id);
          return vertx.deployVerticle(recorder);
        })
        .compose(id -> {
          otherIds.add(id);
          return vertx.deployVerticle(consoleLive);
        })
        .compose(id -> {
          otherIds.add(id);
          long every = config.services().automationsIntervalMillis();
          if (every == 0) {
            return Future.succeededFuture(id);
          }
          // triggers evaluated and actions run by every instance (claims: SKIP LOCKED; see docs/automations.md)
          OrchestrationClient client = new OrchestrationClient(vertx, overload.busTimeoutMs(),
              overload.proposalDeadlineMs());
          return vertx.deployVerticle(new TriggerService(pool, connectOptions, registry, 1000, every))
              .compose(t -> {
                otherIds.add(t);
                return vertx.deployVerticle(new ActionService(pool, connectOptions, client,
                    new AutomationCommands(services), registry, 1000));
              });
        })
        .compose(id -> {
          otherIds.add(id);
          // all instances in one deployment: with port 0 they share one random port
          HttpVerticle.Options http = new HttpVerticle.Options(config.http().host(), config.http().port(),
              config.http().bodyLimitBytes(), httpInFlight, registry, state, overloadMetrics, overload,
              config.security());
          List<HttpVerticle> created = new CopyOnWriteArrayList<>();
          return vertx.deployVerticle(() -> {
            HttpVerticle v = new HttpVerticle(http, services, readiness);
            created.add(v);
            return v;
          }, new DeploymentOptions().setInstances(instances)).map(x -> {
            httpIds.add(x);
            return created.get(0).actualPort();
          });
        })
        .compose(port -> cc.reaperIntervalMs() == 0 ? Future.succeededFuture(port)
            : vertx.deployVerticle(new LeaseReaperVerticle(pool, cc.reaperIntervalMs(), cc.reaperBatch())).map(x -> {
              otherIds.add(x);
              return port;
            }))
        .map(port -> new BatonServer(vertx, port, orchestration, pool, state, readiness, httpInFlight, busInFlight, httpIds,
            otherIds, recorder, feed))
        .recover(t -> feed.stop().transform(x -> Future.failedFuture(t)));
  }

  /**
   * Drains and stops this server, bounded by {@code graceMillis}: (1) draining starts — new API
   * requests and new proposals are answered 503 with {@code Retry-After} (HTTP also with {@code
   * Connection: close}) and readiness reports it; (2) every request and proposal already admitted
   * finishes and is answered, until none is in flight or the grace period ends; (3) the HTTP
   * verticles are undeployed (the listener closes), then the others (orchestration, periodic
   * services, lease reaper); (4) the WAITs' denied slots still gathering for their batch are
   * written and the pool is closed. Stopping an embedded database is the owner's next step
   * ({@code Database.close}). Never fails; completes with the milliseconds it took.
   */
  public Future<Long> shutdown(long graceMillis) {
    long t0 = System.nanoTime();
    if (!state.startDraining()) {
      return Future.succeededFuture(0L);
    }
    readiness.setDraining();
    LOG.info("event=draining http_in_flight={} proposals_in_flight={} grace_ms={}", httpInFlight.inFlight(),
        busInFlight.inFlight(), graceMillis);
    Promise<Void> drained = Promise.promise();
    long deadline = t0 + graceMillis * 1_000_000L;
    waitIdle(drained, deadline);
    return drained.future()
        .compose(v -> {
          if (httpInFlight.inFlight() > 0 || busInFlight.inFlight() > 0 || recorder.pending() > 0) {
            LOG.warn("event=drain_incomplete http_in_flight={} proposals_in_flight={} events_pending={}",
                httpInFlight.inFlight(), busInFlight.inFlight(), recorder.pending());
          }
          return undeployAll(httpDeployments);
        })
        .compose(v -> undeployAll(otherDeployments))
        .compose(v -> feed.stop().recover(t -> Future.succeededFuture()))
        .compose(v -> orchestration.flushDeniedSlots())
        .compose(v -> pool.close())
        .transform(ar -> {
          if (ar.failed()) {
            LOG.warn("event=shutdown_step_failed error=\"{}\"", ar.cause().toString());
          }
          long ms = (System.nanoTime() - t0) / 1_000_000;
          LOG.info("event=drained shutdown_ms={}", ms);
          return Future.succeededFuture(ms);
        });
  }

  /** True once {@link #shutdown} has begun. */
  public boolean draining() {
    return state.draining();
  }

  public ServerState state() {
    return state;
  }

  private void waitIdle(Promise<Void> drained, long deadlineNanos) {
    // events reported over websockets hold no HTTP place: their commits are waited for at the recorder
    if ((httpInFlight.inFlight() == 0 && busInFlight.inFlight() == 0 && recorder.pending() == 0)
        || System.nanoTime() - deadlineNanos >= 0) {
      drained.complete();
      return;
    }
    vertx.setTimer(10, id -> waitIdle(drained, deadlineNanos));
  }

  private Future<Void> undeployAll(List<String> ids) {
    List<Future<Void>> all = new ArrayList<>();
    for (String id : ids) {
      all.add(vertx.undeploy(id).recover(t -> Future.succeededFuture()));
    }
    return Future.join(all).mapEmpty();
  }

  public int port() {
    return port;
  }

  /** Readiness of this instance; {@link Readiness#setDraining()} on shutdown. */
  public Readiness readiness() {
    return readiness;
  }

  /** The orchestration side of this instance. */
  public Orchestration orchestration() {
    return orchestration;
  }

  /** The event store's writer (task-run recorder) of this instance. */
  public EventRecorder eventRecorder() {
    return recorder;
  }

  public Vertx vertx() {
    return vertx;
  }
}
