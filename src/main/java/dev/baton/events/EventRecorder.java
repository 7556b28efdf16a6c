package dev.baton.events;

import dev.baton.config.BatonConfig;
import dev.baton.domain.Event;
import dev.baton.wire.Decoded;
import dev.baton.orchestration.api.LocalCodec;
import dev.baton.persistence.EventStore;
import dev.baton.persistence.SqlErrors;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives events from every HTTP verticle, writes them in batches — the event store and, for
 * client-orchestrated task-run events, the task runs and their states (Prefect's task-run
 * recorder) — and answers each submission only once its events are committed. One instance per
 * Vert.x instance, deployed as a verticle so its batches run on one context.
 *
 * <p><b>Batching.</b> A submission leaves at once when nothing is being written; submissions
 * arriving meanwhile wait and leave together (up to {@code batchSize} events) when the write in
 * flight commits — no timer, so an idle server answers with the latency of one transaction.
 *
 * <p><b>Backpressure.</b> {@link #pending()} counts events submitted and not yet committed;
 * callers check {@link #hasRoom} first (POST answers 503, a websocket stops reading and waits for
 * {@link #whenRoom}). The buffer is therefore bounded by {@code bufferEvents} plus at most one
 * frame per websocket connection.
 *
 * <p><b>Failure.</b> A batch PostgreSQL refuses is written again event by event, so one bad event
 * cannot fail the others; an event whose task run cannot be recorded is still stored (and
 * logged). A lost connection or other transient error fails the submissions in the batch: nothing
 * was acknowledged, so the client sends them again.
 *
 * <p>After each commit the newly stored events are published on {@link #RECORDED_ADDRESS} (local
 * delivery, {@link Recorded}) for {@code /events/out} subscribers of this instance; the batch's
 * notification carries them to the other instances' ({@link EventFeed}).
 */
public final class EventRecorder extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  public static final String RECORDED_ADDRESS = "baton.events.recorded";

  /** Events newly stored by one commit, in arrival order. */
  public record Recorded(List<Event> events) {}

  private record Submission(List<Event> events, Promise<Void> promise, Context caller) {}

  private final Pool pool;
  private final BatonConfig.Events settings;
  private final Clock clock;
  private final io.micrometer.core.instrument.MeterRegistry registry;
  private final io.micrometer.core.instrument.Counter stored;
  private final io.micrometer.core.instrument.Counter recorded;
  private final io.micrometer.core.instrument.DistributionSummary batchSize;
  private final ConcurrentLinkedQueue<Submission> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final CopyOnWriteArrayList<Runnable> roomWaiters = new CopyOnWriteArrayList<>();
  private volatile Context home;
  private boolean writing; // on the recorder's context only
  private long trimTimer = -1;
  /** This recorder's name in its notifications: other instances read what it stored, it does not. */
  private final String instance = java.util.UUID.randomUUID().toString();

  /** @param registry where the recorder's metrics go (a throw-away registry when null) */
  public EventRecorder(Pool pool, BatonConfig.Events settings, Clock clock,
      io.micrometer.core.instrument.MeterRegistry registry) {
    this.pool = pool;
    this.settings = settings;
    this.clock = clock;
    this.registry = registry != null ? registry : new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    this.stored = io.micrometer.core.instrument.Counter.builder("baton.events.stored")
        .description("Events newly stored (duplicates of stored events not counted)").register(this.registry);
    this.recorded = io.micrometer.core.instrument.Counter.builder("baton.events.task.run.recorded")
        .description("Client-orchestrated task-run events written into task runs and their states").register(this.registry);
    this.batchSize = io.micrometer.core.instrument.DistributionSummary.builder("baton.events.batch.size")
        .description("Events written in one transaction").register(this.registry);
    io.micrometer.core.instrument.Gauge.builder("baton.events.pending", pending, AtomicInteger::get)
        .description("Events received and not yet committed (bounded by BATON_EVENTS_BUFFER)").register(this.registry);
  }

  /** Counts a task-run event that is stored but not recorded, by reason. */
  private void notRecorded(String reason) {
    io.micrometer.core.instrument.Counter.builder("baton.events.task.run.not.recorded")
        .description("Client-orchestrated task-run events stored but not recorded as task-run states")
        .tag("reason", reason).register(registry).increment();
  }

  @Override
  public Future<?> start() {
    home = context;
    try {
      vertx.eventBus().registerDefaultCodec(Recorded.class, new LocalCodec<>(Recorded.class));
    } catch (IllegalStateException alreadyRegistered) {
      // another recorder of this Vert.x instance registered it
    }
    if (settings.trimIntervalMillis() > 0) {
      trimTimer = vertx.setPeriodic(settings.trimIntervalMillis(), settings.trimIntervalMillis(), t -> trim());
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (trimTimer >= 0) {
      vertx.cancelTimer(trimTimer);
    }
    return Future.succeededFuture();
  }

  /** This recorder's (this instance's) name in the notifications of what it stored. */
  public String instance() {
    return instance;
  }

  /** Events submitted and not yet committed. */
  public int pending() {
    return pending.get();
  }

  /** Whether {@code n} more events fit the buffer (an empty buffer takes any number). */
  public boolean hasRoom(int n) {
    int p = pending.get();
    return p == 0 || p + n <= settings.bufferEvents();
  }

  /** Runs {@code r} (once, on the caller's context) when the buffer has room again. */
  public void whenRoom(Runnable r) {
    Context caller = vertx.getOrCreateContext();
    Runnable onCaller = () -> caller.runOnContext(v -> r.run());
    roomWaiters.add(onCaller);
    if (pending.get() < settings.bufferEvents() && roomWaiters.remove(onCaller)) {
      onCaller.run();
    }
  }

  /**
   * Stores (and records) {@code events}; completes, on the caller's context, once they are
   * committed — or fails, and then nothing may be assumed stored. Thread-safe.
   */
  public Future<Void> submit(List<Event> events) {
    Promise<Void> p = Promise.promise();
    if (events.isEmpty()) {
      p.complete();
      return p.future();
    }
    pending.addAndGet(events.size());
    queue.add(new Submission(events, p, vertx.getOrCreateContext()));
    home.runOnContext(v -> writeNext());
    return p.future();
  }

  /** On the recorder's context: the next batch, unless one is being written. */
  private void writeNext() {
    if (writing || queue.isEmpty()) {
      return;
    }
    List<Submission> batch = new ArrayList<>();
    int count = 0;
    while (!queue.isEmpty() && (batch.isEmpty() || count + queue.peek().events().size() <= settings.batchSize())) {
      Submission s = queue.poll();
      batch.add(s);
      count += s.events().size();
    }
    writing = true;
    batchSize.record(count);
    List<Event> events = new ArrayList<>(count);
    batch.forEach(s -> events.addAll(s.events()));
    int n = count;
    writeBatch(events).onComplete(ar -> {
      writing = false;
      pending.addAndGet(-n);
      if (ar.succeeded()) {
        Outcome o = ar.result();
        for (Submission s : batch) {
          Throwable failure = s.events().stream().map(e -> o.failed().contains(e.id()) ? o.cause() : null)
              .filter(x -> x != null).findFirst().orElse(null);
          settle(s, failure);
        }
        Set<java.util.UUID> published = new HashSet<>();
        List<Event> fresh = events.stream().filter(e -> o.inserted().contains(e.id()) && published.add(e.id())).toList();
        stored.increment(fresh.size());
        if (!fresh.isEmpty()) {
          vertx.eventBus().publish(RECORDED_ADDRESS, new Recorded(fresh));
        }
      } else {
        LOG.warn("event=events_write_failed events={} error=\"{}\"", n, ar.cause().toString());
        batch.forEach(s -> settle(s, ar.cause()));
      }
      if (pending.get() < settings.bufferEvents()) {
        for (Runnable r : roomWaiters) {
          if (roomWaiters.remove(r)) {
            r.run();
          }
        }
      }
      writeNext();
    });
  }

  private static void settle(Submission s, Throwable failure) {
    s.caller().runOnContext(v -> {
      if (failure == null) {
        s.promise().complete();
      } else {
        s.promise().fail(failure);
      }
    });
  }

  /** Newly stored event ids; events that could not be stored (with one cause for them all). */
  private record Outcome(Set<java.util.UUID> inserted, Set<java.util.UUID> failed, Throwable cause) {}

  private Future<Outcome> writeBatch(List<Event> events) {
    List<TaskRunEvent> runs = new ArrayList<>();
    java.util.Map<Event, TaskRunEvent> runOf = new java.util.IdentityHashMap<>();
    for (Event e : events) {
      TaskRunEvent r = taskRun(e);
      if (r != null) {
        runs.add(r);
        runOf.put(e, r);
      }
    }
    return EventStore.write(pool, events, runs, instance)
        .map(w -> {
          logNoFlowRun(w, runs.size());
          return new Outcome(w.inserted(), Set.of(), null);
        })
        .recover(t -> {
          if (SqlErrors.isRetryable(t) || events.size() == 1) {
            return events.size() == 1 ? writeAlone(events.get(0), runOf.get(events.get(0))) : Future.failedFuture(t);
          }
          LOG.warn("event=events_batch_refused events={} error=\"{}\"; writing them one by one", events.size(), t.toString());
          return writeOneByOne(events, runOf, 0, new Outcome(new HashSet<>(), new HashSet<>(), null));
        });
  }

  private Future<Outcome> writeOneByOne(List<Event> events, java.util.Map<Event, TaskRunEvent> runOf, int i,
      Outcome acc) {
    if (i == events.size()) {
      return Future.succeededFuture(acc);
    }
    return writeAlone(events.get(i), runOf.get(events.get(i))).transform(ar -> {
      if (ar.failed()) {
        // transient: the rest would fail too; leave them to the client's resend
        return Future.failedFuture(ar.cause());
      }
      acc.inserted().addAll(ar.result().inserted());
      acc.failed().addAll(ar.result().failed());
      Outcome next = ar.result().cause() != null && acc.cause() == null
          ? new Outcome(acc.inserted(), acc.failed(), ar.result().cause()) : acc;
      return writeOneByOne(events, runOf, i + 1, next);
    });
  }

  /** One event (and its task-run facts, or null): stored and recorded; if the recording is refused, stored alone (logged). */
  private Future<Outcome> writeAlone(Event e, TaskRunEvent r) {
    return EventStore.write(pool, List.of(e), r == null ? List.of() : List.of(r), instance)
        .map(w -> {
          logNoFlowRun(w, r == null ? 0 : 1);
          return new Outcome(w.inserted(), Set.of(), null);
        })
        .recover(t -> {
          if (SqlErrors.isRetryable(t) || r == null) {
            return SqlErrors.isRetryable(t) ? Future.failedFuture(t)
                : Future.succeededFuture(new Outcome(Set.of(), Set.of(e.id()), t));
          }
          LOG.warn("event=task_run_event_not_recorded id={} event={} resource={} error=\"{}\"",
              e.id(), e.event(), e.resourceId(), t.toString());
          notRecorded("refused");
          return EventStore.write(pool, List.of(e), List.of(), instance)
              .map(w -> new Outcome(w.inserted(), Set.of(), null))
              .recover(t2 -> SqlErrors.isRetryable(t2) ? Future.failedFuture(t2)
                  : Future.succeededFuture(new Outcome(Set.of(), Set.of(e.id()), t2)));
        });
  }

  private TaskRunEvent taskRun(Event e) {
    if (!EventJson.isClientTaskRunEvent(e)) {
      return null;
    }
    Decoded<TaskRunEvent> d = EventJson.taskRunEvent(e);
    if (!d.isOk()) {
      LOG.warn("event=task_run_event_not_recorded id={} event={} reason=\"{}\"", e.id(), e.event(),
          d.detail() != null ? d.detail() : d.errors());
      notRecorded("invalid");
      return null;
    }
    return d.value();
  }

  /** Counts what a committed write recorded, and logs the task-run events whose flow run is missing. */
  private void logNoFlowRun(EventStore.Written w, int runs) {
    recorded.increment(runs - w.noFlowRun().size());
    for (TaskRunEvent r : w.noFlowRun()) {
      notRecorded("no_flow_run");
      LOG.warn("event=task_run_event_not_recorded id={} event={} task_run_id={} reason=\"flow run {} does not exist\"",
          r.event().id(), r.event().event(), r.taskRunId(), r.flowRunId());
    }
  }

  /** The periodic trim: events past retention, batch by batch, until a batch comes back short. */
  private void trim() {
    trimNow().onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("event=events_trim_failed error=\"{}\"", ar.cause().toString());
      } else if (ar.result() > 0) {
        LOG.info("event=events_trimmed count={}", ar.result());
      }
    });
  }

  /** Deletes the events past retention now; completes with how many. */
  public Future<Long> trimNow() {
    java.time.Instant before = clock.instant().minus(Duration.ofDays(settings.retentionDays()));
    return trimLoop(before, 0);
  }

  private Future<Long> trimLoop(java.time.Instant before, long acc) {
    return EventStore.trim(pool, before, settings.trimBatch())
        .compose(n -> n == settings.trimBatch() ? trimLoop(before, acc + n) : Future.succeededFuture(acc + n));
  }
}
