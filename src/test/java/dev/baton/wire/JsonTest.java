package dev.baton.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {

  static ValidationError bad(String body) {
    Decoded<JsonNode> d = Json.parse(body.getBytes(StandardCharsets.UTF_8));
    return TestJson.only(d);
  }

  @Test
  void emptyBodyIsNoBody() {
    assertNull(Json.parse(new byte[0]).value());
    assertNull(Json.parse(" \n".getBytes()).value());
  }

  @Test
  void malformedJsonIsJsonInvalidWithCharOffset() {
    ValidationError e = bad("{\"a\": }");
    assertEquals("json_invalid", e.type());
    assertEquals(List.of("body", 6), e.loc());
    assertEquals("JSON decode error", e.msg());
    assertTrue(e.input().isObject() && e.input().isEmpty());
    assertEquals("Expecting value", e.ctx().get("error").asText());
    // offsets count characters, not bytes
    ValidationError u = bad("{\"é€\": x}");
    assertEquals(List.of("body", 8), u.loc());
  }

  @Test
  void reasons() {
    assertEquals("Expecting property name enclosed in double quotes", bad("{'a': 1}").ctx().get("error").asText());
    assertEquals("Expecting ',' delimiter", bad("[1 2]").ctx().get("error").asText());
    assertEquals("Expecting ':' delimiter", bad("{\"a\" 1}").ctx().get("error").asText());
    assertEquals("Extra data", bad("{} {}").ctx().get("error").asText());
    assertEquals("json_invalid", bad("NaN").type());
    assertEquals("json_invalid", bad("{\"a\": \"unterminated").type());
  }

  @Test
  void deepNestingIs422NotException() {
    String deep = "[".repeat(65) + "]".repeat(65);
    ValidationError e = bad(deep);
    assertEquals("json_invalid", e.type());
    assertEquals("Maximum nesting depth exceeded", e.ctx().get("error").asText());
    String ok = "[".repeat(64) + "]".repeat(64);
    assertTrue(Json.parse(ok.getBytes()).isOk());
    String deepObj = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
    assertEquals("json_invalid", bad(deepObj).type());
  }

  @Test
  void hugeNumbersParseOrFailCleanly() {
    assertTrue(Json.parse(("[" + "9".repeat(900) + "]").getBytes()).isOk());
    assertEquals("json_invalid", bad("[" + "9".repeat(1200) + "]").type());
  }

  @Test
  void errorBodyShape() {
    Decoded<JsonNode> d = Json.parse("{".getBytes());
    JsonNode body = d.errorBody(null);
    assertEquals("Invalid request received.", body.get("exception_message").asText());
    assertTrue(body.get("request_body").isNull());
    assertEquals("json_invalid", body.get("exception_detail").get(0).get("type").asText());
  }
}
