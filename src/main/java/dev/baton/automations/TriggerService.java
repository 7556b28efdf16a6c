package dev.baton.automations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.automations.Triggers.CompositeTrigger;
import dev.baton.automations.Triggers.EventTrigger;
import dev.baton.automations.Triggers.Trigger;
import dev.baton.automations.Windows.Bucket;
import dev.baton.automations.Windows.Fired;
import dev.baton.domain.Automation;
import dev.baton.domain.Event;
import dev.baton.events.EventJson;
import dev.baton.persistence.AutomationStore;
import dev.baton.persistence.ServerEventStore;
import dev.baton.persistence.TriggerStore;
import dev.baton.persistence.TriggerStore.BucketRow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the triggers of enabled automations over the events Baton stores (spec/automations.md
 * §2), in every instance, safe with several instances on one database:
 * <ul>
 *   <li>an event stored while an automation is enabled is also put in the inbox, in its own
 *       transaction; this service claims inbox rows ({@code SKIP LOCKED}), evaluates them against
 *       the triggers that cover them and deletes them in <em>one</em> transaction with the windows
 *       it changed and the actions it queued — so an event is evaluated exactly once, and a kill -9
 *       mid-evaluation rolls back to an inbox that still holds it;
 *   <li>windows live in {@code automation_bucket}; concurrent evaluations of one trigger (from any
 *       instance) are serialized by an advisory lock per trigger, taken in a fixed order;
 *   <li>proactive triggers are claimed when due ({@code automation_proactive}, {@code SKIP LOCKED})
 *       and evaluated "as of" the older of now and the oldest event still waiting, so a backlog is
 *       never mistaken for an absence;
 *   <li>the automations are held in memory and reloaded when one changes (a notification from the
 *       writing transaction, and a periodic snapshot check as a safety net).
 * </ul>
 * Work starts on the notifications that announce stored events and on a short timer; nothing runs on
 * an event loop for longer than a batch's in-memory evaluation.
 */
