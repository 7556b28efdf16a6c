package dev.baton.runinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Hydration of dehydrated {@code run_input} values (resume.md §4), in the mode the resume endpoint
 * uses: raise on the first error, render Jinja, resolve workspace variables. Objects carrying
 * {@code "__prefect_kind"} are replaced by their hydrated value; a "remove" result drops the member
 * from its parent object/array, and turns a top-level result into {@code {}}. With a
 * {@link RunInputBudget.Spending}, every template is counted and rendered within it, and the time
 * budget is checked at every {@code __prefect_kind} object.
 */
public final class Hydrator {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final String KIND = "__prefect_kind";

  /** Marker for "drop this member". */
  private static final JsonNode REMOVE = F.pojoNode(new Object() {
    @Override
    public String toString() {
      return "RemoveValue";
    }
  });

  /** The first hydration failure; {@link #getMessage()} is Prefect's HydrationError message. */
  public static final class HydrationException extends Exception {
    public HydrationException(String message) {
      super(message, null, false, false);
    }
  }

  private final Map<String, JsonNode> variables;
  private final RunInputBudget.Spending spending;

  /** @param variables all workspace variables by name (their stored JSON values) */
  public Hydrator(Map<String, JsonNode> variables) {
    this(variables, RunInputBudget.UNLIMITED.start());
  }

  /**
   * @param variables all workspace variables by name (their stored JSON values)
   * @param spending the budget the hydration spends (templates, their output, time)
   */
  public Hydrator(Map<String, JsonNode> variables, RunInputBudget.Spending spending) {
    this.variables = Map.copyOf(variables);
    this.spending = spending;
  }

  /** Hydrates {@code value} without a budget; JSON null stays null; a removed top-level value becomes {@code {}}. */
  public static JsonNode hydrate(JsonNode value, Map<String, JsonNode> variables) throws HydrationException {
    try {
      return new Hydrator(variables).hydrate(value);
    } catch (RunInputBudget.Exceeded e) {
      throw new IllegalStateException("an unlimited budget was exceeded", e);
    }
  }

  /**
   * Whether hydrating {@code value} may read a workspace variable: some object in it is a
   * {@code {"__prefect_kind": "workspace_variable", …}} (text parsed by a {@code json} kind is not
   * hydrated again, so it cannot add one). Lets the caller skip loading the variables.
   */
  public static boolean referencesVariables(JsonNode value) {
    if (value == null) {
      return false;
    }
    if (value.isObject()) {
      JsonNode kind = value.get(KIND);
      if (kind != null && "workspace_variable".equals(kind.textValue())) {
        return true;
      }
    }
    if (value.isContainerNode()) {
      for (JsonNode child : value) {
        if (referencesVariables(child)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Hydrates {@code value} within this hydrator's budget. */
  public JsonNode hydrate(JsonNode value) throws HydrationException, RunInputBudget.Exceeded {
    if (value == null || value.isMissingNode()) return NullNode.instance;
    JsonNode r = walk(value);
    return r == REMOVE ? F.objectNode() : r;
  }

  private JsonNode walk(JsonNode n) throws HydrationException, RunInputBudget.Exceeded {
    if (n.isObject()) {
      if (n.has(KIND)) return handle((ObjectNode) n);
      ObjectNode out = F.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = walk(e.getValue());
        if (v != REMOVE) out.set(e.getKey(), v);
      }
      return out;
    }
    if (n.isArray()) {
      ArrayNode out = F.arrayNode(n.size());
      for (JsonNode e : n) {
        JsonNode v = walk(e);
        if (v != REMOVE) out.add(v);
      }
      return out;
    }
    return n;
  }

  private JsonNode handle(ObjectNode o) throws HydrationException, RunInputBudget.Exceeded {
    spending.checkTime();
    JsonNode kind = o.get(KIND);
    String k = kind.isTextual() ? kind.textValue() : null;
    if ("none".equals(k)) {
      if (!o.has("value")) throw new HydrationException("Missing 'value' key in __prefect object");
      return walk(o.get("value"));
    }
    if ("json".equals(k)) {
      if (!o.has("value")) return REMOVE;
      JsonNode raw = o.get("value");
      JsonNode text = raw.isObject() ? walk(raw) : raw;
      if (text == REMOVE) return REMOVE;
      if (!text.isTextual()) {
        throw new HydrationException("Invalid JSON: the JSON object must be str, bytes or bytearray, not "
            + PyRepr.typeName(text));
      }
      try {
        return PyJson.loads(text.textValue());
      } catch (PyJson.DecodeError e) {
        throw new HydrationException("Invalid JSON: " + e.getMessage());
      }
    }
    if ("jinja".equals(k)) {
      if (!o.has("template")) throw new HydrationException("Missing 'template' key in __prefect object");
      JsonNode raw = o.get("template");
      JsonNode t = raw.isObject() ? walk(raw) : raw;
      if (t == REMOVE || !t.isTextual()) {
        // jinja2 cannot parse a non-string (Prefect fails with a 500 here)
        throw new HydrationException("Invalid jinja: expected string or bytes-like object, got '"
            + (t == REMOVE ? "RemoveValue" : PyRepr.typeName(t)) + "'");
      }
      try {
        spending.template(t.textValue());
        JinjaTemplates.validate(t.textValue());
        String out = JinjaTemplates.render(t.textValue(), spending);
        spending.rendered(out);
        return F.textNode(out);
      } catch (JinjaTemplates.InvalidTemplate e) {
        throw new HydrationException("Invalid jinja: " + e.getMessage());
      }
    }
    if ("workspace_variable".equals(k)) {
      if (!o.has("variable_name")) return REMOVE;
      JsonNode raw = o.get("variable_name");
      JsonNode name = raw.isObject() ? walk(raw) : raw;
      if (name != REMOVE && name.isTextual()) {
        JsonNode v = variables.get(name.textValue());
        if (v != null) return v.deepCopy();
      }
      throw new HydrationException("Variable '" + (name == REMOVE ? "RemoveValue" : PyRepr.str(name))
          + "' not found in workspace.");
    }
    JsonNode v = o.get("value");
    return v == null ? NullNode.instance : v;
  }
}
