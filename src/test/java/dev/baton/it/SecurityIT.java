package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.it.ApiClient.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The auth string (Prefect's {@code PREFECT_SERVER_API_AUTH_STRING}), CORS, and the content-type
 * rule, against real servers: one with a secret and an allowed origin, one with {@code /metrics}
 * left open, one with the defaults.
 */
class SecurityIT {
  static final String SECRET = "baton-admin:c0rrect horse ✓";
  static final String ORIGIN = "https://ui.example.com";
  @ClassServer(env = {"BATON_API_AUTH_STRING=" + SECRET, "BATON_CORS_ALLOWED_ORIGINS=" + ORIGIN})
  static TestServer secured;
  @ClassServer(env = {"BATON_API_AUTH_STRING=" + SECRET, "BATON_METRICS_REQUIRE_AUTH=false"})
  static TestServer openMetrics;
  @ClassServer static TestServer plain;

  static Map<String, String> basic(String secret) {
    return Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
  }

  static void assertUnauthorized(Response r) {
    assertEquals(401, r.status(), r.raw());
    assertEquals("{\"exception_message\":\"Unauthorized\"}", r.raw());
    assertTrue(r.header("content-type").startsWith("application/json"));
  }

  @Test
  void everyRouteButTheProbesNeedsTheHeader() {
    ApiClient api = secured.api();
    String flowBody = ApiClient.toJson(obj("name", "sec-" + UUID.randomUUID()));
    String before = secured.fingerprint();
    assertUnauthorized(api.raw("POST", "/api/flows/", flowBody, "application/json", Map.of()));
    assertUnauthorized(api.raw("POST", "/api/flows/", flowBody, "application/json", basic(SECRET + "x")));
    assertUnauthorized(api.raw("POST", "/api/flows/", flowBody, "application/json", Map.of("Authorization", "baton-admin:c0rrect horse")));
    assertUnauthorized(api.raw("POST", "/api/flows/", flowBody, "application/json",
        Map.of("Authorization", "Bearer " + basic(SECRET).get("Authorization").substring(6))));
    assertUnauthorized(api.raw("POST", "/api/flows/", flowBody, "application/json", Map.of("Authorization", "Basic %%%")));
    assertEquals(before, secured.fingerprint(), "a refused request wrote something");
    for (String path : new String[] {"/api/version", "/api/hello", "/api/csrf-token", "/api/flows/" + UUID.randomUUID(),
        "/api/no-such-route", "/nowhere", "/metrics"}) {
      assertUnauthorized(api.get(path));
    }
    assertUnauthorized(api.raw("POST", "/api/health", null, null, Map.of()));

    assertEquals("true", api.get("/api/health").expect(200).raw());
    api.get("/api/ready").expect(200);
    api.get("/api/health/").expect(200);

    Response created = api.raw("POST", "/api/flows/", flowBody, "application/json", basic(SECRET)).expect(201);
    api.raw("GET", "/api/flows/" + created.id(), null, null, basic(SECRET)).expect(200);
    assertTrue(api.raw("GET", "/metrics", null, null, basic(SECRET)).expect(200).raw().contains("# TYPE"));
    // the scheme is case-insensitive (RFC 7617); Prefect's client sends "Basic"
    api.raw("GET", "/api/version", null, null,
        Map.of("Authorization", "basic " + basic(SECRET).get("Authorization").substring(6))).expect(200);
  }

  /**
   * A websocket handshake to Prefect's event sockets carries no credentials (the first frame
   * does); every other request with an Upgrade header still needs them.
   */
  @Test
  void websocketHandshakesAuthenticateInTheirFirstFrame() {
    String handshake = "Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    // past the header check the sockets open; their first frame must then carry the secret (EventsLimitsIT)
    assertTrue(raw("GET /api/events/in HTTP/1.1\r\n" + handshake).startsWith("HTTP/1.1 101"));
    assertTrue(raw("GET /api/events/out HTTP/1.1\r\n" + handshake).startsWith("HTTP/1.1 101"));
    assertTrue(raw("GET /api/events/in HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 401"), "not an upgrade");
    assertTrue(raw("POST /api/events/in HTTP/1.1\r\n" + handshake).startsWith("HTTP/1.1 401"));
    assertTrue(raw("GET /api/flows/" + UUID.randomUUID() + " HTTP/1.1\r\n" + handshake).startsWith("HTTP/1.1 401"));
    assertTrue(raw("GET /api/events/filter HTTP/1.1\r\n" + handshake).startsWith("HTTP/1.1 401"));
  }

  static String raw(String request) {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", secured.port())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      byte[] buf = new byte[512];
      int n = s.getInputStream().read(buf);
      return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Generated Authorization values (fixed seed): each is a 401 with Prefect's body, none writes. */
  @Test
  void generatedAuthorizationHeadersAreRefused() {
    java.util.Random rnd = new java.util.Random(Long.getLong("baton.fuzz.seed", 20261203L));
    String good = basic(SECRET).get("Authorization");
    String goodCreds = good.substring(6);
    String before = secured.fingerprint();
    for (int i = 0; i < 300; i++) {
      String h = switch (rnd.nextInt(8)) {
        case 0 -> "Basic " + goodCreds.substring(0, rnd.nextInt(goodCreds.length()));        // cut short
        case 1 -> "Basic " + goodCreds + (char) ('A' + rnd.nextInt(26));                       // one more char
        case 2 -> {                                                                             // one char changed
          char[] c = goodCreds.toCharArray();
          // (not in the last group: there a change may only touch bits the decoder ignores)
          int at = rnd.nextInt(c.length - 4);
          c[at] = c[at] == 'A' ? 'B' : 'A';
          yield "Basic " + new String(c);
        }
        case 3 -> new String[] {"Bearer", "Digest", "Basic:", "Basicc", "B4sic", "NTLM"}[rnd.nextInt(6)] + " " + goodCreds;
        case 4 -> "Basic " + goodCreds + " " + goodCreds;                                      // three parts
        case 5 -> {                                                                             // random bytes
          byte[] b = new byte[rnd.nextInt(64)];
          rnd.nextBytes(b);
          yield "Basic " + Base64.getEncoder().encodeToString(b);
        }
        case 6 -> "Basic " + "=".repeat(rnd.nextInt(5)) + "%%%" + " ".repeat(rnd.nextInt(3));
        default -> "Basic " + Base64.getEncoder().encodeToString(
            (SECRET.substring(0, rnd.nextInt(SECRET.length()))).getBytes(StandardCharsets.UTF_8));
      };
      Response r = secured.api().raw("POST", "/api/flows/", ApiClient.toJson(obj("name", "gen-" + i)), "application/json",
          Map.of("Authorization", h));
      assertEquals(401, r.status(), h + " → " + r.raw());
      assertEquals("{\"exception_message\":\"Unauthorized\"}", r.raw());
    }
    assertEquals(before, secured.fingerprint(), "a refused request wrote something");
  }

  @Test
  void metricsCanBeLeftOpen() {
    ApiClient api = openMetrics.api();
    assertTrue(api.get("/metrics").expect(200).raw().contains("# TYPE"));
    assertUnauthorized(api.get("/api/version"));
  }

  @Test
  void preflightIsAnsweredWithoutAuthentication() {
    Response r = secured.api().raw("OPTIONS", "/api/flow_runs/" + UUID.randomUUID() + "/set_state", null, null, Map.of(
        "Origin", ORIGIN, "Access-Control-Request-Method", "POST",
        "Access-Control-Request-Headers", "authorization,content-type,x-prefect-api-version"));
    assertEquals(204, r.status(), r.raw());
    assertEquals(ORIGIN, r.header("access-control-allow-origin"));
    String allowHeaders = r.header("access-control-allow-headers").toLowerCase();
    for (String h : new String[] {"authorization", "content-type", "x-prefect-api-version"}) {
      assertTrue(allowHeaders.contains(h), allowHeaders);
    }
    assertTrue(r.header("access-control-allow-methods").contains("POST"));
    assertNull(r.header("access-control-allow-credentials"));
  }

  @Test
  void corsHeadersOnAnswersToTheAllowedOriginOnly() {
    ApiClient api = secured.api();
    Response ok = api.raw("GET", "/api/version", null, null, Map.of("Origin", ORIGIN, "Authorization",
        basic(SECRET).get("Authorization"))).expect(200);
    assertEquals(ORIGIN, ok.header("access-control-allow-origin"));
    // a 401 carries them too, so the page can read why it was refused
    Response refused = api.raw("GET", "/api/version", null, null, Map.of("Origin", ORIGIN));
    assertUnauthorized(refused);
    assertEquals(ORIGIN, refused.header("access-control-allow-origin"));

    String before = secured.fingerprint();
    Response foreign = api.raw("POST", "/api/flows/", ApiClient.toJson(obj("name", "cors-" + UUID.randomUUID())),
        "application/json", Map.of("Origin", "https://evil.example", "Authorization", basic(SECRET).get("Authorization")));
    assertEquals(403, foreign.status(), foreign.raw());
    assertEquals("Disallowed CORS origin", foreign.text("detail"));
    assertNull(foreign.header("access-control-allow-origin"));
    assertEquals(before, secured.fingerprint());
    Response foreignPreflight = api.raw("OPTIONS", "/api/flows/", null, null,
        Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "POST"));
    assertEquals(403, foreignPreflight.status());
    assertNull(foreignPreflight.header("access-control-allow-origin"));
  }

  @Test
  void defaultsAreNoAuthAndNoCors() {
    ApiClient api = plain.api();
    Response r = api.raw("GET", "/api/version", null, null, Map.of("Origin", ORIGIN)).expect(200);
    assertNull(r.header("access-control-allow-origin"));
    Response pre = api.raw("OPTIONS", "/api/flows/", null, null,
        Map.of("Origin", ORIGIN, "Access-Control-Request-Method", "POST"));
    assertNull(pre.header("access-control-allow-origin"));
    assertTrue(pre.status() >= 400 && pre.status() < 500, pre.raw());
    assertNotNull(pre.body());
    assertTrue(api.get("/metrics").expect(200).raw().contains("# TYPE"));
  }

  /**
   * A body a foreign page could send without a preflight ({@code text/plain}, form types) is not
   * JSON to the API, as in FastAPI; no content type at all still is (older Prefect clients).
   */
  @Test
  void onlyJsonContentTypesCarryABody() {
    ApiClient api = plain.api();
    String before = plain.fingerprint();
    for (String type : new String[] {"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "application/xml", "text/json", ""}) {
      Response r = api.raw("POST", "/api/flows/", ApiClient.toJson(obj("name", "ct-" + UUID.randomUUID())), type, Map.of());
      assertEquals(422, r.status(), type + ": " + r.raw());
      assertEquals("model_attributes_type", r.body().get("exception_detail").get(0).get("type").asText(), type);
    }
    assertEquals(before, plain.fingerprint());
    // a cross-site form without fields: empty body, form content type — must not run an empty
    // (= unfiltered) bulk_delete or bulk_set_state
    api.createFlowRun(null);
    String beforeForms = plain.fingerprint();
    for (String type : new String[] {"application/x-www-form-urlencoded", "multipart/form-data; boundary=zz", "text/plain"}) {
      for (String path : new String[] {"/api/flow_runs/bulk_delete", "/api/flow_runs/bulk_set_state"}) {
        Response r = api.raw("POST", path, "", type, Map.of());
        assertEquals(422, r.status(), type + " " + path + ": " + r.raw());
      }
    }
    assertEquals(beforeForms, plain.fingerprint());
    for (String type : new String[] {"application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
        "application/vnd.prefect+json", null}) {
      api.raw("POST", "/api/flows/", ApiClient.toJson(obj("name", "ct-" + UUID.randomUUID())), type, Map.of()).expect(201);
    }
  }
}
