package dev.baton.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.Event;
import dev.baton.events.EventFeed;
import dev.baton.events.EventRecorder;
import dev.baton.observability.Decisions;
import dev.baton.observability.MetricsDigest;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's live feed, one per instance: once a second it samples the metrics ({@link
 * MetricsDigest}), takes the run changes gathered since the last tick, and hands one {@link
 * Snapshot} to its listeners (one per HTTP verticle, each rendering it once for all its pages). So
 * a page gets at most one update a second and the work per second does not grow with the load:
 * changes are kept per run (the last one wins) and at most {@link #MAX_CHANGES} of them.
 *
 * <p>Runs by state are counted only while a page listens, and at most so often that counting takes
 * a twentieth of one database connection's time ({@link #countDelayMillis}): every tick on a small
 * database, every 40 s when counting 5 million task runs takes 2 s (one core, {@link Console#counts}).
 *
 * <p>Run changes come from the stored events this instance publishes ({@link
 * EventRecorder#RECORDED_ADDRESS}): every flow-run state change of every instance (server events,
 * through {@link EventFeed}) and the task-run events Prefect 3 clients report. Task-run transitions
 * proposed over the API emit no event (as in Prefect); the console sees them in the counts and the
 * rates.
 */
public final class ConsoleLive extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleLive.class);
  /** Run changes carried by one snapshot at most; past it they are counted, not listed. */
  public static final int MAX_CHANGES = 200;
  /** Seconds the headline rates and p99 are taken over. */
  public static final int HEADLINE_SECONDS = 10;
  static final long TICK_MILLIS = 1000;

  /** A run's new state as an event told it. */
  public record RunChange(String kind, UUID id, String stateType, String stateName, Instant timestamp) {}

  /**
   * One tick: the metrics, the latest runs-by-state counts (null before the first), the run changes
   * since the previous tick ({@code changesDropped} more were not listed) and how many pages listen.
   */
  public record Snapshot(long seq, Instant at, MetricsDigest.View metrics, Console.StateCounts counts,
      List<RunChange> changes, int changesDropped, int pages) {}

  /** Gets every snapshot, on the feed's own context: hop to yours before touching your state. */
  public interface Listener {
    void tick(Snapshot snapshot);
  }

  private final Console console;
  private final Decisions decisions;
  private final MetricsDigest digest;
  private final EventFeed feed;
  private final Clock clock;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicInteger pages = new AtomicInteger();
  private Map<UUID, RunChange> changes = new LinkedHashMap<>();
  private int dropped;
  private long seq;
  private long timer = -1;
  private MessageConsumer<EventRecorder.Recorded> consumer;
  private volatile Snapshot latest;
  private volatile Console.StateCounts counts;
  private boolean counting;
  private volatile long countDueAt;

  /** @param feed the instance's event feed: told while pages listen, so it publishes other instances' events */
  public ConsoleLive(Console console, MeterRegistry registry, EventFeed feed, Clock clock, Decisions decisions) {
    this.console = console;
    this.decisions = decisions;
    this.digest = new MetricsDigest(registry);
    this.feed = feed;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    digest.sample(clock.millis());
    latest = snapshot(List.of(), 0);
    consumer = vertx.eventBus().<EventRecorder.Recorded>localConsumer(EventRecorder.RECORDED_ADDRESS, m -> {
      if (pages.get() > 0) {
        m.body().events().forEach(this::noted);
      }
    });
    timer = vertx.setPeriodic(TICK_MILLIS, id -> tick());
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** A page starts listening: {@code listener} (one per HTTP verticle) gets the ticks while it is registered. */
  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  /** One more page listens (any verticle); the event feed is told too. */
  public void pageOpened() {
    if (pages.getAndIncrement() == 0) {
      countDueAt = 0; // a first page gets fresh counts at the next tick
    }
    if (feed != null) {
      feed.subscribed();
    }
  }

  public void pageClosed() {
    pages.decrementAndGet();
    if (feed != null) {
      feed.unsubscribed();
    }
  }

  /** The refused proposals this instance keeps (REJECT, WAIT, ABORT with their rules). */
  public Decisions decisions() {
    return decisions;
  }

  /** The reads the feed counts with. */
  public Console console() {
    return console;
  }

  /** The last snapshot (never null once started). */
  public Snapshot latest() {
    return latest;
  }

  /**
   * The runs by state for a request: the last counts (a new count starts in the background when
   * they are older than the counting delay allows to renew); counted now only before the first.
   */
  public Future<Console.StateCounts> counts() {
    Console.StateCounts c = counts;
    if (c == null) {
      return console.counts(clock).onSuccess(this::counted);
    }
    if (clock.millis() >= countDueAt && pages.get() == 0) {
      vertx.runOnContext(v -> countIfDue());
    }
    return Future.succeededFuture(c);
  }

  private void counted(Console.StateCounts c) {
    counts = c;
    countDueAt = clock.millis() + countDelayMillis(c.millis());
  }

  /** The wait after a count that took {@code tookMillis}: 20 times as long, at least a tick less a little. */
  static long countDelayMillis(long tookMillis) {
    return Math.max(TICK_MILLIS - 100, 20 * tookMillis);
  }

  private void tick() {
    digest.sample(clock.millis());
    if (pages.get() > 0) {
      countIfDue();
    }
    List<RunChange> list = new ArrayList<>(changes.values());
    int d = dropped;
    changes = new LinkedHashMap<>();
    dropped = 0;
    Snapshot s = snapshot(list, d);
    latest = s;
    for (Listener l : listeners) {
      try {
        l.tick(s);
      } catch (RuntimeException e) {
        LOG.warn("event=console_listener_failed error=\"{}\"", e.toString());
      }
    }
  }

  /** On the feed's context: a count, unless one runs or the last is recent enough. */
  private void countIfDue() {
    if (counting || clock.millis() < countDueAt) {
      return;
    }
    counting = true;
    console.counts(clock).onComplete(ar -> {
      counting = false;
      if (ar.succeeded()) {
        counted(ar.result());
      } else {
        countDueAt = clock.millis() + 5_000;
        LOG.warn("event=console_count_failed error=\"{}\"", ar.cause().toString());
      }
    });
  }

  private Snapshot snapshot(List<RunChange> list, int d) {
    return new Snapshot(++seq, clock.instant(), digest.view(HEADLINE_SECONDS), counts, List.copyOf(list), d, pages.get());
  }

  /** A stored event naming a run's new state (prefect.flow-run.* / prefect.task-run.* with a validated state). */
  private void noted(Event e) {
    RunChange c = change(e);
    if (c == null) {
      return;
    }
    if (changes.size() >= MAX_CHANGES && !changes.containsKey(c.id())) {
      dropped++;
      return;
    }
    changes.remove(c.id());
    changes.put(c.id(), c);
  }

  static RunChange change(Event e) {
    String rid = e.resourceId();
    String kind = rid.startsWith("prefect.flow-run.") ? "flow_run" : rid.startsWith("prefect.task-run.") ? "task_run" : null;
    if (kind == null || !e.event().startsWith("prefect." + kind.replace('_', '-') + ".")) {
      return null;
    }
    UUID id;
    try {
      id = UUID.fromString(rid.substring(rid.lastIndexOf('.') + 1));
    } catch (IllegalArgumentException notAnId) {
      return null;
    }
    JsonNode state = e.payload() == null ? null : e.payload().get("validated_state");
    if (state == null || !state.hasNonNull("type")) {
      return null;
    }
    return new RunChange(kind, id, state.get("type").asText(), state.path("name").asText(null), e.occurred());
  }
}
