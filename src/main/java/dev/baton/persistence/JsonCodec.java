package dev.baton.persistence;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.StateDetails;
import dev.baton.domain.TaskRunPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * JSON columns travel as text: bound as {@code $n::text::jsonb}, read as {@code col::text}, and
 * parsed with Jackson into the domain's {@link JsonNode}s. (Binding a Java String to a jsonb
 * parameter directly would store a JSON string.) The stored shapes of state details and policies
 * use the API's snake_case keys.
 */
public final class JsonCodec {

  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private JsonCodec() {}

  static String write(JsonNode n) {
    if (n == null) {
      return null;
    }
    try {
      return MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Null (SQL NULL) stays null; a JSON {@code null} becomes null too. */
  public static JsonNode read(String text) {
    if (text == null) {
      return null;
    }
    try {
      JsonNode n = MAPPER.readTree(text);
      return n == null || n.isNull() ? null : n;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt JSON column: " + e.getOriginalMessage(), e);
    }
  }

  static ObjectNode readObject(String text) {
    JsonNode n = read(text);
    return n instanceof ObjectNode o ? o : F.objectNode();
  }

  static ObjectNode objectOrEmpty(ObjectNode n) {
    return n == null ? F.objectNode() : n;
  }

  static String writeStrings(List<String> values) {
    ArrayNode a = F.arrayNode();
    if (values != null) {
      values.forEach(a::add);
    }
    return write(a);
  }

  static List<String> readStrings(String text) {
    JsonNode n = read(text);
    List<String> out = new ArrayList<>();
    if (n != null && n.isArray()) {
      n.forEach(e -> out.add(e.asText()));
    }
    return List.copyOf(out);
  }

  /** Removes the result-artifact keys from object data (a copy; the input is not changed). */
  static JsonNode stripArtifactKeys(JsonNode data) {
    if (data instanceof ObjectNode o
        && (o.has("artifact_key") || o.has("artifact_type") || o.has("artifact_description"))) {
      ObjectNode copy = o.deepCopy();
      copy.remove(List.of("artifact_key", "artifact_type", "artifact_description"));
      return copy;
    }
    return data;
  }

  // ---- state details -----------------------------------------------------------------------

  /**
   * The stored text of {@code d}: written straight with a generator, the same text as
   * {@link #writeDetailsTree} (JsonCodecTest compares them) without building the tree.
   */
  static String writeDetails(StateDetails d) {
    try (com.fasterxml.jackson.core.io.SegmentedStringWriter out =
             new com.fasterxml.jackson.core.io.SegmentedStringWriter(MAPPER.getFactory()._getBufferRecycler());
         JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("flow_run_id", str(d.flowRunId()));
      g.writeStringField("task_run_id", str(d.taskRunId()));
      g.writeStringField("child_flow_run_id", str(d.childFlowRunId()));
      g.writeStringField("scheduled_time", str(d.scheduledTime()));
      g.writeStringField("cache_key", d.cacheKey());
      g.writeStringField("cache_expiration", str(d.cacheExpiration()));
      bool(g, "deferred", d.deferred());
      bool(g, "untrackable_result", d.untrackableResult());
      g.writeStringField("pause_timeout", str(d.pauseTimeout()));
      bool(g, "pause_reschedule", d.pauseReschedule());
      g.writeStringField("pause_key", d.pauseKey());
      g.writeFieldName("run_input_keyset");
      if (d.runInputKeyset() == null) {
        g.writeNull();
      } else {
        g.writeStartObject();
        for (Map.Entry<String, String> e : d.runInputKeyset().entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      bool(g, "refresh_cache", d.refreshCache());
      bool(g, "retriable", d.retriable());
      g.writeStringField("transition_id", str(d.transitionId()));
      g.writeStringField("task_parameters_id", str(d.taskParametersId()));
      g.writeStringField("traceparent", d.traceparent());
      g.writeStringField("deployment_concurrency_lease_id", str(d.deploymentConcurrencyLeaseId()));
      g.writeEndObject();
      g.flush();
      return out.getAndClear();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void bool(JsonGenerator g, String key, Boolean b) throws IOException {
    g.writeFieldName(key);
    if (b == null) {
      g.writeNull();
    } else {
      g.writeBoolean(b);
    }
  }

  /** The tree-built original of {@link #writeDetails}. */
  static String writeDetailsTree(StateDetails d) {
    ObjectNode o = F.objectNode();
    o.put("flow_run_id", str(d.flowRunId()));
    o.put("task_run_id", str(d.taskRunId()));
    o.put("child_flow_run_id", str(d.childFlowRunId()));
    o.put("scheduled_time", str(d.scheduledTime()));
    o.put("cache_key", d.cacheKey());
    o.put("cache_expiration", str(d.cacheExpiration()));
    o.put("deferred", d.deferred());
    o.put("untrackable_result", d.untrackableResult());
    o.put("pause_timeout", str(d.pauseTimeout()));
    o.put("pause_reschedule", d.pauseReschedule());
    o.put("pause_key", d.pauseKey());
    if (d.runInputKeyset() == null) {
      o.putNull("run_input_keyset");
    } else {
      ObjectNode k = o.putObject("run_input_keyset");
      d.runInputKeyset().forEach(k::put);
    }
    o.put("refresh_cache", d.refreshCache());
    o.put("retriable", d.retriable());
    o.put("transition_id", str(d.transitionId()));
    o.put("task_parameters_id", str(d.taskParametersId()));
    o.put("traceparent", d.traceparent());
    o.put("deployment_concurrency_lease_id", str(d.deploymentConcurrencyLeaseId()));
    return write(o);
  }

  /**
   * Reads stored state details. What {@link #writeDetails} stores — strings, booleans and nulls,
   * a keyset of strings — is read straight from the text; anything else (or any failure) is left
   * to {@link #readDetailsTree}, which decides as it always has (JsonCodecTest compares both).
   */
  static StateDetails readDetails(String text) {
    if (text == null) {
      return StateDetails.EMPTY;
    }
    try (JsonParser p = MAPPER.getFactory().createParser(text)) {
      StateDetails d = readDetailsStream(p);
      if (d != null && p.nextToken() == null) {
        return d;
      }
    } catch (IOException | RuntimeException e) {
      // the tree reader decides (and throws what it always threw)
    }
    return readDetailsTree(text);
  }

  /** Null when the text holds anything {@link #writeDetails} does not write. */
  private static StateDetails readDetailsStream(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return null;
    }
    // as the tree reader: every field set from the text, absent ones null (deferred too) or false
    StateDetails.Builder b = StateDetails.builder().deferred(null);
    Map<String, String> keyset = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken t = p.nextToken();
      boolean isNull = t == JsonToken.VALUE_NULL;
      boolean text = isNull || t == JsonToken.VALUE_STRING;
      boolean bool = isNull || t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE;
      String s = t == JsonToken.VALUE_STRING ? p.getText() : null;
      Boolean v = isNull ? null : t == JsonToken.VALUE_TRUE;
      switch (key) {
        case "flow_run_id", "task_run_id", "child_flow_run_id", "transition_id", "task_parameters_id",
            "deployment_concurrency_lease_id", "scheduled_time", "cache_expiration", "pause_timeout", "cache_key",
            "pause_key", "traceparent" -> {
          if (!text) {
            return null;
          }
          switch (key) {
            case "flow_run_id" -> b.flowRunId(s == null ? null : UUID.fromString(s));
            case "task_run_id" -> b.taskRunId(s == null ? null : UUID.fromString(s));
            case "child_flow_run_id" -> b.childFlowRunId(s == null ? null : UUID.fromString(s));
            case "transition_id" -> b.transitionId(s == null ? null : UUID.fromString(s));
            case "task_parameters_id" -> b.taskParametersId(s == null ? null : UUID.fromString(s));
            case "deployment_concurrency_lease_id" -> b.deploymentConcurrencyLeaseId(s == null ? null : UUID.fromString(s));
            case "scheduled_time" -> b.scheduledTime(s == null ? null : Instant.parse(s));
            case "cache_expiration" -> b.cacheExpiration(s == null ? null : Instant.parse(s));
            case "pause_timeout" -> b.pauseTimeout(s == null ? null : Instant.parse(s));
            case "cache_key" -> b.cacheKey(s);
            case "pause_key" -> b.pauseKey(s);
            default -> b.traceparent(s);
          }
        }
        case "deferred", "untrackable_result", "pause_reschedule", "refresh_cache", "retriable" -> {
          if (!bool) {
            return null;
          }
          switch (key) {
            case "deferred" -> b.deferred(v);
            case "untrackable_result" -> b.untrackableResult(Boolean.TRUE.equals(v));
            case "pause_reschedule" -> b.pauseReschedule(Boolean.TRUE.equals(v));
            case "refresh_cache" -> b.refreshCache(v);
            default -> b.retriable(v);
          }
        }
        case "run_input_keyset" -> {
          if (isNull) {
            keyset = null;
          } else if (t == JsonToken.START_OBJECT) {
            keyset = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String k = p.currentName();
              if (p.nextToken() != JsonToken.VALUE_STRING) {
                return null;
              }
              keyset.put(k, p.getText());
            }
          } else {
            return null;
          }
        }
        default -> p.skipChildren();
      }
    }
    return b.runInputKeyset(keyset).build();
  }

  /** The tree-built original of {@link #readDetails}. */
  static StateDetails readDetailsTree(String text) {
    JsonNode o = read(text);
    if (o == null || !o.isObject()) {
      return StateDetails.EMPTY;
    }
    Map<String, String> keyset = null;
    JsonNode k = o.get("run_input_keyset");
    if (k != null && k.isObject()) {
      keyset = new LinkedHashMap<>();
      for (var it = k.fields(); it.hasNext(); ) {
        var e = it.next();
        keyset.put(e.getKey(), e.getValue().asText());
      }
    }
    return StateDetails.builder()
        .flowRunId(uuid(o, "flow_run_id"))
        .taskRunId(uuid(o, "task_run_id"))
        .childFlowRunId(uuid(o, "child_flow_run_id"))
        .scheduledTime(instant(o, "scheduled_time"))
        .cacheKey(text(o, "cache_key"))
        .cacheExpiration(instant(o, "cache_expiration"))
        .deferred(bool(o, "deferred"))
        .untrackableResult(Boolean.TRUE.equals(bool(o, "untrackable_result")))
        .pauseTimeout(instant(o, "pause_timeout"))
        .pauseReschedule(Boolean.TRUE.equals(bool(o, "pause_reschedule")))
        .pauseKey(text(o, "pause_key"))
        .runInputKeyset(keyset)
        .refreshCache(bool(o, "refresh_cache"))
        .retriable(bool(o, "retriable"))
        .transitionId(uuid(o, "transition_id"))
        .taskParametersId(uuid(o, "task_parameters_id"))
        .traceparent(text(o, "traceparent"))
        .deploymentConcurrencyLeaseId(uuid(o, "deployment_concurrency_lease_id"))
        .build();
  }

  // ---- policies ----------------------------------------------------------------------------

  static String writeFlowPolicy(FlowRunPolicy p) {
    if (p == null) {
      p = FlowRunPolicy.DEFAULT;
    }
    ObjectNode o = F.objectNode();
    o.put("max_retries", p.maxRetries());
    o.put("retry_delay_seconds", p.retryDelaySeconds());
    o.put("retries", p.retries());
    o.put("retry_delay", p.retryDelay());
    ArrayNode keys = o.putArray("pause_keys");
    p.pauseKeys().forEach(keys::add);
    o.put("resuming", p.resuming());
    o.put("retry_type", p.retryType());
    return write(o);
  }

  static FlowRunPolicy readFlowPolicy(String text) {
    JsonNode o = read(text);
    if (o == null || !o.isObject()) {
      return FlowRunPolicy.DEFAULT;
    }
    List<String> keys = new ArrayList<>();
    JsonNode k = o.get("pause_keys");
    if (k != null && k.isArray()) {
      k.forEach(e -> keys.add(e.asText()));
    }
    return new FlowRunPolicy(o.path("max_retries").asInt(0), o.path("retry_delay_seconds").asDouble(0.0),
        integer(o, "retries"), integer(o, "retry_delay"), keys, o.path("resuming").asBoolean(false),
        text(o, "retry_type"));
  }

  static String writeTaskPolicy(TaskRunPolicy p) {
    if (p == null) {
      p = TaskRunPolicy.DEFAULT;
    }
    ObjectNode o = F.objectNode();
    o.put("max_retries", p.maxRetries());
    o.put("retry_delay_seconds", p.retryDelaySeconds());
    o.put("retries", p.retries());
    if (p.retryDelayList() != null) {
      ArrayNode a = o.putArray("retry_delay");
      p.retryDelayList().forEach(a::add);
    } else {
      o.put("retry_delay", p.retryDelay());
    }
    o.put("retry_jitter_factor", p.retryJitterFactor());
    return write(o);
  }

  static TaskRunPolicy readTaskPolicy(String text) {
    JsonNode o = read(text);
    if (o == null || !o.isObject()) {
      return TaskRunPolicy.DEFAULT;
    }
    JsonNode d = o.get("retry_delay");
    Double delay = null;
    List<Double> list = null;
    if (d != null && d.isArray()) {
      list = new ArrayList<>();
      for (JsonNode e : d) {
        list.add(e.asDouble());
      }
    } else if (d != null && d.isNumber()) {
      delay = d.asDouble();
    }
    JsonNode j = o.get("retry_jitter_factor");
    return new TaskRunPolicy(o.path("max_retries").asInt(0), o.path("retry_delay_seconds").asDouble(0.0),
        integer(o, "retries"), delay, list, j == null || j.isNull() ? null : j.asDouble());
  }

  // ---- small readers -----------------------------------------------------------------------

  private static String str(Object v) {
    return v == null ? null : v.toString();
  }

  private static String text(JsonNode o, String k) {
    JsonNode v = o.get(k);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static UUID uuid(JsonNode o, String k) {
    String s = text(o, k);
    return s == null ? null : UUID.fromString(s);
  }

  private static Instant instant(JsonNode o, String k) {
    String s = text(o, k);
    return s == null ? null : Instant.parse(s);
  }

  private static Boolean bool(JsonNode o, String k) {
    JsonNode v = o.get(k);
    return v == null || v.isNull() ? null : v.asBoolean();
  }

  private static Integer integer(JsonNode o, String k) {
    JsonNode v = o.get(k);
    return v == null || v.isNull() ? null : v.asInt();
  }
}
