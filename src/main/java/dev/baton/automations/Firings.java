package dev.baton.automations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Automation;
import dev.baton.domain.Event;
import dev.baton.domain.Ids;
import dev.baton.persistence.TriggerStore;
import dev.baton.wire.AutomationRender;
import dev.baton.wire.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a trigger that fired becomes (spec/automations.md §2.10): the firing's JSON (Prefect's
 * {@code Firing}), the {@code prefect.automation.triggered} event, and one queued action per
 * {@code actions} entry (triggered by the firing's event) and per {@code actions_on_trigger} entry
 * (triggered by the automation.triggered event itself).
 */
final class Firings {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Firings() {}

  /** A firing as JSON: its id, trigger, states, time, labels, child firings and triggering event. */
  static ObjectNode firing(JsonNode trigger, Instant triggered, Map<String, String> labels, List<JsonNode> children,
      JsonNode triggeringEvent) {
    ObjectNode f = F.objectNode();
    f.put("id", Ids.uuid7().toString());
    f.set("trigger", trigger);
    f.putArray("trigger_states").add("Triggered");
    f.put("triggered", Times.format(triggered));
    ObjectNode l = f.putObject("triggering_labels");
    labels.forEach(l::put);
    ArrayNode kids = f.putArray("triggering_firings");
    children.forEach(kids::add);
    f.set("triggering_event", triggeringEvent == null ? F.nullNode() : triggeringEvent);
    f.putNull("triggering_value");
    return f;
  }

  /** The root firing acted on: its automation.triggered event and the actions to queue. */
  record Acted(Event triggered, List<TriggerStore.QueuedAction> actions) {}

  static Acted act(Automation a, ObjectNode firing, Instant at) {
    JsonNode event = firing.get("triggering_event");
    ObjectNode resource = F.objectNode();
    resource.put(Event.RESOURCE_ID, "prefect.automation." + a.id());
    resource.put("prefect.resource.name", a.name());
    if ("event".equals(a.trigger().path("type").asText())) {
      resource.put("prefect.posture", a.trigger().path("posture").asText());
    }
    ArrayNode related = F.arrayNode();
    if (event != null && !event.isNull() && event.hasNonNull("id")) {
      ObjectNode r = related.addObject();
      r.put(Event.RESOURCE_ID, "prefect.event." + event.get("id").asText());
      r.put(Event.RESOURCE_ROLE, "triggering-event");
    }
    ObjectNode payload = F.objectNode();
    payload.set("triggering_labels", firing.get("triggering_labels"));
    payload.set("triggering_event", event == null ? F.nullNode() : event);
    Event triggered = new Event(Ids.uuid7(), at, "prefect.automation.triggered", resource, related, payload, null, at);
    ObjectNode automationJson = AutomationRender.automation(a);
    List<TriggerStore.QueuedAction> actions = new ArrayList<>();
    int index = 0;
    for (JsonNode action : a.actions()) {
      actions.add(queued(a, automationJson, firing, action, index++, event, triggered.id(), at));
    }
    JsonNode triggeredJson = dev.baton.events.EventJson.render(triggered);
    for (JsonNode action : a.actionsOnTrigger()) {
      actions.add(queued(a, automationJson, firing, action, index++, triggeredJson, triggered.id(), at));
    }
    return new Acted(triggered, actions);
  }

  private static TriggerStore.QueuedAction queued(Automation a, ObjectNode automationJson, ObjectNode firing,
      JsonNode action, int index, JsonNode triggeringEvent, UUID triggeredEventId, Instant at) {
    UUID id = Ids.uuid7();
    ObjectNode ta = F.objectNode();
    ta.set("automation", automationJson);
    ta.put("id", id.toString());
    ta.set("firing", firing);
    ta.put("triggered", Times.format(at));
    ta.set("triggering_labels", firing.get("triggering_labels"));
    ta.set("triggering_event", triggeringEvent == null ? F.nullNode() : triggeringEvent);
    ta.set("action", action);
    ta.put("action_index", index);
    ta.put("automation_triggered_event_id", triggeredEventId.toString());
    return new TriggerStore.QueuedAction(id, a.id(), index, ta, 0);
  }
}
