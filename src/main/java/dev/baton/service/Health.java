package dev.baton.service;

import dev.baton.persistence.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

/** Whether the database answers: the probe behind readiness ({@code GET /api/ready}). */
public final class Health {
  private final Pool pool;

  public Health(Pool pool) {
    this.pool = pool;
  }

  /** One round trip to the database; fails when it does not answer (or refuses). */
  public Future<Void> ping() {
    return Database.ping(pool);
  }
}
