package dev.baton.service;

import dev.baton.domain.Event;
import dev.baton.events.EventFilter;
import dev.baton.persistence.EventStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * Reading stored events: the pages of {@code POST /api/events/filter} and its follow-ups, and the
 * backfill of an {@code /api/events/out} subscriber. Writing goes through the
 * {@link dev.baton.events.EventRecorder}.
 */
public final class EventQueries {
  /** A page of events matching a filter, and how many match in all. */
  public record Page(List<Event> events, long total) {}

  private final Pool pool;

  public EventQueries(Pool pool) {
    this.pool = pool;
  }

  /** Events matching {@code filter}, {@code offset} skipped, at most {@code limit}, in the filter's order. */
  public Future<Page> query(EventFilter filter, int limit, int offset) {
    return EventStore.query(pool, filter, limit, offset).map(p -> new Page(p.events(), p.total()));
  }
}
