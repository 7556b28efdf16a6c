package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.testsupport.Await;
import dev.baton.testsupport.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The send-notification and call-webhook actions (spec/automations.md §3.3) against a real HTTP
 * receiver, with the block documents Prefect's client saves: the request each block makes, what
 * the action's events record, and the refusals (private address, wrong block, a failing receiver).
 */
class AutomationNotificationsIT {
  @ClassServer(env = "BATON_AUTOMATIONS_INTERVAL_SECONDS=1") static TestServer server;
  @ClassServer static ApiClient api;

  /** A request the receiver got. */
  record Received(String method, String path, Map<String, String> headers, String body) {}

  static Vertx vertx;
  static HttpServer receiver;
  static final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  static final AtomicInteger answer = new AtomicInteger(202);

  @BeforeAll
  static void startReceiver() {
    vertx = Vertx.vertx();
    receiver = Await.await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      req.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
      received.add(new Received(req.method().name(), req.uri(), headers, b.toString()));
      req.response().setStatusCode(answer.get()).putHeader("Content-Type", "text/plain")
          .putHeader("X-Prefect-Internal", "secret").putHeader("X-Request-Seen", "yes").end("ok from the receiver");
    })).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stopReceiver() {
    Await.await(vertx.close());
  }

  @AfterEach
  void clean() {
    Await.await(server.pool().query("DELETE FROM automation").execute());
    received.clear();
    answer.set(202);
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + receiver.actualPort() + path;
  }

  /** A block document of a system block type, saved as the client saves it. */
  private static String block(String slug, ObjectNode data) {
    JsonNode type = api.get("/api/block_types/slug/" + slug).expect(200).body();
    JsonNode schemas = api.post("/api/block_schemas/filter",
        obj("block_schemas", obj("block_type_id", obj("any_", List.of(type.get("id").asText()))))).expect(200).body();
    return api.post("/api/block_documents/", obj("name", slug + "-" + UUID.randomUUID().toString().substring(0, 8),
        "data", data, "block_schema_id", schemas.get(0).get("id").asText(), "block_type_id", type.get("id").asText(),
        "is_anonymous", false)).expect(201).body().get("id").asText();
  }

  /** An automation acting on every event named {@code kind}. */
  private static String automation(String kind, ObjectNode action) {
    ArrayNode actions = ApiClient.JSON.createArrayNode().add(action);
    return api.post("/api/automations/", obj("name", "notify-" + kind, "trigger", obj("type", "event", "posture",
        "Reactive", "expect", List.of(kind), "threshold", 1, "within", 0), "actions", actions)).expect(201).id().toString();
  }

  private static void emit(String kind, String resourceId) {
    ArrayNode batch = ApiClient.JSON.createArrayNode();
    batch.add(obj("id", UUID.randomUUID().toString(), "occurred", Instant.now().toString(), "event", kind,
        "resource", obj("prefect.resource.id", resourceId, "prefect.resource.name", "the-thing"), "related", List.of(),
        "payload", obj()));
    api.post("/api/events", batch).expect(204);
  }

  /** The automation's one action.executed or action.failed event, once written. */
  private static JsonNode outcome(String automationId) throws Exception {
    JsonNode[] found = new JsonNode[1];
    Poll.eventually(15_000, 100, () -> {
      JsonNode page = api.post("/api/events/filter", obj("filter", obj("event", obj("name",
          List.of("prefect.automation.action.executed", "prefect.automation.action.failed")),
          "resource", obj("id", List.of("prefect.automation." + automationId))), "limit", 10)).expect(200).body();
      assertEquals(1, page.get("events").size(), page.toString());
      found[0] = page.get("events").get(0);
    });
    return found[0];
  }

  private static Set<String> relatedIds(JsonNode event) {
    Set<String> out = new HashSet<>();
    event.get("related").forEach(r -> out.add(r.get("prefect.resource.id").asText()));
    return out;
  }

  @Test
  void callWebhookSendsTheRenderedPayloadAndRecordsTheAnswer() throws Exception {
    String block = block("webhook", obj("method", "PUT", "url", url("/hook?x=1"), "headers", obj("X-Token", "t0k"),
        "allow_private_urls", true, "verify", true));
    String kind = "test.hook." + UUID.randomUUID();
    String automation = automation(kind, obj("type", "call-webhook", "block_document_id", block, "payload",
        "{\"resource\": \"{{ event.resource.id }}\", \"name\": \"{{ event.resource.name }}\"}"));
    emit(kind, "thing.42");
    Received r = received.poll(15, TimeUnit.SECONDS);
    assertEquals("PUT", r.method());
    assertEquals("/hook?x=1", r.path());
    assertEquals("t0k", r.headers().get("X-Token"));
    assertEquals("{\"resource\": \"thing.42\", \"name\": \"the-thing\"}", r.body());
    JsonNode done = outcome(automation);
    assertEquals("prefect.automation.action.executed", done.get("event").asText(), done.toString());
    assertEquals(202, done.at("/payload/status_code").asInt());
    assertEquals("ok from the receiver", done.at("/payload/response_body").asText());
    assertEquals("yes", done.at("/payload/response_headers/x-request-seen").asText());
    assertTrue(done.at("/payload/response_headers/x-prefect-internal").isMissingNode(), "redacted: " + done);
    assertTrue(relatedIds(done).containsAll(Set.of("prefect.block-document." + block, "prefect.block-type.webhook")),
        done.toString());
  }

  @Test
  void aCustomWebhookNotificationCarriesSubjectBodyAndSecrets() throws Exception {
    String block = block("custom-webhook", obj("name", "ops", "url", url("/notify"), "method", "POST",
        "json_data", obj("text", "{{subject}}: {{body}}", "token", "{{token}}", "who", "{{name}}"),
        "secrets", obj("token", "s3cret"), "timeout", 10, "allow_private_urls", true));
    String kind = "test.custom." + UUID.randomUUID();
    String automation = automation(kind, obj("type", "send-notification", "block_document_id", block,
        "subject", "Alert for {{ event.resource.name }}", "body", "{{ event.event }} happened"));
    emit(kind, "thing.1");
    Received r = received.poll(15, TimeUnit.SECONDS);
    assertEquals("POST", r.method());
    assertEquals("Prefect Notifications", r.headers().get("User-Agent"));
    JsonNode sent = ApiClient.JSON.readTree(r.body());
    assertEquals("Alert for the-thing: " + kind + " happened", sent.get("text").asText());
    assertEquals("s3cret", sent.get("token").asText());
    assertEquals("ops", sent.get("who").asText());
    assertEquals("prefect.automation.action.executed", outcome(automation).get("event").asText());
  }

  @Test
  void aSlackNotificationPostsItsAttachment() throws Exception {
    String block = block("slack-webhook", obj("url", url("/services/T/B/C"), "notify_type", "failure"));
    String kind = "test.slack." + UUID.randomUUID();
    String automation = automation(kind, obj("type", "send-notification", "block_document_id", block,
        "body", "Flow run {{ event.resource.name }} failed"));
    emit(kind, "thing.2");
    Received r = received.poll(15, TimeUnit.SECONDS);
    assertEquals("/services/T/B/C", r.path());
    JsonNode sent = ApiClient.JSON.readTree(r.body());
    assertEquals("Prefect automated notification", sent.at("/attachments/0/title").asText());
    assertEquals("Flow run the-thing failed", sent.at("/attachments/0/text").asText());
    assertEquals("prefect.automation.action.executed", outcome(automation).get("event").asText());
  }

  @Test
  void aBlockThatForbidsPrivateUrlsNeverReachesOne() throws Exception {
    String block = block("webhook", obj("method", "POST", "url", url("/private"), "headers", obj(),
        "allow_private_urls", false, "verify", true));
    String kind = "test.private." + UUID.randomUUID();
    String automation = automation(kind, obj("type", "call-webhook", "block_document_id", block, "payload", "x"));
    emit(kind, "thing.3");
    JsonNode failed = outcome(automation);
    assertEquals("prefect.automation.action.failed", failed.get("event").asText());
    String reason = failed.at("/payload/reason").asText();
    assertTrue(reason.startsWith("Webhook call failed: ") && reason.contains("private address"), reason);
    assertNull(received.poll(500, TimeUnit.MILLISECONDS), "nothing was sent");
  }

  @Test
  void refusalsAreTheActionsFailures() throws Exception {
    // a block without the notify capability
    String secret = block("secret", obj("value", "x"));
    String kind1 = "test.notnotify." + UUID.randomUUID();
    String a1 = automation(kind1, obj("type", "send-notification", "block_document_id", secret, "body", "b"));
    // a webhook action on a notification block
    String slack = block("slack-webhook", obj("url", url("/never")));
    String kind2 = "test.notwebhook." + UUID.randomUUID();
    String a2 = automation(kind2, obj("type", "call-webhook", "block_document_id", slack, "payload", "p"));
    // a receiver answering 500
    String custom = block("custom-webhook", obj("name", "n", "url", url("/down"), "json_data", obj("m", "{{body}}")));
    String kind3 = "test.down." + UUID.randomUUID();
    String a3 = automation(kind3, obj("type", "send-notification", "block_document_id", custom, "body", "b"));
    // an unknown block document
    String kind4 = "test.gone." + UUID.randomUUID();
    String a4 = automation(kind4, obj("type", "send-notification", "block_document_id", UUID.randomUUID().toString(),
        "body", "b"));
    answer.set(500);
    emit(kind1, "t.1");
    emit(kind2, "t.2");
    emit(kind3, "t.3");
    emit(kind4, "t.4");
    assertEquals("The referenced block was not a notification block", outcome(a1).at("/payload/reason").asText());
    assertEquals("The referenced block was not a webhook block", outcome(a2).at("/payload/reason").asText());
    JsonNode down = outcome(a3);
    assertEquals("Notification failed", down.at("/payload/reason").asText());
    assertTrue(down.at("/payload/notification_log").asText().startsWith("HTTP 500"), down.toString());
    assertEquals("Unexpected status from 'send-notification' action: 404", outcome(a4).at("/payload/reason").asText());
    Received only = received.poll(5, TimeUnit.SECONDS);
    assertEquals("/down", only.path());
    assertNull(received.poll(300, TimeUnit.MILLISECONDS), "the refused actions sent nothing");
    assertFalse(outcome(a1).get("related").toString().isEmpty());
  }
}
