package dev.baton;

import dev.baton.cluster.Clustering;
import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigException;
import dev.baton.config.ConfigLoader;
import dev.baton.observability.Metrics;
import dev.baton.persistence.Database;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts Baton: configuration → database (embedded PostgreSQL when no URL) → migrations → Vert.x →
 * verticles. Everything blocking happens here, before anything is deployed.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    BatonConfig config;
    try {
      config = ConfigLoader.load();
    } catch (ConfigException e) {
      System.err.println("baton: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", config.runtime().logLevel().toLowerCase());
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.out");
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSX");
    if (config.cluster().enabled() && System.getProperty("org.slf4j.simpleLogger.log.com.hazelcast") == null) {
      // Hazelcast's INFO is chatty (partition migrations, diagnostics): keep its warnings, and
      // membership changes ("Members {size:2 …}"), unless Baton itself logs at DEBUG or TRACE
      String level = config.runtime().logLevel().toLowerCase();
      if (!level.equals("debug") && !level.equals("trace")) {
        System.setProperty("org.slf4j.simpleLogger.log.com.hazelcast", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.com.hazelcast.internal.cluster", level);
      }
    }
    org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Main.class);
    long t0 = System.nanoTime();

    Database db;
    try {
      // the embedded server is stopped by the shutdown hook below, after draining — not by a hook
      // of its own that would stop it while requests are still being answered
      db = Database.start(config.db(), false);
    } catch (ConfigException e) {
      System.err.println("baton: " + e.getMessage());
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      System.err.println("baton: cannot start the database: " + e);
      System.exit(1);
      return;
    }

    PrometheusMeterRegistry registry = Metrics.newRegistry();
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE, Label.POOL_NAME))
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)); // buckets: Metrics.newRegistry()
    Vertx vertx;
    try {
      VertxOptions options = new VertxOptions().setEventLoopPoolSize(config.runtime().eventLoops())
          .setMetricsOptions(metrics);
      if (config.cluster().enabled()) {
        vertx = joinCluster(options, registry, config.cluster(), log);
      } else {
        vertx = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).build();
      }
    } catch (RuntimeException e) {
      db.close(); // no shutdown hook yet: the embedded server must not outlive us
      if (config.cluster().enabled()) {
        System.err.println("baton: " + e.getMessage());
        System.exit(1);
        return;
      }
      throw e;
    }

    AtomicReference<BatonServer> server = new AtomicReference<>();
    long grace = config.overload().shutdownGraceMs();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // SIGTERM: drain (new requests 503, in-flight ones finish), undeploy, close the pool, then
      // stop Vert.x and the embedded database — in that order, bounded by the grace period
      long stopping = System.nanoTime();
      log.info("event=shutdown grace_ms={}", grace);
      BatonServer s = server.get();
      if (s != null) {
        try {
          s.shutdown(grace).toCompletionStage().toCompletableFuture().get(grace + 5000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          log.warn("event=shutdown_drain_failed error=\"{}\"", e.toString());
        }
      }
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("event=shutdown_vertx_failed error=\"{}\"", e.toString());
      }
      db.close();
      log.info("event=stopped shutdown_ms={}", (System.nanoTime() - stopping) / 1_000_000);
    }, "baton-shutdown"));

    // the verticles of BATON_VERTICLES (on the class path) are deployed once Baton is up
    BatonServer.deploy(vertx, db.pool(vertx, config.overload()), db.connectOptions(), registry, config)
        .compose(s -> {
          server.set(s);
          return Baton.deployVerticles(vertx, config.embedding().verticles()).map(s);
        })
        .onComplete(ar -> {
      if (ar.succeeded()) {
        log.info("event=started port={} database={} verticles={} startup_ms={}", ar.result().port(),
            db.isEmbedded() ? "embedded" : "external", config.embedding().verticles().size(),
            (System.nanoTime() - t0) / 1_000_000);
      } else {
        log.error("event=start_failed error=\"{}\"", ar.cause().toString(), ar.cause());
        System.exit(1);
      }
    });
  }

  /**
   * A clustered Vert.x (Hazelcast, TCP-IP discovery): waits on this, the main thread, until the
   * member has joined, at most {@link #CLUSTER_JOIN_TIMEOUT_SECONDS}.
   */
  private static Vertx joinCluster(VertxOptions options, PrometheusMeterRegistry registry,
      BatonConfig.Cluster cluster, org.slf4j.Logger log) {
    long t0 = System.nanoTime();
    try {
      Vertx vertx = Vertx.builder()
          .with(Clustering.withEventBus(options, cluster))
          .withMetrics(new MicrometerMetricsFactory(registry))
          .withClusterManager(Clustering.clusterManager(cluster))
          .buildClustered()
          .toCompletionStage().toCompletableFuture().get(CLUSTER_JOIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      log.info("event=cluster_joined host={} members={} join_ms={}", cluster.host(), cluster.members(),
          (System.nanoTime() - t0) / 1_000_000);
      return vertx;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while joining the cluster", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot join the cluster: " + (e.getCause() == null ? e : e.getCause()), e);
    }
  }

  static final int CLUSTER_JOIN_TIMEOUT_SECONDS = 120;
}
