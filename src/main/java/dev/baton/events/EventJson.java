package dev.baton.events;

import static dev.baton.wire.Types.ANY;
import static dev.baton.wire.Types.BOOL;
import static dev.baton.wire.Types.DATETIME;
import static dev.baton.wire.Types.FLOAT;
import static dev.baton.wire.Types.INT32;
import static dev.baton.wire.Types.LABELS;
import static dev.baton.wire.Types.OBJECT;
import static dev.baton.wire.Types.STR;
import static dev.baton.wire.Types.STR_LIST;
import static dev.baton.wire.Types.UUID_T;
import static dev.baton.wire.Types.enumOf;
import static dev.baton.wire.Types.list;
import static dev.baton.wire.Types.range;
import static dev.baton.wire.Types.str;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Event;
import dev.baton.events.EventFilter.RelatedCriteria;
import dev.baton.events.EventFilter.ResourceCriteria;
import dev.baton.filter.TextSearch;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRunPolicy;
import dev.baton.wire.Bodies;
import dev.baton.wire.Ctx;
import dev.baton.wire.Decoded;
import dev.baton.wire.Json;
import dev.baton.wire.Model;
import dev.baton.wire.Times;
import dev.baton.wire.Type;
import dev.baton.wire.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Events as JSON, both ways: Prefect's {@code Event} (validated as its server does: a resource
 * with a non-empty {@code prefect.resource.id}, related resources with a role as well, string
 * label values, at most 500 labels per resource and 500 related resources, names of at most 1024
 * characters), the {@code EventFilter} subset of {@link EventFilter}, the rendered
 * {@code ReceivedEvent} and {@code EventPage}, and the task-run facts of a client-orchestrated
 * task-run event. Jackson only, no Vert.x.
 */
public final class EventJson {
  private EventJson() {}

  static final JsonNodeFactory F = JsonNodeFactory.instance;
  public static final int MAX_LABELS = 500;
  public static final int MAX_RELATED = 500;
  public static final int MAX_NAME_LENGTH = 1024;
  /** Prefect's INTERACTIVE_PAGE_SIZE: the largest (and default) page of {@code /events/filter}. */
  public static final int PAGE_SIZE = 50;
  /** Events sent as backfill on {@code /events/out}, at most (Prefect: 1000). */
  public static final int BACKFILL = 1000;

  private static final Type<Instant> TIME = DATETIME.map(Times::micros);
  private static final Type<Instant> NTIME = TIME.nullable();
  private static final Type<String> NSTR = STR.nullable();

