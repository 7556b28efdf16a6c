package dev.baton.runinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;

/**
 * The input part of the resume algorithm (resume.md §3): hydrate the given {@code run_input}, find
 * and parse the stored schema, validate. Pure: the caller loads the schema record (key
 * {@link #schemaKey}) and the workspace variables beforehand.
 */
public final class ResumeInputCheck {
  private ResumeInputCheck() {}

  public static final String SCHEMA_NOT_FOUND = "Run input schema not found.";
  public static final String SCHEMA_NOT_JSON = "Run input schema is not valid JSON.";

  public sealed interface Outcome permits Ok, Reject {}

  /**
   * Proceed with orchestration. {@code input} is the hydrated input (usually an object; {@code {}}
   * when nothing was given); {@code responseKey} is the keyset's {@code response} key, or null when
   * the paused state asks for no input (nothing is then hydrated, validated or stored).
   */
  public record Ok(JsonNode input, String responseKey) implements Outcome {
    /** Whether an ACCEPTed resume stores the input under {@link #responseKey} (non-empty, as Python's truthiness). */
    public boolean shouldStore() {
      return responseKey != null && truthy(input);
    }
  }

  /** Answer 200 REJECT (details type abort_details) with this reason and the current state. */
  public record Reject(String reason) implements Outcome {}

  /** True when the keyset asks for input (a non-empty object). */
  public static boolean wantsInput(Map<String, String> keyset) {
    return keyset != null && !keyset.isEmpty();
  }

  /** The flow-run-input key holding the schema, or null (no keyset / no "schema" key). */
  public static String schemaKey(Map<String, String> keyset) {
    return wantsInput(keyset) ? keyset.get("schema") : null;
  }

  /**
   * @param keyset the paused state's {@code run_input_keyset} (null/empty: no input expected)
   * @param runInput the request's {@code run_input} (null or JSON null: none)
   * @param schemaValue the stored value under {@link #schemaKey}, or null when there is no such record
   *     (or the keyset has no "schema" key — Prefect fails with a 500 there)
   * @param variables all workspace variables by name
   */
  public static Outcome check(Map<String, String> keyset, JsonNode runInput, String schemaValue,
      Map<String, JsonNode> variables) {
    if (!wantsInput(keyset)) return new Ok(runInput == null ? JsonNodeFactory.instance.nullNode() : runInput, null);
    JsonNode input = truthy(runInput) ? runInput : JsonNodeFactory.instance.objectNode();
    try {
      input = Hydrator.hydrate(input, variables);
    } catch (Hydrator.HydrationException e) {
      return new Reject("Error hydrating run input: " + e.getMessage());
    }
    if (!truthy(input)) input = JsonNodeFactory.instance.objectNode();
    if (schemaKey(keyset) == null || schemaValue == null) return new Reject(SCHEMA_NOT_FOUND);
    JsonNode schema;
    try {
      schema = PyJson.loads(schemaValue);
    } catch (PyJson.DecodeError e) {
      return new Reject(SCHEMA_NOT_JSON);
    }
    RunInputValidator.Result r = RunInputValidator.validate(input, schema);
    if (r.reason() != null) return new Reject(r.reason());
    return new Ok(input, keyset.get("response"));
  }

  /** Python truthiness of a decoded JSON value. */
  static boolean truthy(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) return false;
    if (n.isContainerNode()) return !n.isEmpty();
    if (n.isTextual()) return !n.textValue().isEmpty();
    if (n.isBoolean()) return n.booleanValue();
    if (n.isNumber()) return n.doubleValue() != 0;
    return true;
  }
}
