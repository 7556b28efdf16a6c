package dev.baton.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One pydantic-v2 style error: {@code {type, loc, msg, input, ctx?}}. {@code loc} holds Strings and
 * Integers; {@code input} is the offending JSON value (never Java null; JSON null is NullNode);
 * {@code ctx} is null when the error type has no context.
 */
public record ValidationError(String type, List<Object> loc, String msg, JsonNode input, ObjectNode ctx) {

  public ValidationError {
    loc = List.copyOf(loc);
    if (input == null || input.isMissingNode()) {
      input = NullNode.instance;
    }
  }

  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("type", type);
    ArrayNode l = o.putArray("loc");
    for (Object p : loc) {
      if (p instanceof Integer i) {
        l.add(i);
      } else {
        l.add(String.valueOf(p));
      }
    }
    o.put("msg", msg);
    o.set("input", input);
    if (ctx != null) {
      o.set("ctx", ctx);
    }
    return o;
  }

  /** The loc rendered like {@code body.state.type}, for messages and tests. */
  public String path() {
    StringBuilder sb = new StringBuilder();
    for (Object p : loc) {
      if (sb.length() > 0) sb.append('.');
      sb.append(p);
    }
    return sb.toString();
  }
}
