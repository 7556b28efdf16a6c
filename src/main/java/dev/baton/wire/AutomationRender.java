package dev.baton.wire;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Automation;
import java.util.List;

/** Automations as the API answers them (spec/automations.md §1.1). */
public final class AutomationRender {
  private AutomationRender() {}

  public static ObjectNode automation(Automation a) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("name", a.name());
    o.put("description", a.description());
    o.put("enabled", a.enabled());
    ArrayNode tags = o.putArray("tags");
    a.tags().forEach(tags::add);
    o.set("trigger", a.trigger().deepCopy());
    o.set("actions", a.actions().deepCopy());
    o.set("actions_on_trigger", a.actionsOnTrigger().deepCopy());
    o.set("actions_on_resolve", a.actionsOnResolve().deepCopy());
    o.put("id", a.id().toString());
    o.put("created", Times.format(a.created()));
    o.put("updated", Times.format(a.updated()));
    return o;
  }

  public static ArrayNode automations(List<Automation> list) {
    ArrayNode arr = JsonNodeFactory.instance.arrayNode();
    list.forEach(a -> arr.add(automation(a)));
    return arr;
  }
}