  /** A resource: string labels, a non-empty id, and for related resources a non-empty role. */
  private static Type<ObjectNode> resource(boolean related) {
    return (n, c) -> {
      if (!n.isObject()) {
        c.error("dict_type", "Input should be a valid dictionary", n);
        return null;
      }
      int m = c.mark();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        c.push(e.getKey());
        STR.decode(e.getValue(), c);
        c.pop();
      }
      if (c.failedSince(m)) return null;
      if (n.size() > MAX_LABELS) {
        c.valueError("The maximum number of labels per resource is " + MAX_LABELS, n);
      } else if (n.path(Event.RESOURCE_ID).asText("").isEmpty()) {
        c.valueError(n.has(Event.RESOURCE_ID) ? "The prefect.resource.id label must be non-empty"
            : "Resources must include the prefect.resource.id label", n);
      } else if (related && n.path(Event.RESOURCE_ROLE).asText("").isEmpty()) {
        c.valueError(n.has(Event.RESOURCE_ROLE) ? "The prefect.resource.role label must be non-empty"
            : "Related Resources must include the prefect.resource.role label", n);
      }
      return c.failedSince(m) ? null : (ObjectNode) n;
    };
  }

  private static final Type<ArrayNode> RELATED = (n, c) -> {
    if (!n.isArray()) {
      c.error("list_type", "Input should be a valid list", n);
      return null;
    }
    int m = c.mark();
    Type<ObjectNode> r = resource(true);
    for (int i = 0; i < n.size(); i++) {
      c.push(i);
      r.decode(n.get(i), c);
      c.pop();
    }
    if (!c.failedSince(m) && n.size() > MAX_RELATED) {
      c.valueError("The maximum number of related resources is " + MAX_RELATED, n);
    }
    return c.failedSince(m) ? null : (ArrayNode) n;
  };

  /** Prefect's {@code Event}; unknown keys (a client's {@code received}, say) are ignored. */
  private static Model<Event> eventModel(Instant received) {
    return Model.<Event>ignore("Event")
        .req("occurred", TIME)
        .req("event", str(0, MAX_NAME_LENGTH))
        .req("resource", resource(false))
        .opt("related", RELATED, F.arrayNode())
        .opt("payload", OBJECT, F.objectNode())
        .req("id", UUID_T)
        .opt("follows", UUID_T.nullable())
        .build(v -> new Event(v.get("id"), v.get("occurred"), v.get("event"), v.get("resource"), v.get("related"),
            v.get("payload"), v.get("follows"), received));
  }

  /** One event (a websocket frame), received now. */
  public static Decoded<Event> event(JsonNode n, Instant received) {
    return eventModel(Times.micros(received)).decodeBody(n);
  }

  /** {@code POST /events}: a JSON array of events. */
  public static Decoded<List<Event>> events(JsonNode body, Instant received) {
    Ctx c = new Ctx("body");
    if (body == null || body.isNull()) {
      c.missing(NullNode.instance);
      return Decoded.invalid(c.errors());
    }
    List<Event> l = list(eventModel(Times.micros(received))).decode(body, c);
    return c.ok() ? Decoded.ok(l) : Decoded.invalid(c.errors());
  }

  // ---- filters ---------------------------------------------------------------------------

  private static final Type<Object> UNSUPPORTED = (n, c) -> {
    if (!n.isNull()) {
      c.valueError("this filter criterion is not supported by Baton", n);
    }
    return null;
  };
  /** A list criterion; an empty list is no criterion at all, as in Prefect (its filters test truthiness). */
  private static <T> Type<List<T>> criterion(Type<List<T>> list) {
    return list.nullable().map(l -> l.isEmpty() ? null : l);
  }

  private static final Type<List<String>> NSTRS = criterion(STR_LIST);

  /** {@code Union[F, list[F]]}: one filter or a list of them (all must hold); null = none. */
  private static <F> Type<List<F>> oneOrMany(Model<F> model) {
    Type<List<F>> many = list(model);
    return (n, c) -> n.isNull() ? null : n.isArray() ? many.decode(n, c) : model.map(List::of).decode(n, c);
  }

  private record Occurred(Instant since, Instant until, boolean untilGiven) {}

  private record NameF(List<String> prefix, List<String> excludePrefix, List<String> name, List<String> excludeName) {}


  private static Instant defaultSince(Instant now) {
    return now.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant().minus(180, ChronoUnit.DAYS);
  }

  private static Model<EventFilter> filterModel(Instant now) {
    Model<Occurred> occurred = Model.<Occurred>forbid("EventOccurredFilter")
        .opt("since", TIME)
        .opt("until", TIME)
        .build(v -> new Occurred(v.get("since", defaultSince(now)), v.get("until", now), v.has("until")));
    Model<NameF> name = Model.<NameF>forbid("EventNameFilter")
        .opt("prefix", NSTRS).opt("exclude_prefix", NSTRS).opt("name", NSTRS).opt("exclude_name", NSTRS)
        .build(v -> new NameF(v.get("prefix"), v.get("exclude_prefix"), v.get("name"), v.get("exclude_name")));
    Model<ResourceCriteria> resource = Model.<ResourceCriteria>forbid("EventResourceFilter")
        .opt("id", NSTRS).opt("id_prefix", NSTRS).opt("labels", UNSUPPORTED)
        .opt("distinct", BOOL.check(b -> b ? "distinct is not supported by Baton" : null))
        .build(v -> new ResourceCriteria(v.get("id"), v.get("id_prefix")));
    Model<ResourceCriteria> anyResource = Model.<ResourceCriteria>forbid("EventAnyResourceFilter")
        .opt("id", NSTRS).opt("id_prefix", NSTRS).opt("labels", UNSUPPORTED)
        .build(v -> new ResourceCriteria(v.get("id"), v.get("id_prefix")));
    Type<List<String>> pair = list(STR).check(p -> p.size() == 2 ? null : "expected [resource id, role]");
    Model<RelatedCriteria> related = Model.<RelatedCriteria>forbid("EventRelatedFilter")
        .opt("id", NSTRS).opt("role", NSTRS).opt("resources_in_roles", criterion(list(pair)))
        .opt("labels", UNSUPPORTED)
        .build(v -> new RelatedCriteria(v.get("id"), v.get("role"), v.get("resources_in_roles")));
    Model<TextSearch> text = Model.<TextSearch>forbid("EventTextFilter")
        .req("query", str(0, 200))
        .build(v -> TextSearch.parse(v.get("query")));
    Model<List<UUID>> ids = Model.<List<UUID>>forbid("EventIDFilter")
        .opt("id", criterion(list(UUID_T)))
        .build(v -> v.get("id"));
    Occurred defaultOccurred = new Occurred(defaultSince(now), now, false);
    return Model.<EventFilter>forbid("EventFilter")
        .opt("occurred", occurred, defaultOccurred)
        .opt("event", name.nullable())
        .opt("any_resource", oneOrMany(anyResource))
        .opt("resource", resource.nullable())
        .opt("related", oneOrMany(related))
        .opt("id", ids.nullable())
        .opt("text", text.nullable())
        .opt("order", Types.enumValues("ASC", "DESC"), "DESC")
        .build(v -> {
          Occurred o = v.get("occurred", defaultOccurred);
          NameF nf = v.get("event", new NameF(null, null, null, null));
          ResourceCriteria rf = v.get("resource", new ResourceCriteria(null, null));
          List<ResourceCriteria> af = v.<List<ResourceCriteria>>get("any_resource", List.of()).stream()
              .filter(a -> a.id() != null || a.idPrefix() != null).toList();
          List<RelatedCriteria> lf = v.<List<RelatedCriteria>>get("related", List.of()).stream()
              .filter(r -> r.id() != null || r.role() != null || r.inRoles() != null).toList();
          TextSearch t = v.get("text");
          return new EventFilter(o.since(), o.until(), o.untilGiven(), nf.prefix(), nf.excludePrefix(), nf.name(),
              nf.excludeName(), rf.id(), rf.idPrefix(), af, lf, v.get("id"), t == null || t.isEmpty() ? null : t,
              "DESC".equals(v.get("order")));
        });
  }

  /** {@code POST /events/filter} body: {@code {filter, limit}} (both optional). */
  public record FilterRequest(EventFilter filter, int limit) {}

  public static Decoded<FilterRequest> filterRequest(JsonNode body, Instant now) {
    Model<EventFilter> fm = filterModel(Times.micros(now));
    EventFilter all = fm.decodeBody(F.objectNode()).value();
    return Model.<FilterRequest>embedded("read_events")
        .opt("filter", fm.nullable())
        .opt("limit", range(INT32, 0, PAGE_SIZE), PAGE_SIZE)
        .build(v -> new FilterRequest(v.get("filter", all), v.get("limit", PAGE_SIZE)))
        .decodeBody(body);
  }

  /** The filter of a {@code /events/out} {@code filter} message ({@code null} = everything). */
  public static Decoded<EventFilter> filter(JsonNode n, Instant now) {
    Model<EventFilter> fm = filterModel(Times.micros(now));
    return fm.decodeBody(n == null || n.isNull() ? F.objectNode() : n);
  }

  // ---- rendering -------------------------------------------------------------------------

  /** Prefect's {@code ReceivedEvent} JSON. */
  public static ObjectNode render(Event e) {
    ObjectNode o = F.objectNode();
    o.put("occurred", Times.format(e.occurred()));
    o.put("event", e.event());
    o.set("resource", e.resource());
    o.set("related", e.related());
    o.set("payload", e.payload());
    o.put("id", e.id().toString());
    if (e.follows() == null) {
      o.putNull("follows");
    } else {
      o.put("follows", e.follows().toString());
    }
    o.put("received", Times.format(e.received()));
    return o;
  }

  /** Prefect's {@code EventPage}. */
  public static byte[] page(List<Event> events, long total, String nextPage) {
    ObjectNode o = F.objectNode();
    ArrayNode a = o.putArray("events");
    events.forEach(e -> a.add(render(e)));
    o.put("total", total);
    if (nextPage == null) {
      o.putNull("next_page");
    } else {
      o.put("next_page", nextPage);
    }
    return bytes(o);
  }

  /** {@code {"type":"event","event":…}}, the {@code /events/out} frame. */
  public static String outFrame(Event e) {
    ObjectNode o = F.objectNode();
    o.put("type", "event");
    o.set("event", render(e));
    return o.toString();
  }

  static byte[] bytes(JsonNode n) {
    try {
      return Json.MAPPER.writeValueAsBytes(n);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- client-orchestrated task-run events -------------------------------------------------

  public static final String TASK_RUN_PREFIX = "prefect.task-run.";
  public static final String FLOW_RUN_PREFIX = "prefect.flow-run.";

  /** Whether the task-run recorder takes this event (Prefect's rule: name and orchestration label). */
  public static boolean isClientTaskRunEvent(Event e) {
    return e.event().startsWith("prefect.task-run") && "client".equals(e.resource().path("prefect.orchestration").asText(null));
  }

  private static final Model<StateFacts> VALIDATED_STATE = Model.<StateFacts>ignore("State")
      .req("type", enumOf(StateType.class))
      .opt("name", NSTR)
      .opt("message", NSTR)
      .opt("state_details", Bodies.STATE_DETAILS.nullable())
      .opt("data", ANY.nullable())
      .build(v -> new StateFacts(v.get("type"), v.get("name"), v.get("message"),
          v.get("state_details", StateDetails.EMPTY), v.get("data")));

  private record StateFacts(StateType type, String name, String message, StateDetails details, JsonNode data) {}

  private static final Type<Long> MICROS = FLOAT.check(d -> d < 0 || d > 1e12 ? "out of range" : null)
      .map(d -> Math.round(d * 1_000_000));

  private static Model<TaskRunEvent> taskRunModel(Event e, UUID taskRunId, UUID flowRunId, StateFacts s) {
    return Model.<TaskRunEvent>ignore("TaskRun")
        .opt("name", NSTR)
        .req("task_key", STR)
        .req("dynamic_key", STR)
        .opt("cache_key", NSTR)
        .opt("cache_expiration", NTIME)
        .opt("task_version", NSTR)
        .opt("empirical_policy", Bodies.TASK_RUN_POLICY.nullable())
        .opt("tags", STR_LIST.nullable())
        .opt("labels", LABELS.nullable())
        .opt("task_inputs", OBJECT.nullable())
        .opt("run_count", INT32.nullable())
        .opt("flow_run_run_count", INT32.nullable())
        .opt("expected_start_time", NTIME)
        .opt("next_scheduled_start_time", NTIME)
        .opt("start_time", NTIME)
        .opt("end_time", NTIME)
        .opt("total_run_time", MICROS.nullable())
        .build(v -> {
          StateDetails d = s.details().toBuilder().taskRunId(taskRunId).flowRunId(flowRunId).build();
          return new TaskRunEvent(e, taskRunId, flowRunId, v.get("name", ""), v.get("task_key"), v.get("dynamic_key"),
              v.get("cache_key"), v.get("cache_expiration"), v.get("task_version"),
              v.get("empirical_policy", TaskRunPolicy.DEFAULT), v.get("tags", List.of()),
              v.get("labels", F.objectNode()), v.get("task_inputs", F.objectNode()), v.get("run_count", 0),
              v.get("flow_run_run_count", 0), v.get("expected_start_time"), v.get("next_scheduled_start_time"),
              v.get("start_time"), v.get("end_time"), v.get("total_run_time", 0L), s.type(),
              s.name() == null ? s.type().defaultName() : s.name(), s.message(), d, s.data());
        });
  }

  /**
   * The task-run facts of a client-orchestrated task-run event, or a one-line reason why the
   * event cannot be recorded (it is still stored as an event).
   */
  public static Decoded<TaskRunEvent> taskRunEvent(Event e) {
    String rid = e.resourceId();
    UUID taskRunId = rid.startsWith(TASK_RUN_PREFIX) ? Types.parseUuidOrNull(rid.substring(TASK_RUN_PREFIX.length())) : null;
    if (taskRunId == null) {
      return Decoded.detail("resource id " + rid + " is not prefect.task-run.<uuid>");
    }
    UUID flowRunId = null;
    String fr = e.relatedIdInRole("flow-run");
    if (fr != null) {
      flowRunId = fr.startsWith(FLOW_RUN_PREFIX) ? Types.parseUuidOrNull(fr.substring(FLOW_RUN_PREFIX.length())) : null;
      if (flowRunId == null) {
        return Decoded.detail("related flow-run id " + fr + " is not prefect.flow-run.<uuid>");
      }
    }
    Ctx c = new Ctx("payload");
    JsonNode state = e.payload().get("validated_state");
    JsonNode run = e.payload().get("task_run");
    if (state == null || run == null) {
      return Decoded.detail("payload lacks validated_state or task_run");
    }
    c.push("validated_state");
    StateFacts s = VALIDATED_STATE.decode(state, c);
    c.pop();
    if (!c.ok()) {
      return Decoded.invalid(c.errors());
    }
    c.push("task_run");
    TaskRunEvent t = taskRunModel(e, taskRunId, flowRunId, s).decode(run, c);
    c.pop();
    return c.ok() ? Decoded.ok(t) : Decoded.invalid(c.errors());
  }
}
