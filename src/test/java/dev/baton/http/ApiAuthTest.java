package dev.baton.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiAuthTest {
  static final String SECRET = "admin:pässword with spaces";
  static final ApiAuth AUTH = ApiAuth.of(SECRET);

  static String basic(String s) {
    return "Basic " + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void acceptsWhatPrefectsClientSends() {
    assertTrue(AUTH.enabled());
    assertTrue(AUTH.accepts(basic(SECRET)));
    assertTrue(AUTH.accepts("basic " + basic(SECRET).substring(6)), "the scheme is case-insensitive");
    assertTrue(AUTH.accepts("  " + basic(SECRET).replace(" ", "\t ") + " "), "surrounding and separating whitespace");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Basic", "Basic ", "Bearer x", "Basic !!!notbase64", "Basic YWRtaW4=",
      "Basic a b", "Digest username=admin"})
  void refusesMalformedOrWrongHeaders(String header) {
    assertFalse(AUTH.accepts(header));
  }

  @Test
  void refusesNearMisses() {
    assertFalse(AUTH.accepts(null));
    assertFalse(AUTH.accepts(basic(SECRET + " ")));
    assertFalse(AUTH.accepts(basic(SECRET.substring(1))));
    assertFalse(AUTH.accepts(basic(SECRET.toUpperCase())));
    assertFalse(AUTH.accepts("Bearer " + basic(SECRET).substring(6)));
    assertFalse(AUTH.accepts(SECRET), "the bare secret is not a Basic header");
    // Latin-1 bytes of the same characters are not the UTF-8 the client sends
    assertFalse(AUTH.accepts("Basic " + Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.ISO_8859_1))));
  }

  @Test
  void bareTokenForTheWebsocketAuthFrame() {
    assertTrue(AUTH.acceptsToken(SECRET));
    assertFalse(AUTH.acceptsToken(null));
    assertFalse(AUTH.acceptsToken(""));
    assertFalse(AUTH.acceptsToken(basic(SECRET)), "the websocket token is the secret itself, not the header");
    assertFalse(AUTH.acceptsToken(SECRET + "x"));
  }

  @Test
  void disabledAcceptsEverything() {
    for (ApiAuth off : new ApiAuth[] {ApiAuth.of(null), ApiAuth.of("")}) {
      assertFalse(off.enabled());
      assertTrue(off.accepts(null));
      assertTrue(off.accepts("garbage"));
      assertTrue(off.acceptsToken(null));
    }
  }

  @Test
  void neverShowsTheSecret() {
    assertFalse(AUTH.toString().contains("admin"));
  }
}
