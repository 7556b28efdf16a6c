package dev.baton.automations;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.runinput.JinjaTemplates;
import dev.baton.wire.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Jinja templating of actions (spec/automations.md §3.5): the context an action's templates see —
 * {@code automation}, {@code event} (with Prefect's helpers: {@code event.resource.id},
 * {@code event.resource_in_role['flow']} …), {@code labels} (dotted or by key), {@code firing} —
 * and the run-deployment parameter rules (a value that is one {@code {{ expr }}} keeps its JSON type).
 */
final class Templates {
  private static final TypeReference<Object> ANY = new TypeReference<>() {};

  private Templates() {}

  /** The context of a triggered action's templates. */
  static Map<String, Object> context(JsonNode triggeredAction) {
    Map<String, Object> ctx = new HashMap<>();
    ctx.put("automation", plain(triggeredAction.path("automation")));
    ctx.put("firing", plain(triggeredAction.path("firing")));
    JsonNode event = triggeredAction.path("triggering_event");
    ctx.put("event", event.isObject() ? event(event) : null);
    Map<String, String> labels = new LinkedHashMap<>();
    triggeredAction.path("triggering_labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    ctx.put("labels", diver(labels));
    return ctx;
  }

  /** A template rendered with {@code ctx}. */
  static String render(String template, Map<String, Object> ctx) throws JinjaTemplates.InvalidTemplate {
    return JinjaTemplates.renderWith(template, ctx);
  }

  /**
   * Run-deployment parameters rendered: template strings (a lone {@code {{ expr }}} parsed as JSON
   * to keep its type), {@code __prefect_kind} placeholders ({@code jinja}, {@code json}, {@code none};
   * one without its value is dropped).
   */
  static JsonNode parameters(JsonNode params, Map<String, Object> ctx) throws JinjaTemplates.InvalidTemplate {
    if (params == null || params.isNull()) {
      return params;
    }
    return value(params, ctx);
  }

  private static final java.util.regex.Pattern LONE = java.util.regex.Pattern.compile("^\\s*\\{\\{(.*)}}\\s*$",
      java.util.regex.Pattern.DOTALL);

  private static JsonNode value(JsonNode v, Map<String, Object> ctx) throws JinjaTemplates.InvalidTemplate {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (v.isObject()) {
      String kind = v.path("__prefect_kind").asText(null);
      if (kind != null) {
        switch (kind) {
          case "jinja":
            return v.has("template") ? value(f.textNode(v.get("template").asText()), ctx) : null;
          case "json":
            if (!v.has("value")) {
              return null;
            }
            try {
              return Json.MAPPER.readTree(v.get("value").asText());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
              throw new JinjaTemplates.InvalidTemplate("Invalid JSON: " + e.getOriginalMessage());
            }
          case "none":
            return v.has("value") ? v.get("value") : null;
          default:
            break;
        }
      }
      ObjectNode out = f.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode r = value(e.getValue(), ctx);
        if (r != null) {
          out.set(e.getKey(), r);
        }
      }
      return out;
    }
    if (v.isArray()) {
      com.fasterxml.jackson.databind.node.ArrayNode out = f.arrayNode();
      for (JsonNode x : v) {
        JsonNode r = value(x, ctx);
        if (r != null) {
          out.add(r);
        }
      }
      return out;
    }
    if (v.isTextual() && JinjaTemplates.maybeTemplate(v.asText())) {
      java.util.regex.Matcher m = LONE.matcher(v.asText());
      if (m.matches() && !m.group(1).contains("}}")) {
        String rendered = render("{{ (" + m.group(1).trim() + ") | tojson }}", ctx);
        try {
          return Json.MAPPER.readTree(rendered);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          return f.textNode(rendered);
        }
      }
      return f.textNode(render(v.asText(), ctx));
    }
    return v;
  }

  /** An event as templates read it: its fields plus Prefect's helpers. */
  static Map<String, Object> event(JsonNode e) {
    Map<String, Object> out = new HashMap<>(asMap(e));
    out.put("resource", resource(e.path("resource")));
    List<Object> related = new ArrayList<>();
    Map<String, Object> inRole = new LinkedHashMap<>();
    Map<String, List<Object>> allInRole = new LinkedHashMap<>();
    for (JsonNode r : e.path("related")) {
      Map<String, Object> res = resource(r);
      related.add(res);
      String role = r.path("prefect.resource.role").asText(null);
      if (role != null) {
        inRole.putIfAbsent(role, res);
        allInRole.computeIfAbsent(role, k -> new ArrayList<>()).add(res);
      }
    }
    out.put("related", related);
    out.put("resource_in_role", inRole);
    out.put("resources_in_role", allInRole);
    return out;
  }

  private static Map<String, Object> resource(JsonNode r) {
    Map<String, String> labels = new LinkedHashMap<>();
    r.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    Map<String, Object> out = new HashMap<>(labels);
    out.put("id", labels.get("prefect.resource.id"));
    out.put("name", labels.get("prefect.resource.name"));
    out.put("role", labels.get("prefect.resource.role"));
    out.put("labels", diver(labels));
    return out;
  }

  /** Labels readable by key and dotted ({@code labels.prefect.resource.id}), as Prefect's LabelDiver. */
  static Map<String, Object> diver(Map<String, String> labels) {
    Map<String, Object> out = new HashMap<>(labels);
    Map<String, Map<String, String>> heads = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : labels.entrySet()) {
      int dot = e.getKey().indexOf('.');
      if (dot > 0) {
        heads.computeIfAbsent(e.getKey().substring(0, dot), k -> new LinkedHashMap<>())
            .put(e.getKey().substring(dot + 1), e.getValue());
      }
    }
    heads.forEach((head, sub) -> out.putIfAbsent(head, diver(sub)));
    return out;
  }

  static Object plain(JsonNode n) {
    return n == null || n.isMissingNode() ? null : Json.MAPPER.convertValue(n, ANY);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(JsonNode n) {
    Object o = plain(n);
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : new HashMap<>();
  }
}
