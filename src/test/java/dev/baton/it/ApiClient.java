package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A small blocking HTTP client for black-box tests of the REST API (real HTTP over loopback). */
public final class ApiClient {
  public static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  public ApiClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** A response: status, parsed JSON body (or a text node when not JSON), headers. */
  public record Response(int status, JsonNode body, String raw, Map<String, java.util.List<String>> headers) {
    public Response expect(int expected) {
      assertEquals(expected, status, () -> "unexpected status, body: " + raw);
      return this;
    }

    public JsonNode get(String field) {
      return body.get(field);
    }

    public String text(String... path) {
      JsonNode n = body;
      for (String p : path) {
        n = n == null ? null : n.get(p);
      }
      return n == null || n.isNull() ? null : n.asText();
    }

    public UUID id() {
      return UUID.fromString(body.get("id").asText());
    }

    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .findFirst().map(e -> e.getValue().get(0)).orElse(null);
    }
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), Map.of());
  }

  /**
   * The value of one Prometheus sample on {@code /metrics}, named as it is printed (with its labels,
   * e.g. {@code baton_x_total{how="y"}}); empty when the server prints no such sample.
   */
  public java.util.OptionalDouble metric(String sample) {
    for (String l : get("/metrics").expect(200).raw().split("\n")) {
      if (l.startsWith(sample + " ")) {
        return java.util.OptionalDouble.of(Double.parseDouble(l.substring(sample.length() + 1).trim()));
      }
    }
    return java.util.OptionalDouble.empty();
  }

  public Response delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), Map.of());
  }

  public Response post(String path, Object body) {
    return post(path, body, Map.of());
  }

  public Response post(String path, Object body, Map<String, String> headers) {
    return sendBody("POST", path, toJson(body), "application/json", headers);
  }

  public Response patch(String path, Object body) {
    return sendBody("PATCH", path, toJson(body), "application/json", Map.of());
  }

  public Response put(String path, Object body) {
    return sendBody("PUT", path, toJson(body), "application/json", Map.of());
  }

  /** Sends raw bytes with an optional content type (null = no Content-Type header). */
  public Response raw(String method, String path, String body, String contentType, Map<String, String> headers) {
    return sendBody(method, path, body, contentType, headers);
  }

  private Response sendBody(String method, String path, String body, String contentType, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b, headers);
  }

  private Response send(HttpRequest.Builder b, Map<String, String> headers) {
    headers.forEach(b::header);
    b.timeout(Duration.ofSeconds(30));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode node;
      try {
        node = r.body().isEmpty() ? null : JSON.readTree(r.body());
      } catch (IOException notJson) {
        node = JSON.getNodeFactory().textNode(r.body());
      }
      return new Response(r.statusCode(), node, r.body(), r.headers().map());
    } catch (IOException e) {
      throw new RuntimeException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeException(e);
    }
  }

  public static String toJson(Object body) {
    if (body == null) {
      return null;
    }
    if (body instanceof String s) {
      return s;
    }
    try {
      return JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  /** Builds a JSON object from alternating keys and values (values: String, Number, Boolean, JsonNode, Map, List, null). */
  public static ObjectNode obj(Object... kv) {
    ObjectNode o = JSON.createObjectNode();
    for (int i = 0; i < kv.length; i += 2) {
      o.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
    }
    return o;
  }

  // ---- domain helpers ----

  public UUID createFlow() {
    return post("/api/flows/", obj("name", "flow-" + UUID.randomUUID())).id();
  }

  public UUID createDeployment(UUID flowId) {
    Response r = post("/api/deployments/", obj("name", "dep-" + UUID.randomUUID(), "flow_id", flowId.toString()));
    if (r.status() != 200 && r.status() != 201) {
      throw new AssertionError("deployment create failed: " + r.raw());
    }
    return r.id();
  }

  /** Creates a flow run (new flow) with the given initial state object (null = default Pending). */
  public UUID createFlowRun(ObjectNode state, Object... extra) {
    ObjectNode body = obj("flow_id", createFlow().toString());
    if (state != null) {
      body.set("state", state);
    }
    body.setAll(obj(extra));
    return post("/api/flow_runs/", body).expect(201).id();
  }

  public UUID createTaskRun(UUID flowRunId, ObjectNode state, Object... extra) {
    ObjectNode body = obj("flow_run_id", flowRunId == null ? null : flowRunId.toString(),
        "task_key", "task-" + UUID.randomUUID(), "dynamic_key", "0");
    if (state != null) {
      body.set("state", state);
    }
    body.setAll(obj(extra));
    return post("/api/task_runs/", body).expect(201).id();
  }

  /** A PENDING task run with these tags. */
  public UUID createTaggedTaskRun(UUID flowRunId, String... tags) {
    return createTaskRun(flowRunId, state("PENDING"), "tags", List.of(tags));
  }

  /** A tag concurrency limit made through the v1 endpoint (201); its id. */
  public String createTagLimit(String tag, int limit) {
    return post("/api/concurrency_limits/", obj("tag", tag, "concurrency_limit", limit)).expect(201).text("id");
  }

  /** The active slots of a limit, read through the v2 endpoint. */
  public int activeSlots(String limitId) {
    return get("/api/v2/concurrency_limits/" + limitId).expect(200).get("active_slots").asInt();
  }

  public static ObjectNode state(String type, Object... extra) {
    ObjectNode s = obj("type", type);
    s.setAll(obj(extra));
    return s;
  }

  public Response setFlowState(UUID id, ObjectNode state) {
    return post("/api/flow_runs/" + id + "/set_state", obj("state", state));
  }

  public Response setFlowState(UUID id, ObjectNode state, boolean force) {
    return post("/api/flow_runs/" + id + "/set_state", obj("state", state, "force", force));
  }

  public Response setTaskState(UUID id, ObjectNode state) {
    return post("/api/task_runs/" + id + "/set_state", obj("state", state));
  }

  public Response setTaskState(UUID id, ObjectNode state, boolean force) {
    return post("/api/task_runs/" + id + "/set_state", obj("state", state, "force", force));
  }

  public JsonNode flowRun(UUID id) {
    return get("/api/flow_runs/" + id).expect(200).body();
  }

  public JsonNode taskRun(UUID id) {
    return get("/api/task_runs/" + id).expect(200).body();
  }
}