public final class TriggerService extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TriggerService.class);
  /** Events evaluated per transaction. */
  static final int BATCH = 500;
  /** How long past their end windows are kept (Prefect: 60 s). */
  static final Duration EXPIRED_BUCKET_BUFFER = Duration.ofSeconds(60);

  /** An enabled automation, compiled. */
  record Loaded(Automation automation, Trigger root, List<EventTrigger> eventTriggers,
      Map<UUID, CompositeTrigger> parents, Map<UUID, JsonNode> triggerJson) {}

  private final Pool pool;
  private final PgConnectOptions connectOptions;
  private final long tickMillis;
  private final long proactiveMillis;
  private final Counter evaluated;
  private final Counter fired;
  private final Timer batchTimer;
  private volatile Map<UUID, Loaded> loaded = Map.of();
  private PgSubscriber subscriber;
  /** Set on stop: work still finishing then (the pool closing under it) is not reported. */
  private volatile boolean stopped;
  private String snapshot = "";
  private boolean draining;
  private boolean again;
  private boolean proactiveBusy;
  private long tickTimer = -1;
  private long proactiveTimer = -1;

  /**
   * @param tickMillis how often the inbox is looked at without a notification
   * @param proactiveMillis how often due proactive triggers are evaluated (Prefect: 5 s)
   */
  public TriggerService(Pool pool, PgConnectOptions connectOptions, MeterRegistry registry, long tickMillis,
      long proactiveMillis) {
    this.pool = pool;
    this.connectOptions = connectOptions;
    this.tickMillis = tickMillis;
    this.proactiveMillis = proactiveMillis;
    this.evaluated = Counter.builder("baton.automations.events.evaluated")
        .description("Events evaluated against the triggers of enabled automations").register(registry);
    this.fired = Counter.builder("baton.automations.fired").description("Automation firings acted on")
        .register(registry);
    this.batchTimer = Timer.builder("baton.automations.batch").description("One evaluation transaction")
        .register(registry);
  }

  @Override
  public Future<?> start() {
    subscriber = PgSubscriber.subscriber(vertx, new PgConnectOptions(connectOptions))
        .reconnectPolicy(retries -> Math.min(5_000L, 100L << Math.min(retries, 6)));
    subscriber.channel(AutomationStore.CHANNEL).handler(id -> reload());
    subscriber.channel(ServerEventStore.CHANNEL).handler(payload -> {
      if (!loaded.isEmpty()) {
        drain();
      }
    });
    return reloadNow().compose(v -> subscriber.connect()).onSuccess(v -> {
      tickTimer = vertx.setPeriodic(tickMillis, id -> {
        checkSnapshot();
        if (!loaded.isEmpty()) {
          drain();
        }
      });
      proactiveTimer = vertx.setPeriodic(proactiveMillis, id -> proactive());
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(tickTimer);
    vertx.cancelTimer(proactiveTimer);
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }

  /** The automations being evaluated (for tests and metrics). */
  public int automations() {
    return loaded.size();
  }

  // ---- the automations in memory -------------------------------------------------------------

  private void reload() {
    reloadNow().onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("event=automations_reload_failed error=\"{}\"", ar.cause().toString());
      } else if (!loaded.isEmpty()) {
        drain(); // events that came before this instance knew of the automation
      }
    });
  }

  private Future<Void> reloadNow() {
    return Future.all(AutomationStore.snapshot(pool), AutomationStore.enabled(pool))
        .map(both -> install(both.resultAt(1), both.resultAt(0)))
        .mapEmpty();
  }

  /** The enabled automations read (after {@code snap}) in the evaluation's transaction, now loaded. */
  private Future<Map<UUID, Loaded>> reloadIn(SqlConnection c, String snap) {
    return AutomationStore.enabled(c).map(list -> install(list, snap));
  }

  private Map<UUID, Loaded> install(List<Automation> list, String snap) {
    Map<UUID, Loaded> next = new LinkedHashMap<>();
    for (Automation a : list) {
      try {
        next.put(a.id(), compile(a));
      } catch (RuntimeException e) {
        LOG.warn("event=automation_not_loaded automation_id={} error=\"{}\"", a.id(), e.toString());
      }
    }
    loaded = Map.copyOf(next);
    snapshot = snap;
    return loaded;
  }

  private void checkSnapshot() {
    AutomationStore.snapshot(pool).onSuccess(s -> {
      if (!s.equals(snapshot)) {
        reload();
      }
    });
  }

  static Loaded compile(Automation a) {
    Trigger root = Triggers.compile(a.trigger());
    List<EventTrigger> events = new ArrayList<>();
    Map<UUID, CompositeTrigger> parents = new HashMap<>();
    for (Trigger t : root.all()) {
      if (t instanceof EventTrigger e) {
        events.add(e);
      } else if (t instanceof CompositeTrigger c) {
        c.triggers().forEach(child -> parents.put(child.id(), c));
      }
    }
    Map<UUID, JsonNode> json = new HashMap<>();
    index(a.trigger(), json);
    return new Loaded(a, root, List.copyOf(events), Map.copyOf(parents), Map.copyOf(json));
  }

  private static void index(JsonNode t, Map<UUID, JsonNode> out) {
    out.put(UUID.fromString(t.get("id").asText()), t);
    t.path("triggers").forEach(c -> index(c, out));
  }

  // ---- reactive: the inbox -------------------------------------------------------------------

  /** Evaluates inbox batches until it is empty; one drain at a time per instance. */
  private void drain() {
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    again = false;
    long t0 = System.nanoTime();
    pool.withTransaction(this::evaluateBatch).onComplete(ar -> {
      batchTimer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
      draining = false;
      if (ar.failed()) {
        if (!stopped) {
          LOG.warn("event=automation_evaluation_failed error=\"{}\"", ar.cause().toString());
        }
        return; // the inbox still holds the batch: the next notification or tick retries it
      }
      if (ar.result() >= BATCH || again) {
        drain();
      }
    });
  }

  /**
   * One transaction, three round trips and the commit: (1) claim and remove inbox rows, with their
   * events; (2) lock the triggers they concern and read the windows of their keys, pipelined (the
   * read starts once the locks are held); (3) write the windows back and act on the firings,
   * pipelined. Returns the number of inbox rows claimed.
   */
  private Future<Integer> evaluateBatch(SqlConnection c) {
    // the automations' snapshot is read after the claim: every automation an event claimed here was
    // stored under is in it, and when it is not the one loaded, the automations are read again first
    Future<TriggerStore.Claimed> claim = TriggerStore.claimEvents(c, BATCH);
    Future<String> snap = AutomationStore.snapshot(c);
    return Future.all(claim, snap).compose(x -> {
      if (claim.result().claimed() == 0) {
        return Future.succeededFuture(0);
      }
      Future<Map<UUID, Loaded>> current = snap.result().equals(snapshot) ? Future.succeededFuture(loaded)
          : reloadIn(c, snap.result());
      return current.compose(automations -> evaluate(c, claim.result(), automations));
    });
  }

  private Future<Integer> evaluate(SqlConnection c, TriggerStore.Claimed claimed, Map<UUID, Loaded> automations) {
    List<Event> events = new ArrayList<>(claimed.events());
    events.sort((x, y) -> x.occurred().compareTo(y.occurred()));
    // which triggers each event concerns
    List<Interest> interests = new ArrayList<>();
    TreeSet<Long> locks = new TreeSet<>();
    for (Event e : events) {
      if ("prefect.log.write".equals(e.event())) {
        continue;
      }
      List<JsonNode> resource = List.of(e.resource());
      List<JsonNode> related = Triggers.relatedOf(e);
      Rendered rendered = new Rendered(e);
      for (Loaded l : automations.values()) {
        for (EventTrigger t : l.eventTriggers()) {
          if (t.covers(e, resource, related)) {
            interests.add(new Interest(l, t, e, t.key(e), rendered));
            lockChain(l, t.id(), locks);
          }
        }
      }
    }
    evaluated.increment(events.size());
    if (interests.isEmpty()) {
      return Future.succeededFuture(claimed.claimed());
    }
    Future<Void> locked = TriggerStore.lockTriggers(c, new ArrayList<>(locks));
    Future<Table> read = loadBuckets(c, interests);
    return Future.all(locked, read)
        .compose(x -> {
          Table table = read.result();
          List<FiredIn> firings = new ArrayList<>();
          for (Interest in : interests) {
            Event e = in.event();
            Windows.react(in.trigger(), table.forAutomation(in.loaded().automation().id()), in.key(), e.event(),
                e.occurred(), in.rendered().json(), f -> firings.add(new FiredIn(in.loaded(), f)));
          }
          Future<Void> written = table.write(c);
          Future<Void> acted = fire(c, firings);
          return Future.all(written, acted);
        })
        .map(claimed.claimed());
  }

  /** An event's JSON, rendered once for all the triggers that need it. */
  private static final class Rendered {
    private final Event event;
    private JsonNode json;

    Rendered(Event event) {
      this.event = event;
    }

    JsonNode json() {
      if (json == null) {
        json = EventJson.render(event);
      }
      return json;
    }
  }

  /** An event a trigger covers, with its bucketing key. */
  private record Interest(Loaded loaded, EventTrigger trigger, Event event, List<String> key, Rendered rendered) {}

  /** A firing of one of an automation's event triggers. */
  private record FiredIn(Loaded loaded, Fired fired) {}

  /** The lock of a trigger and of every composite trigger above it (taken child before parent, all sorted). */
  private static void lockChain(Loaded l, UUID trigger, TreeSet<Long> locks) {
    UUID at = trigger;
    while (at != null) {
      locks.add(lockKey(l.automation().id(), at));
      CompositeTrigger parent = l.parents().get(at);
      at = parent == null ? null : parent.id();
    }
  }

  static long lockKey(UUID automation, UUID trigger) {
    return automation.getMostSignificantBits() ^ automation.getLeastSignificantBits() * 31
        ^ trigger.getMostSignificantBits() * 17 ^ trigger.getLeastSignificantBits();
  }

  /** The windows of the keys the batch touches (not every window of its triggers). */
  private static Future<Table> loadBuckets(SqlConnection c, List<Interest> interests) {
    List<UUID> autos = new ArrayList<>();
    List<UUID> triggers = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Interest in : interests) {
      String key = Table.keyText(in.key());
      if (seen.add(in.loaded().automation().id() + "/" + in.trigger().id() + "/" + key)) {
        autos.add(in.loaded().automation().id());
        triggers.add(in.trigger().id());
        keys.add(key);
      }
    }
    return TriggerStore.bucketsByKey(c, autos, triggers, keys).map(Table::new);
  }

  // ---- proactive ------------------------------------------------------------------------------

  private void proactive() {
    if (proactiveBusy || loaded.isEmpty()) {
      return;
    }
    proactiveBusy = true;
    Map<UUID, Loaded> automations = loaded;
    pool.withTransaction(c -> TriggerStore.claimDue(c, 50).compose(due -> {
      if (due.isEmpty()) {
        return Future.succeededFuture();
      }
      return TriggerStore.asOf(c).compose(asOf -> {
        Future<Void> chain = Future.succeededFuture();
        for (TriggerStore.Due d : due) {
          chain = chain.compose(v -> proactiveOne(c, automations.get(d.automationId()), d, asOf));
        }
        return chain.compose(v -> TriggerStore.sweep(c, asOf.minus(EXPIRED_BUCKET_BUFFER))).mapEmpty();
      });
    })).onComplete(ar -> {
      proactiveBusy = false;
      if (ar.failed()) {
        if (!stopped) {
          LOG.warn("event=automation_proactive_failed error=\"{}\"", ar.cause().toString());
        }
      }
    });
  }

  private Future<Void> proactiveOne(SqlConnection c, Loaded l, TriggerStore.Due d, Instant asOf) {
    EventTrigger t = l == null ? null : l.eventTriggers().stream().filter(e -> e.id().equals(d.triggerId()))
        .findFirst().orElse(null);
    if (t == null || !t.proactive()) {
      // disabled, deleted, or no longer this trigger: looked at again in a minute (a write reschedules it)
      return TriggerStore.reschedule(c, d.automationId(), d.triggerId(), asOf.plusSeconds(60));
    }
    TreeSet<Long> locks = new TreeSet<>();
    lockChain(l, t.id(), locks);
    UUID automation = l.automation().id();
    Future<Void> locked = TriggerStore.lockTriggers(c, new ArrayList<>(locks));
    // with for_each, only the ended windows leave the database (the satisfied ones are deleted there)
    Future<TriggerStore.Ended> read = t.forEach().isEmpty()
        ? TriggerStore.buckets(c, List.of(automation), List.of(t.id())).map(rows -> new TriggerStore.Ended(rows, null))
        : TriggerStore.endedBuckets(c, automation, t.id(), t.threshold(), asOf);
    return Future.all(locked, read)
        .compose(x -> {
          Table table = new Table(read.result().ended());
          List<Bucket> buckets = table.all(automation, t.id());
          List<FiredIn> firings = new ArrayList<>();
          Instant next = Windows.proactive(t, table.forAutomation(automation), buckets, asOf,
              read.result().nextEnd(), f -> firings.add(new FiredIn(l, f)));
          return table.write(c).compose(v -> fire(c, firings))
              .compose(v -> TriggerStore.reschedule(c, d.automationId(), d.triggerId(), next));
        });
  }

  // ---- firing ---------------------------------------------------------------------------------

  /**
   * Acts on the firings of one transaction: root firings become their automation.triggered events
   * and queued actions, written together (two statements whatever their number); a child's firing
   * is first fed to its composite parent (§2.9), which may fire in turn.
   */
  private Future<Void> fire(SqlConnection c, List<FiredIn> firings) {
    if (firings.isEmpty()) {
      return Future.succeededFuture();
    }
    // a window read from the database knows its last event by id only: those are read now
    List<UUID> stubs = new ArrayList<>();
    for (FiredIn f : firings) {
      if (isStub(f.fired().event())) {
        stubs.add(UUID.fromString(f.fired().event().get("id").asText()));
      }
    }
    Future<Map<String, JsonNode>> resolved = stubs.isEmpty() ? Future.succeededFuture(Map.of())
        : ServerEventStore.byIds(c, stubs).map(found -> {
          Map<String, JsonNode> byId = new HashMap<>();
          found.forEach(e -> byId.put(e.id().toString(), EventJson.render(e)));
          return byId;
        });
    return resolved.compose(byId -> act(c, firings, byId));
  }

  private Future<Void> act(SqlConnection c, List<FiredIn> firings, Map<String, JsonNode> resolved) {
    List<Event> events = new ArrayList<>();
    List<TriggerStore.QueuedAction> actions = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (FiredIn f : firings) {
      Loaded l = f.loaded();
      JsonNode event = f.fired().event();
      if (isStub(event)) {
        event = resolved.get(event.get("id").asText()); // null: the event has been trimmed since
      }
      ObjectNode firing = Firings.firing(l.triggerJson().get(f.fired().trigger().id()), now(), f.fired().labels(),
          List.of(), event);
      chain = chain.compose(v -> propagate(c, l, f.fired().trigger().id(), firing, events, actions));
    }
    return chain.compose(v -> Future.all(ServerEventStore.insertEvents(c, events), TriggerStore.queueActions(c, actions))
        .mapEmpty());
  }

  /**
   * A firing of {@code triggerId}: acted on at the root (its event and actions added to {@code
   * events}/{@code actions}), else fed to its composite parent.
   */
  private Future<Void> propagate(SqlConnection c, Loaded l, UUID triggerId, ObjectNode firing, List<Event> events,
      List<TriggerStore.QueuedAction> actions) {
    CompositeTrigger parent = l.parents().get(triggerId);
    if (parent == null) {
      fired.increment();
      Firings.Acted acted = Firings.act(l.automation(), firing, now());
      events.add(acted.triggered());
      actions.addAll(acted.actions());
      return Future.succeededFuture();
    }
    JsonNode event = firing.get("triggering_event");
    if (parent.required() == 1) {
      return propagate(c, l, parent.id(), Firings.firing(l.triggerJson().get(parent.id()), now(), Map.of(),
          List.of(firing), event), events, actions);
    }
    Instant firedAt = Instant.parse(firing.get("triggered").asText());
    UUID firingId = UUID.fromString(firing.get("id").asText());
    Instant horizon = parent.within() == null ? null : firedAt.minus(parent.within());
    return TriggerStore.recordChildFiring(c, l.automation().id(), parent.id(),
        new TriggerStore.ChildFiring(triggerId, firingId, firedAt, firing), horizon).compose(stored -> {
          if (stored.stream().noneMatch(s -> s.firingId().equals(firingId)) || !ready(parent, stored)) {
            return Future.succeededFuture();
          }
          List<UUID> ids = stored.stream().map(TriggerStore.ChildFiring::firingId).toList();
          return TriggerStore.clearChildFirings(c, l.automation().id(), parent.id(), ids).compose(deleted -> {
            if (deleted != ids.size()) {
              return Future.succeededFuture(); // another evaluation claimed them
            }
            List<JsonNode> children = stored.stream().map(TriggerStore.ChildFiring::firing).toList();
            return propagate(c, l, parent.id(), Firings.firing(l.triggerJson().get(parent.id()), now(), Map.of(),
                children, event), events, actions);
          });
        });
  }

  /** A compound trigger has enough child firings; a sequence has them all, in its children's order. */
  static boolean ready(CompositeTrigger parent, List<TriggerStore.ChildFiring> firings) {
    if (!parent.sequence()) {
      return firings.size() >= parent.required();
    }
    if (firings.size() < parent.triggers().size()) {
      return false;
    }
    List<TriggerStore.ChildFiring> byTime = new ArrayList<>(firings);
    byTime.sort((a, b) -> a.firedAt().compareTo(b.firedAt()));
    for (int i = 0; i < parent.triggers().size(); i++) {
      if (!byTime.get(i).childTriggerId().equals(parent.triggers().get(i).id())) {
        return false;
      }
    }
    return true;
  }

  /** An event known by id only ({@link Table}'s windows read back from the database). */
  static boolean isStub(JsonNode event) {
    return event != null && event.size() == 1 && event.has("id");
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  // ---- the buckets of one transaction ---------------------------------------------------------

  /** The buckets read for a transaction, changed in memory, written back at the end. */
  static final class Table {
    private record Key(UUID automation, UUID trigger, String key) {}

    private final Map<Key, Bucket> buckets = new LinkedHashMap<>();
    private final java.util.Set<Key> dirty = new java.util.LinkedHashSet<>();

    Table(List<BucketRow> rows) {
      for (BucketRow r : rows) {
        buckets.put(new Key(r.automationId(), r.triggerId(), r.key()),
            new Bucket(keyList(r.key()), r.start(), r.end(), r.count(), stub(r.lastEventId())));
      }
    }

    List<Bucket> all(UUID automation, UUID trigger) {
      List<Bucket> out = new ArrayList<>();
      buckets.forEach((k, b) -> {
        if (b != null && k.automation().equals(automation) && k.trigger().equals(trigger)) {
          out.add(b);
        }
      });
      out.sort((x, y) -> x.start().compareTo(y.start()));
      return out;
    }

    Windows.BucketTable forAutomation(UUID automation) {
      return new Windows.BucketTable() {
        @Override
        public Bucket read(EventTrigger t, List<String> key) {
          return buckets.get(new Key(automation, t.id(), keyText(key)));
        }

        @Override
        public void write(EventTrigger t, Bucket b) {
          Key k = new Key(automation, t.id(), keyText(b.key()));
          buckets.put(k, b);
          dirty.add(k);
        }

        @Override
        public void remove(EventTrigger t, List<String> key) {
          Key k = new Key(automation, t.id(), keyText(key));
          buckets.put(k, null);
          dirty.add(k);
        }
      };
    }

    Future<Void> write(SqlConnection c) {
      List<BucketRow> upserts = new ArrayList<>();
      List<UUID> da = new ArrayList<>();
      List<UUID> dt = new ArrayList<>();
      List<String> dk = new ArrayList<>();
      for (Key k : dirty) {
        Bucket b = buckets.get(k);
        if (b == null) {
          da.add(k.automation());
          dt.add(k.trigger());
          dk.add(k.key());
        } else {
          upserts.add(new BucketRow(k.automation(), k.trigger(), k.key(), b.start(), b.end(), b.count(),
              eventId(b.lastEvent())));
        }
      }
      dirty.clear();
      // a key is either deleted or written, so the two statements are pipelined
      return Future.all(TriggerStore.deleteBuckets(c, da, dt, dk), TriggerStore.writeBuckets(c, upserts)).mapEmpty();
    }

    /** A stored window's last event: its id alone, read in full only if the window fires. */
    private static JsonNode stub(UUID id) {
      return id == null ? null : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
          .put("id", id.toString());
    }

    private static UUID eventId(JsonNode event) {
      JsonNode id = event == null ? null : event.get("id");
      return id == null || !id.isTextual() ? null : UUID.fromString(id.asText());
    }

    static String keyText(List<String> key) {
      if (key.isEmpty()) {
        return "[]";
      }
      if (key.size() == 1 && plain(key.get(0))) {
        return "[\"" + key.get(0) + "\"]"; // what Jackson writes for it, without a generator
      }
      com.fasterxml.jackson.databind.node.ArrayNode a = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
          .arrayNode();
      key.forEach(a::add);
      return a.toString();
    }

    /** Written by JSON as it is: no quote, backslash or control character. */
    private static boolean plain(String v) {
      for (int i = 0; i < v.length(); i++) {
        char ch = v.charAt(i);
        if (ch == '"' || ch == '\\' || ch < 0x20) {
          return false;
        }
      }
      return true;
    }

    static List<String> keyList(String text) {
      List<String> out = new ArrayList<>();
      try {
        dev.baton.wire.Json.MAPPER.readTree(text).forEach(n -> out.add(n.asText()));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("bucketing key " + text, e);
      }
      return out;
    }
  }
}
