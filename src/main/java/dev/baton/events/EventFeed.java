package dev.baton.events;

import dev.baton.domain.Event;
import dev.baton.persistence.ServerEventStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live events from every instance for this instance's {@code /api/events/out} subscribers. It
 * listens on {@link ServerEventStore#CHANNEL} (a connection of its own, reconnected when lost):
 * each notification names events that a committed transaction stored — a server event (a flow run's
 * state change, written by whichever instance orchestrated it) or a batch another instance's
 * recorder stored — and, while anyone here subscribes, they are read back and published on {@link
 * EventRecorder#RECORDED_ADDRESS}, as this instance's recorder publishes its own batches.
 *
 * <p>A notification is delivered on commit only, so nothing rolled back is ever published. A
 * subscriber sees every event committed while its socket and this listener are up; events
 * committed while the listener reconnects reach it through a backfill only (a new subscription).
 */
public final class EventFeed {
  private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);

  private final Vertx vertx;
  private final Pool pool;
  private final PgSubscriber subscriber;
  private final String ownRecorder;
  private final AtomicInteger subscribers = new AtomicInteger();

  /**
   * @param connectOptions the database, for the listening connection (not one of the pool's)
   * @param ownRecorder this instance's recorder ({@link EventRecorder#instance}): its batches are
   *     published by the recorder itself
   */
  public EventFeed(Vertx vertx, Pool pool, PgConnectOptions connectOptions, String ownRecorder) {
    this.vertx = vertx;
    this.pool = pool;
    this.ownRecorder = ServerEventStore.RECORDED_PREFIX + ownRecorder + ":";
    this.subscriber = PgSubscriber.subscriber(vertx, new PgConnectOptions(connectOptions))
        .reconnectPolicy(retries -> Math.min(5_000L, 100L << Math.min(retries, 6)));
    subscriber.closeHandler(v -> LOG.debug("event=event_feed_closed"));
    subscriber.channel(ServerEventStore.CHANNEL).handler(this::notified);
  }

  /** Starts listening; completes once the channel is listened on. */
  public Future<Void> start() {
    return subscriber.connect();
  }

  public Future<Void> stop() {
    return subscriber.close();
  }

  /** A {@code /events/out} subscriber of this instance started listening. */
  public void subscribed() {
    subscribers.incrementAndGet();
  }

  /** A {@code /events/out} subscriber of this instance stopped. */
  public void unsubscribed() {
    subscribers.decrementAndGet();
  }

  private void notified(String payload) {
    if (subscribers.get() <= 0 || payload == null || payload.startsWith(ownRecorder)) {
      return;
    }
    List<UUID> ids = ids(payload);
    if (ids.isEmpty()) {
      return;
    }
    ServerEventStore.byIds(pool, ids).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("event=event_feed_read_failed events={} error=\"{}\"", ids.size(), ar.cause().toString());
        return;
      }
      List<Event> events = ar.result();
      if (!events.isEmpty()) {
        vertx.eventBus().publish(EventRecorder.RECORDED_ADDRESS, new EventRecorder.Recorded(events));
      }
    });
  }

  /** The ids a payload names; none when it is not one of ours. */
  static List<UUID> ids(String payload) {
    String list;
    if (payload.startsWith(ServerEventStore.SERVER_PREFIX)) {
      list = payload.substring(ServerEventStore.SERVER_PREFIX.length());
    } else if (payload.startsWith(ServerEventStore.RECORDED_PREFIX)) {
      int colon = payload.indexOf(':', ServerEventStore.RECORDED_PREFIX.length());
      list = colon < 0 ? "" : payload.substring(colon + 1);
    } else {
      return List.of();
    }
    List<UUID> ids = new ArrayList<>();
    for (String s : list.split(",")) {
      try {
        ids.add(UUID.fromString(s.trim()));
      } catch (IllegalArgumentException e) {
        // not an id: ignored
      }
    }
    return ids;
  }
}
