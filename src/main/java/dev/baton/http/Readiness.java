package dev.baton.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance should receive traffic ({@code GET /api/ready}): not while it drains on
 * shutdown ({@link #setDraining()}), and not while its database does not answer the probe (a
 * {@code SELECT 1}, {@code service.Health}) within {@link #CHECK_TIMEOUT_MS}. Liveness ({@code GET /api/health}) never looks here: a database
 * outage must not make an orchestrator restart every instance.
 *
 * <p>Probes cannot hammer the pool: a result is reused for {@link #CACHE_MS}, at most one check
 * runs at a time (callers arriving meanwhile share it), and while a timed-out query is still
 * pending no new one is sent. Shared by every HTTP verticle; each caller is answered on its own
 * context.
 */
public final class Readiness {
  private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

  /** How long the database may take to answer before the instance counts as not ready. */
  public static final long CHECK_TIMEOUT_MS = 2_000;
  /** How long one check's result is reused. */
  public static final long CACHE_MS = 1_000;

  /** The answer: ready, or why not. */
  public enum Status {
    READY, DRAINING, DATABASE_UNAVAILABLE
  }

  private record Probe(long atNanos, boolean up, String error) {}

  private final Supplier<Future<Void>> probe;
  private volatile boolean draining;
  private final AtomicReference<Probe> last = new AtomicReference<>();
  private final AtomicReference<Future<Probe>> inFlight = new AtomicReference<>();
  /** A probe sent and not answered yet (it may outlive its probe's timeout). */
  private final AtomicBoolean querying = new AtomicBoolean();

  /** @param probe asks the database once; succeeds when it answered */
  public Readiness(Supplier<Future<Void>> probe) {
    this.probe = probe;
  }

  /** From now on the instance answers not ready (shutdown: let load balancers move away first). */
  public void setDraining() {
    if (!draining) {
      draining = true;
      LOG.info("event=readiness_changed ready=false reason=draining");
    }
  }

  public boolean isDraining() {
    return draining;
  }

  /** The current status; completes on the caller's context. Never fails. */
  public Future<Status> check(Vertx vertx) {
    if (draining) {
      return Future.succeededFuture(Status.DRAINING);
    }
    Probe p = last.get();
    if (p != null && System.nanoTime() - p.atNanos() < CACHE_MS * 1_000_000) {
      return Future.succeededFuture(status(p));
    }
    Future<Probe> shared = inFlight.get();
    if (shared == null) {
      Promise<Probe> mine = Promise.promise();
      if (inFlight.compareAndSet(null, mine.future())) {
        shared = mine.future();
        probe(vertx, mine);
      } else {
        shared = inFlight.get();
        if (shared == null) { // another caller's check finished meanwhile
          Probe q = last.get();
          return Future.succeededFuture(q == null ? Status.DATABASE_UNAVAILABLE : status(q));
        }
      }
    }
    Context caller = vertx.getOrCreateContext();
    Promise<Status> out = Promise.promise();
    shared.onComplete(ar -> caller.runOnContext(v -> out.complete(
        ar.succeeded() ? status(ar.result()) : Status.DATABASE_UNAVAILABLE)));
    return out.future();
  }

  private Status status(Probe p) {
    return draining ? Status.DRAINING : p.up() ? Status.READY : Status.DATABASE_UNAVAILABLE;
  }

  private void probe(Vertx vertx, Promise<Probe> result) {
    if (!querying.compareAndSet(false, true)) {
      finish(result, false, "the previous check has not been answered after " + CHECK_TIMEOUT_MS + " ms");
      return;
    }
    long timer = vertx.setTimer(CHECK_TIMEOUT_MS,
        id -> finish(result, false, "no answer within " + CHECK_TIMEOUT_MS + " ms"));
    probe.get().onComplete(ar -> {
      querying.set(false);
      vertx.cancelTimer(timer);
      finish(result, ar.succeeded(), ar.succeeded() ? null : String.valueOf(ar.cause()));
    });
  }

  private void finish(Promise<Probe> result, boolean up, String error) {
    Probe p = new Probe(System.nanoTime(), up, error);
    if (!result.tryComplete(p)) {
      return; // the timeout answered first
    }
    Probe before = last.getAndSet(p);
    inFlight.compareAndSet(result.future(), null);
    if (before == null ? !up : before.up() != up) {
      if (up) {
        LOG.info("event=readiness_changed ready=true");
      } else {
        LOG.warn("event=readiness_changed ready=false reason=database_unavailable error=\"{}\"", error);
      }
    }
  }
}
