package dev.baton.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A full run state as stored and returned. {@code data} is any JSON value or null (Java null, never
 * a JSON null node). Timestamps have microsecond precision, like PostgreSQL's timestamptz.
 */
public record State(
    UUID id,
    StateType type,
    String name,
    Instant timestamp,
    String message,
    JsonNode data,
    StateDetails details) {

  public State {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(timestamp, "timestamp");
    if (data != null && data.isNull()) {
      data = null;
    }
    if (details == null) {
      details = StateDetails.EMPTY;
    }
  }

  public State withName(String newName) {
    return new State(id, type, newName, timestamp, message, data, details);
  }

  public State withTimestamp(Instant t) {
    return new State(id, type, name, t, message, data, details);
  }

  public State withDetails(StateDetails d) {
    return new State(id, type, name, timestamp, message, data, d);
  }

  public State withData(JsonNode d) {
    return new State(id, type, name, timestamp, message, d, details);
  }

  public State mapDetails(UnaryOperator<StateDetails> f) {
    return withDetails(f.apply(details));
  }

  /** A copy with a new id and timestamp, as Prefect's {@code state.fresh_copy()}. */
  public State freshCopy(UUID newId, Instant now) {
    return new State(newId, type, name, now, message, data, details);
  }

  /**
   * True when {@code data} counts as a persisted result: a JSON object whose {@code type} is not
   * {@code "unpersisted"}. Scalars, lists and null never do.
   */
  public boolean hasPersistedResult() {
    return isPersistedResult(data);
  }

  public static boolean isPersistedResult(JsonNode data) {
    if (data == null || !data.isObject() || data.isEmpty()) {
      return false;
    }
    return !isUnpersisted(data);
  }

  /** True for a JSON object whose {@code type} is the string "unpersisted": echoed but not stored. */
  public static boolean isUnpersisted(JsonNode data) {
    if (data == null || !data.isObject()) {
      return false;
    }
    JsonNode t = data.get("type");
    return t != null && t.isTextual() && "unpersisted".equals(t.asText());
  }
}
