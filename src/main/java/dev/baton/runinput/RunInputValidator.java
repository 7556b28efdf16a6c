package dev.baton.runinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.ValidationMessage;
import java.util.List;

/**
 * Validation of a hydrated run input against the stored JSON Schema (resume.md §5): Prefect's
 * pre-processing pass, then JSON Schema draft 2020-12 with format assertions (networknt), remote
 * {@code $ref}s never fetched. The single best-match error is chosen and worded as Python's
 * jsonschema does ({@code best_match}, messages with Python reprs).
 */
public final class RunInputValidator {
  private RunInputValidator() {}

  private static final String CIRCULAR = "Unable to validate schema with circular references.";
  /** Built when this class is loaded (Baton loads it off the event loop). */
  private static final SchemaEngine ENGINE = new SchemaEngine();

  /** The outcome of {@link #validate}. */
  public sealed interface Result permits Valid, Invalid, InvalidSchema {
    /** The REJECT reason for the resume endpoint, or null when valid. */
    String reason();
  }

  public record Valid() implements Result {
    @Override
    public String reason() {
      return null;
    }
  }

  /** A validation failure; {@code message} is e.g. {@code Validation failed. Failure reason: …}. */
  public record Invalid(String message) implements Result {
    @Override
    public String reason() {
      return "Reason: " + message;
    }
  }

  /** An unusable schema (circular references, not a schema); {@code message} follows "Invalid schema: ". */
  public record InvalidSchema(String message) implements Result {
    @Override
    public String reason() {
      return "Invalid schema: " + message;
    }
  }

  /** Validates {@code instance} (the hydrated input) against the parsed stored {@code schema}, formats asserted. */
  public static Result validate(JsonNode instance, JsonNode schema) {
    return validate(instance, schema, true);
  }

  /**
   * @param checkFormats assert {@code format} (resume.md §5). Note: Prefect's resume path calls
   *     {@code jsonschema.validate} without a format checker, so Prefect itself does not assert formats.
   */
  public static Result validate(JsonNode instance, JsonNode schema, boolean checkFormats) {
    if (!schema.isObject()) {
      return new InvalidSchema(PyRepr.repr(schema) + " is not of type 'object'");
    }
    ObjectNode pre = SchemaPreprocessor.preprocess((ObjectNode) schema);
    pre.remove("$schema"); // Prefect always validates as 2020-12, whatever the schema declares
    List<ValidationMessage> meta = ENGINE.schemaErrors(pre);
    if (!meta.isEmpty()) {
      PyError best = ErrorRanking.bestMatch(PythonErrors.errors(meta, null, pre));
      return new InvalidSchema(best.message);
    }
    if (RefCycles.found(pre, instance)) return new InvalidSchema(CIRCULAR);
    List<ValidationMessage> messages;
    try {
      messages = ENGINE.validate(pre, instance, checkFormats);
    } catch (StackOverflowError e) {
      return new InvalidSchema(CIRCULAR);
    } catch (JsonSchemaException e) {
      return new Invalid("Validation failed. Failure reason: " + unresolvable(e));
    }
    if (messages.isEmpty()) return new Valid();
    PyError best = ErrorRanking.bestMatch(PythonErrors.errors(messages, pre, instance));
    String field = PyError.jsonPath(best.path);
    String head = field.equals("$") ? "Validation failed." : "Validation failed for field "
        + PyRepr.repr(field.replace("$.", "")) + ".";
    return new Invalid(head + " Failure reason: " + best.message);
  }

  private static String unresolvable(JsonSchemaException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    return "Unresolvable: " + m.replaceFirst("^\\S*: ", "");
  }
}
