package dev.baton;

import dev.baton.config.BatonConfig;
import dev.baton.observability.Metrics;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.persistence.Database;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedding Baton in a Vert.x application (docs/event-bus.md, "Embedding"):
 *
 * <pre>{@code
 * Baton.deploy(vertx, ConfigLoader.load()).onSuccess(baton -> {
 *   OrchestrationClient client = baton.client();   // the typed event-bus API
 *   int port = baton.port();                        // the REST API, if you want it too
 *   ...
 *   baton.close();                                  // drain, undeploy, close the pool, stop the database
 * });
 * }</pre>
 *
 * The database is started (embedded PostgreSQL when {@code db.url} is empty) and migrated on a
 * worker thread ({@code executeBlocking}), never on an event loop; then Baton's verticles are
 * deployed on {@code vertx}, then the verticles named in {@code embedding.verticles}.
 */
public final class Baton {
  private static final Logger LOG = LoggerFactory.getLogger(Baton.class);

  private Baton() {}

  /** A running embedded Baton. */
  public static final class Handle {
    private final Vertx vertx;
    private final BatonServer server;
    private final Database db;
    private final PrometheusMeterRegistry registry;
    private final OrchestrationClient client;
    private final List<String> userDeployments;
    private final long graceMs;
    private Future<Void> closed;

    private Handle(Vertx vertx, BatonServer server, Database db, PrometheusMeterRegistry registry,
        OrchestrationClient client, List<String> userDeployments, long graceMs) {
      this.vertx = vertx;
      this.server = server;
      this.db = db;
      this.registry = registry;
      this.client = client;
      this.userDeployments = userDeployments;
      this.graceMs = graceMs;
    }

    /** The typed event-bus client (configured event-bus timeout and proposal deadline). */
    public OrchestrationClient client() {
      return client;
    }

    /** The port the REST API listens on. */
    public int port() {
      return server.port();
    }

    public BatonServer server() {
      return server;
    }

    /** Baton's metrics (what {@code GET /metrics} serves). */
    public PrometheusMeterRegistry registry() {
      return registry;
    }

    /**
     * Stops this Baton: the verticles of {@code embedding.verticles} are undeployed, then the server
     * drains ({@link BatonServer#shutdown}), then the database is closed (an embedded server stopped)
     * on a worker thread. {@code vertx} itself stays open: it is the caller's. Idempotent.
     */
    public synchronized Future<Void> close() {
      if (closed == null) {
        List<Future<Void>> undeployed = new ArrayList<>();
        for (String id : userDeployments) {
          undeployed.add(vertx.undeploy(id).recover(t -> Future.succeededFuture()));
        }
        closed = Future.join(undeployed)
            .compose(v -> server.shutdown(graceMs))
            .compose(ms -> vertx.<Void>executeBlocking(() -> {
              db.close();
              return null;
            }, false));
      }
      return closed;
    }
  }

  /**
   * Starts the database, migrates it, deploys Baton and then the {@code embedding.verticles} on
   * {@code vertx}; completes with the handle once the REST API listens and the event-bus addresses
   * are served. On failure everything started is stopped again.
   */
  public static Future<Handle> deploy(Vertx vertx, BatonConfig config) {
    return vertx.<Database>executeBlocking(() -> {
      Database db = Database.start(config.db(), false);
      try {
        // loaded here, off the event loop: BatonServer.deploy would otherwise load it on the caller's thread
        Class.forName("dev.baton.runinput.RunInputValidator", true, Baton.class.getClassLoader());
      } catch (ClassNotFoundException | RuntimeException e) {
        db.close();
        throw e;
      }
      return db;
    }, false).compose(db -> {
      PrometheusMeterRegistry registry = Metrics.newRegistry();
      Pool pool = db.pool(vertx, config.overload());
      return BatonServer.deploy(vertx, pool, db.connectOptions(), registry, config)
          .compose(server -> deployVerticles(vertx, config.embedding().verticles())
              .recover(t -> server.shutdown(0).compose(x -> Future.failedFuture(t)))
              .map(ids -> new Handle(vertx, server, db, registry,
                  new OrchestrationClient(vertx, config.overload().busTimeoutMs(), config.overload().proposalDeadlineMs()),
                  ids, config.overload().shutdownGraceMs())))
          .recover(t -> vertx.<Void>executeBlocking(() -> {
            db.close();
            return null;
          }, false).transform(x -> Future.failedFuture(t)));
    });
  }

  /**
   * Deploys the named verticle classes (public, no-argument constructor), one instance each, in
   * order; completes with their deployment ids, or fails naming the first that could not be
   * deployed (those before it are undeployed again).
   */
  public static Future<List<String>> deployVerticles(Vertx vertx, List<String> classNames) {
    List<String> ids = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (String name : classNames) {
      chain = chain.compose(v -> vertx.deployVerticle(name)
          .recover(t -> Future.failedFuture(new IllegalStateException("cannot deploy verticle " + name + ": " + t, t)))
          .map(id -> {
            ids.add(id);
            LOG.info("event=verticle_deployed class={} deployment={}", name, id);
            return null;
          }));
    }
    return chain.map(v -> List.copyOf(ids)).recover(t -> {
      List<Future<Void>> undo = new ArrayList<>();
      for (String id : ids) {
        undo.add(vertx.undeploy(id).recover(x -> Future.succeededFuture()));
      }
      return Future.join(undo).transform(x -> Future.failedFuture(t));
    });
  }
}
