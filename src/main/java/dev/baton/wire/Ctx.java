package dev.baton.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Validation context: the current location (a stack of keys and indexes below the root, e.g.
 * "body") and the errors collected so far. Not thread-safe; one per decode.
 */
public final class Ctx {
  private final ArrayList<Object> path = new ArrayList<>(16);
  private final List<ValidationError> errors = new ArrayList<>(2);

  public Ctx(String root) {
    path.add(root);
  }

  public Ctx push(Object key) {
    path.add(key);
    return this;
  }

  public void pop() {
    path.remove(path.size() - 1);
  }

  public int mark() {
    return errors.size();
  }

  public boolean failedSince(int mark) {
    return errors.size() > mark;
  }

  /** Forgets the errors recorded since {@code mark} (a union member that did not fit). */
  void rollback(int mark) {
    while (errors.size() > mark) {
      errors.remove(errors.size() - 1);
    }
  }

  public boolean ok() {
    return errors.isEmpty();
  }

  public List<ValidationError> errors() {
    return errors;
  }

  public void error(String type, String msg, JsonNode input, ObjectNode ctx) {
    errors.add(new ValidationError(type, path, msg, input, ctx));
  }

  public void error(String type, String msg, JsonNode input) {
    error(type, msg, input, null);
  }

  /** pydantic {@code value_error}: msg "Value error, <text>", ctx {"error": {}} (FastAPI encodes the exception as {}). */
  public void valueError(String text, JsonNode input) {
    ObjectNode c = JsonNodeFactory.instance.objectNode();
    c.putObject("error");
    error("value_error", "Value error, " + text, input, c);
  }

  public void missing(JsonNode input) {
    error("missing", "Field required", input);
  }

  static ObjectNode ctx(String key, Object value) {
    ObjectNode c = JsonNodeFactory.instance.objectNode();
    if (value instanceof Integer i) c.put(key, i);
    else if (value instanceof Long l) c.put(key, l);
    else if (value instanceof Double d) c.put(key, d);
    else c.put(key, String.valueOf(value));
    return c;
  }
}
