package dev.baton.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code POST /variables/} (VariableCreate) and {@code PATCH /variables/…} (VariableUpdate) bodies:
 * Prefect's VariableName (lowercase letters, digits, {@code -} and {@code _}, at most 255
 * characters, checked in that order) and StrictVariableValue (any JSON value whose compact JSON is
 * at most 5000 bytes; null allowed).
 */
public final class VariableBodies {
  private VariableBodies() {}

  /** {@code POST /variables/}: {@code value} may be JSON null, but must be present. */
  public record VariableCreate(String name, JsonNode value, List<String> tags) {}

  /** {@code PATCH}: only present keys change ({@code hasValue}: the key was sent, null included). */
  public record VariableUpdate(String name, boolean hasValue, JsonNode value, List<String> tags) {}

  static final int MAX_NAME_LENGTH = 255;
  static final int MAX_VALUE_LENGTH = 5000;
  private static final Pattern NAME_CHARS = Pattern.compile("[a-z0-9_-]*");

  static final Type<String> NAME = (n, c) -> {
    String s = Types.STR.decode(n, c);
    if (s == null) return null;
    if (!NAME_CHARS.matcher(s).matches()) {
      c.valueError("Variable name must only contain lowercase letters, numbers, and dashes or underscores.", n);
      return null;
    }
    int len = s.codePointCount(0, s.length());
    if (len > MAX_NAME_LENGTH) {
      com.fasterxml.jackson.databind.node.ObjectNode ctx = Types.F.objectNode();
      ctx.put("field_type", "Value");
      ctx.put("max_length", MAX_NAME_LENGTH);
      ctx.put("actual_length", len);
      c.error("too_long", "Value should have at most " + MAX_NAME_LENGTH + " items after validation, not " + len, n, ctx);
      return null;
    }
    return s;
  };

  static final Type<JsonNode> VALUE = (n, c) -> {
    if (!n.isNull() && Bodies.jsonSize(n) > MAX_VALUE_LENGTH) {
      c.valueError("Variable value must be less than " + MAX_VALUE_LENGTH + " characters", n);
      return null;
    }
    JsonNode v = Types.ANY.decode(n, c);
    return v == null || v.isNull() ? null : v;
  };

  static final Model<VariableCreate> CREATE = Model.<VariableCreate>forbid("VariableCreate")
      .req("name", NAME)
      .req("value", VALUE)
      .opt("tags", Types.STR_LIST, List.of())
      .build(v -> new VariableCreate(v.get("name"), v.get("value"), v.get("tags")));

  /**
   * Prefect lets {@code "name": null} and {@code "tags": null} through to the database (a 409 on its
   * NOT NULL columns); Baton answers them 422 (docs/compatibility.md).
   */
  static final Model<VariableUpdate> UPDATE = Model.<VariableUpdate>forbid("VariableUpdate")
      .opt("name", NAME)
      .opt("value", VALUE.nullable(), null)
      .opt("tags", Types.STR_LIST)
      .build(v -> new VariableUpdate(v.get("name"), v.has("value"), v.get("value"), v.get("tags")));

  public static Decoded<VariableCreate> create(JsonNode body) {
    return CREATE.decodeBody(body);
  }

  public static Decoded<VariableUpdate> update(JsonNode body) {
    return UPDATE.decodeBody(body);
  }
}
