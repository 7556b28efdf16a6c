package dev.baton.automations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.automations.OutboundRequests.Request;
import dev.baton.wire.Json;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The requests notification and webhook actions make, with the facts of Prefect 3.8's block tests. */
class OutboundRequestsTest {
  private static JsonNode j(String json) {
    try {
      return Json.MAPPER.readTree(json.replace('\'', '"'));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String body(Request r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static String header(Request r, String name) {
    return r.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue())
        .findFirst().orElse(null);
  }

  private static final String TOKEN_BLOCK = "{'name': 'test name', 'url': 'https://example.com/', 'method': 'POST', "
      + "'json_data': {'msg': '{{subject}}\\n{{body}}', 'token': '{{token}}'}, 'secrets': {'token': 'someSecretToken'}";

  @Test
  void customWebhookSubstitutesSubjectBodyAndSecrets() throws Exception {
    Request r = OutboundRequests.notification("custom-webhook", j(TOKEN_BLOCK + "}"), "subject", "test");
    assertEquals("POST", r.method());
    assertEquals("https://example.com/", r.url());
    assertEquals("{\"msg\":\"subject\\ntest\",\"token\":\"someSecretToken\"}", body(r));
    assertEquals("Prefect Notifications", header(r, "user-agent"));
    assertEquals("application/json", header(r, "content-type"));
    assertEquals(Duration.ofSeconds(10), r.timeout());
  }

  @Test
  void aMissingSubjectIsNull() throws Exception {
    Request r = OutboundRequests.notification("custom-webhook", j(TOKEN_BLOCK + "}"), null, "test");
    assertEquals("{\"msg\":\"null\\ntest\",\"token\":\"someSecretToken\"}", body(r));
  }

  @Test
  void headersTimeoutAndCookiesAreTheBlocks() throws Exception {
    Request r = OutboundRequests.notification("custom-webhook", j(TOKEN_BLOCK
        + ", 'headers': {'user-agent': 'CustomUA'}, 'timeout': 30, 'cookies': {'key': '{{cookie}}'}, "
        + "'secrets': {'token': 'someSecretToken', 'cookie': 'secretCookieValue'}}"), "subject", "test");
    assertEquals("CustomUA", header(r, "user-agent"));
    assertEquals(1, r.headers().keySet().stream().filter(k -> k.equalsIgnoreCase("user-agent")).count());
    assertEquals("key=secretCookieValue", header(r, "cookie"));
    assertEquals(Duration.ofSeconds(30), r.timeout());
  }

  @Test
  void placeholdersInNestedListsAndTheName() throws Exception {
    Request r = OutboundRequests.notification("custom-webhook", j("{'name': 'test name', 'url': 'https://example.com/',"
        + " 'json_data': {'data': {'sub1': [{'in-list': '{{body}}', 'name': '{{name}}'}]}}}"), "subject", "test");
    assertEquals("{\"data\":{\"sub1\":[{\"in-list\":\"test\",\"name\":\"test name\"}]}}", body(r));
  }

  @Test
  void anUnknownPlaceholderOrBothPayloadsMakeTheBlockInvalid() {
    assertThrows(OutboundRequests.Invalid.class, () -> OutboundRequests.notification("custom-webhook",
        j("{'name': 'n', 'url': 'https://example.com/', 'json_data': {'token': '{{token}}'}, "
            + "'secrets': {'token2': 'x'}}"), "s", "b"));
    assertThrows(OutboundRequests.Invalid.class, () -> OutboundRequests.notification("custom-webhook",
        j("{'name': 'n', 'url': 'https://example.com/', 'json_data': {'a': 1}, 'form_data': {'b': '2'}}"), "s", "b"));
    OutboundRequests.Invalid env = assertThrows(OutboundRequests.Invalid.class, () -> OutboundRequests.notification(
        "custom-webhook", j("{'name': 'n', 'url': 'https://example.com/{{$HOME}}'}"), "s", "b"));
    assertTrue(env.getMessage().contains("url/"), env.getMessage());
  }

  @Test
  void formDataParamsAndRawBodies() throws Exception {
    Request form = OutboundRequests.notification("custom-webhook", j("{'name': 'n', 'url': 'https://example.com/hook',"
        + " 'method': 'put', 'params': {'q': '{{subject}}'}, 'form_data': {'text': '{{body}} & more'}}"), "a b", "hi");
    assertEquals("PUT", form.method());
    assertEquals("https://example.com/hook?q=a+b", form.url());
    assertEquals("text=hi+%26+more", body(form));
    assertEquals("application/x-www-form-urlencoded", header(form, "content-type"));
    Request raw = OutboundRequests.notification("custom-webhook", j("{'name': 'n', 'url': 'https://example.com/',"
        + " 'form_data': '<b>{{body}}</b>'}"), "s", "hi");
    assertEquals("<b>hi</b>", body(raw));
    assertNull(header(raw, "content-type"));
    Request none = OutboundRequests.notification("custom-webhook", j("{'name': 'n', 'url': 'https://example.com/'}"),
        "s", "b");
    assertNull(none.body());
  }

  @Test
  void applyValuesAsPrefect() {
    java.util.Map<String, Object> values = new java.util.HashMap<>();
    values.put("a", 1);
    values.put("nested", java.util.Map.of("b", "x"));
    assertEquals(1, OutboundRequests.apply("{{ a }}", values), "a lone placeholder keeps the value's type");
    assertEquals("x-1", OutboundRequests.apply("{{nested.b}}-{{a}}", values));
    assertEquals("-", OutboundRequests.apply("{{missing}}-", values), "a missing value in text is nothing");
    assertEquals(java.util.Map.of("k", "v"), OutboundRequests.apply(java.util.Map.of("k", "v", "gone", "{{missing}}"),
        values), "a key whose lone placeholder has no value is left out");
    assertEquals("no placeholders", OutboundRequests.apply("no placeholders", values));
  }

  @Test
  void apprisePayloads() throws Exception {
    Request slack = OutboundRequests.notification("slack-webhook",
        j("{'url': 'https://hooks.slack.com/services/T/B/C', 'notify_type': 'failure'}"), "Run failed", "details");
    JsonNode p = Json.MAPPER.readTree(slack.body());
    assertEquals("Run failed", p.at("/attachments/0/title").asText());
    assertEquals("details", p.at("/attachments/0/text").asText());
    assertEquals("#A32037", p.at("/attachments/0/color").asText());
    assertEquals("https://hooks.slack.com/services/T/B/C", slack.url());
    Request discord = OutboundRequests.notification("discord-webhook",
        j("{'webhook_id': '123', 'webhook_token': 'abc', 'botname': 'bot'}"), "S", "B");
    assertEquals("https://discord.com/api/webhooks/123/abc", discord.url());
    assertEquals("**S**\r\nB", Json.MAPPER.readTree(discord.body()).get("content").asText());
    Request mm = OutboundRequests.notification("mattermost-webhook",
        j("{'hostname': 'chat.example.com', 'token': 'tok', 'secure': true, 'port': 443}"), "S", "B");
    assertEquals("https://chat.example.com:443/hooks/tok", mm.url());
    Request teams = OutboundRequests.notification("ms-teams-webhook", j("{'url': 'https://example.webhook.office.com/x'}"),
        "S", "B");
    assertEquals("MessageCard", Json.MAPPER.readTree(teams.body()).get("@type").asText());
    assertThrows(OutboundRequests.Unsupported.class, () -> OutboundRequests.notification("twilio-sms", j("{}"), "s", "b"));
  }

  @Test
  void webhookSendsThePayloadAsItsRawBody() throws Exception {
    Request r = OutboundRequests.webhook(j("{'method': 'PUT', 'url': 'https://example.com/x', "
        + "'headers': {'Authorization': 'Bearer t'}, 'verify': false, 'allow_private_urls': false}"), "{\"a\": 1}");
    assertEquals("PUT", r.method());
    assertEquals("{\"a\": 1}", body(r));
    assertEquals("Bearer t", header(r, "authorization"));
    assertFalse(r.verify());
    assertFalse(r.allowPrivate());
    assertThrows(OutboundRequests.Invalid.class, () -> OutboundRequests.webhook(j("{'url': 'file:///etc/passwd'}"), ""));
  }

  @Test
  void restrictedAddresses() throws Exception {
    for (String a : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
        "100.64.0.1", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "224.0.0.1"}) {
      assertTrue(OutboundRequests.restricted(InetAddress.getByName(a)), a);
    }
    for (String a : new String[] {"8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "172.32.0.1"}) {
      assertFalse(OutboundRequests.restricted(InetAddress.getByName(a)), a);
    }
  }

  @Test
  void redactionAndTruncationAsPrefect() {
    assertTrue(OutboundRequests.redacted("Authorization"));
    assertTrue(OutboundRequests.redacted("X-Forwarded-For"));
    assertTrue(OutboundRequests.redacted("x-prefect-thing"));
    assertFalse(OutboundRequests.redacted("content-type"));
    assertEquals("short", OutboundRequests.truncatedTo(1000, "short"));
    String longText = "a".repeat(600) + "b".repeat(600);
    String t = OutboundRequests.truncatedTo(1000, longText);
    assertEquals("a".repeat(500) + "...200 additional characters..." + "b".repeat(500), t);
    assertEquals("", OutboundRequests.truncatedTo(10, null));
  }
}
