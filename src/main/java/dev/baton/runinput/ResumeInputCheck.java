package dev.baton.runinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;

/**
 * The input part of the resume algorithm (resume.md §3): hydrate the given {@code run_input}, find
 * and parse the stored schema, validate. Pure: the caller loads the schema record (key
 * {@link #schemaKey}) and the workspace variables beforehand. CPU-bound (Jinja, JSON Schema): the
 * server runs it on a worker thread, within a {@link RunInputBudget}.
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
    return check(keyset, runInput, schemaValue, variables, RunInputBudget.UNLIMITED.start());
  }

  /**
   * As above, within a budget: a run input with more templates or template text than it allows is
   * refused before anything is rendered; rendering and validation are abandoned once its time is
   * spent (and a validation that ends past it is refused too). Refusals are {@link Reject}s with
   * the reason {@link RunInputBudget.Exceeded#reason()}.
   */
  public static Outcome check(Map<String, String> keyset, JsonNode runInput, String schemaValue,
      Map<String, JsonNode> variables, RunInputBudget.Spending spending) {
    if (!wantsInput(keyset)) return new Ok(runInput == null ? JsonNodeFactory.instance.nullNode() : runInput, null);
    JsonNode input = truthy(runInput) ? runInput : JsonNodeFactory.instance.objectNode();
    try {
      spending.prescan(input);
      input = new Hydrator(variables, spending).hydrate(input);
    } catch (Hydrator.HydrationException e) {
      return new Reject("Error hydrating run input: " + e.getMessage());
    } catch (RunInputBudget.Exceeded e) {
      return new Reject(e.reason());
    }
    if (!truthy(input)) input = JsonNodeFactory.instance.objectNode();
    if (schemaKey(keyset) == null || schemaValue == null) return new Reject(SCHEMA_NOT_FOUND);
    JsonNode schema;
    try {
      schema = PyJson.loads(schemaValue);
    } catch (PyJson.DecodeError e) {
      return new Reject(SCHEMA_NOT_JSON);
    }
    RunInputValidator.Result r;
    try {
      spending.checkTime();
      r = RunInputValidator.validate(input, schema);
      spending.checkTime();
    } catch (RunInputBudget.Exceeded e) {
      return new Reject(e.reason());
    }
    if (r.reason() != null) return new Reject(r.reason());
    return new Ok(input, keyset.get("response"));
  }

  /** True when {@code o} refuses the run input for costing more than the budget allows. */
  public static boolean overBudget(Outcome o) {
    return o instanceof Reject r && r.reason().startsWith(RunInputBudget.REASON_PREFIX);
  }

  /**
   * Runs every costly part once — Jinja parsing and rendering (expressions, filters, loops, a failed
   * render), hydration of each kind, schema pre-processing, meta-schema and instance validation with
   * formats, references and the best-match error — so that class loading and initialisation happen
   * here (at start-up, on a worker) rather than in the first request. Returns what it checked: an
   * {@link Ok} for a valid input, then a {@link Reject} for an invalid one.
   */
  public static java.util.List<Outcome> warmUp() {
    Map<String, String> keyset = Map.of("description", "warm-up-description", "response", "warm-up-response",
        "schema", "warm-up-schema");
    String schema = "{\"type\":\"object\",\"$defs\":{\"Code\":{\"type\":\"string\",\"pattern\":\"^[A-Z]+-[0-9]+$\"}},"
        + "\"properties\":{\"approved\":{\"type\":\"boolean\"},\"note\":{\"type\":\"string\",\"maxLength\":200},"
        + "\"when\":{\"type\":\"string\",\"format\":\"date-time\"},\"code\":{\"$ref\":\"#/$defs/Code\"},"
        + "\"count\":{\"type\":\"integer\",\"minimum\":0},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
        + "\"choice\":{\"enum\":[\"a\",\"b\"]}},\"required\":[\"approved\"]}";
    JsonNodeFactory f = JsonNodeFactory.instance;
    com.fasterxml.jackson.databind.node.ObjectNode valid = f.objectNode();
    valid.put("approved", true);
    valid.set("note", f.objectNode().put(Hydrator.KIND, "jinja")
        .put("template", "{% for i in range(3) %}{{ i * 2 }}{% if not loop.last %},{% endif %}{% endfor %}"
            + " {{ 'ok' | upper }} {{ [1, 2] | join('-') }} {{ {'a': 1}.a + 1 }}"));
    valid.set("when", f.objectNode().put(Hydrator.KIND, "json").put("value", "\"2024-01-01T00:00:00Z\""));
    valid.set("code", f.objectNode().put(Hydrator.KIND, "none").put("value", "AB-12"));
    valid.put("count", 3);
    valid.set("tags", f.arrayNode().add("x").add(f.objectNode().put(Hydrator.KIND, "jinja").put("template", "{{ range(200) }}")));
    valid.put("choice", "a");
    com.fasterxml.jackson.databind.node.ObjectNode invalid = valid.deepCopy();
    invalid.remove("approved");
    invalid.put("count", -1);
    invalid.put("code", "lower");
    RunInputBudget budget = new RunInputBudget(100, 100_000, 1_000_000, 60_000);
    return java.util.List.of(check(keyset, valid, schema, Map.of(), budget.start()),
        check(keyset, invalid, schema, Map.of(), budget.start()));
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
