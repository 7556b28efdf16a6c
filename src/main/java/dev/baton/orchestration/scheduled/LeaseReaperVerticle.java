package dev.baton.orchestration.scheduled;

import dev.baton.persistence.concurrency.LeaseReaping;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees the slots of expired leases (Prefect's repossessor): every {@code intervalMs}, transactions
 * of up to {@code batch} expired leases taken with {@code FOR UPDATE SKIP LOCKED} — so any number of
 * Baton instances can reap one database side by side without reaping a lease twice or waiting on
 * each other — each releasing its leases' slots in the same transaction that deletes them. A full
 * batch is followed at once by the next one. Never blocks the event loop; one tick at a time.
 */
public final class LeaseReaperVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseReaperVerticle.class);
  private static final int MAX_BATCHES_PER_TICK = 50;

  private final Pool pool;
  private final long intervalMs;
  private final int batch;
  private long timer = -1;
  private boolean running;

  public LeaseReaperVerticle(Pool pool, long intervalMs, int batch) {
    this.pool = pool;
    this.intervalMs = intervalMs;
    this.batch = batch;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(intervalMs, intervalMs, id -> tick());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return Future.succeededFuture();
  }

  /** One reaping pass (also callable from tests): completes with the number of leases released. */
  public Future<Integer> reapNow() {
    return reap(0, 0);
  }

  private void tick() {
    if (running) {
      return;
    }
    running = true;
    reap(0, 0).onComplete(ar -> {
      running = false;
      if (ar.failed()) {
        LOG.warn("event=lease_reaper_failed error=\"{}\"", ar.cause().toString());
      } else if (ar.result() > 0) {
        LOG.info("event=leases_reaped count={}", ar.result());
      }
    });
  }

  private Future<Integer> reap(int batches, int total) {
    return pool.withTransaction(c -> LeaseReaping.reapExpired(c, batch)).compose(n -> {
      if (n >= batch && batches + 1 < MAX_BATCHES_PER_TICK) {
        return reap(batches + 1, total + n);
      }
      return Future.succeededFuture(total + n);
    });
  }
}
