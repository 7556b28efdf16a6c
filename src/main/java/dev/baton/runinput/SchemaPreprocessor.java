package dev.baton.runinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Prefect's {@code preprocess_schema}: the fixes applied to a stored schema before validation. */
final class SchemaPreprocessor {
  private SchemaPreprocessor() {}

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** A deep copy of {@code schema} with Prefect's fixes applied (see class doc of resume.md §5). */
  static ObjectNode preprocess(ObjectNode schema) {
    ObjectNode s = schema.deepCopy();
    if (s.get("properties") instanceof ObjectNode props) {
      processProperties(props, s.get("required"));
    }
    for (String key : new String[] {"definitions", "$defs"}) {
      if (!(s.get(key) instanceof ObjectNode defs)) continue;
      List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
      defs.fields().forEachRemaining(entries::add);
      for (Map.Entry<String, JsonNode> e : entries) {
        if (!(e.getValue() instanceof ObjectNode def)) continue;
        if (def.get("properties") instanceof ObjectNode props) {
          processProperties(props, def.get("required"));
        }
        if (def.has("block_type_slug")) {
          JsonNode title = def.get("title");
          String name = title != null && title.isTextual() ? title.textValue() : e.getKey();
          ObjectNode alt = F.objectNode().put("type", "object");
          ArrayNode refKinds = alt.putObject("properties").putObject("$ref").putArray("oneOf");
          refKinds.addObject().put("type", "string").put("format", "uuid");
          refKinds.addObject().put("type", "object");
          alt.putArray("required").add("$ref");
          ObjectNode wrapped = F.objectNode();
          wrapped.putArray("oneOf").add(def).add(alt);
          defs.set(name, wrapped);
        }
      }
    }
    return s;
  }

  private static boolean contains(JsonNode required, String key) {
    if (required == null || !required.isArray()) return false;
    for (JsonNode r : required) {
      if (r.isTextual() && r.textValue().equals(key)) return true;
    }
    return false;
  }

  private static void processProperties(ObjectNode props, JsonNode required) {
    for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!(e.getValue() instanceof ObjectNode sub)) continue;
      JsonNode type = sub.get("type");
      if (!contains(required, e.getKey()) && type != null && !(type.isTextual() && type.textValue().equals("null"))
          && !sub.has("default")) {
        ArrayNode any = F.arrayNode();
        any.addObject().set("type", type);
        any.addObject().put("type", "null");
        sub.set("anyOf", any);
        sub.remove("type");
      }
      JsonNode items = sub.get("items");
      JsonNode prefix = sub.get("prefixItems");
      if (items != null && items.isArray() && !items.isEmpty() && !truthy(prefix)) {
        sub.set("prefixItems", items.deepCopy());
        sub.remove("items");
      }
      if (sub.get("properties") instanceof ObjectNode nested) {
        // as in Prefect, the nested object's `required` also applies to the following siblings
        required = sub.get("required");
        processProperties(nested, required);
      }
    }
  }

  private static boolean truthy(JsonNode n) {
    if (n == null || n.isNull()) return false;
    if (n.isContainerNode()) return !n.isEmpty();
    if (n.isTextual()) return !n.textValue().isEmpty();
    if (n.isBoolean()) return n.booleanValue();
    if (n.isNumber()) return n.doubleValue() != 0;
    return true;
  }
}
