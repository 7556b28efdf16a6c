package dev.baton.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Test helpers. */
final class TestJson {
  private TestJson() {}

  /** Parses JSON written with single quotes for readability. */
  static JsonNode j(String json) {
    Decoded<JsonNode> d = Json.parse(json.replace('\'', '"'));
    return d.value();
  }

  static <T> ValidationError only(Decoded<T> d) {
    assertFalse(d.isOk(), "expected failure");
    assertEquals(1, d.errors().size(), () -> "errors: " + d.errors());
    return d.errors().get(0);
  }

  static void assertError(ValidationError e, String type, String path) {
    assertEquals(type, e.type(), () -> "error: " + e);
    assertEquals(path, e.path(), () -> "error: " + e);
  }

  static <T> ValidationError first(Decoded<T> d) {
    assertFalse(d.isOk(), "expected failure");
    return d.errors().get(0);
  }

  static List<String> types(Decoded<?> d) {
    return d.errors().stream().map(ValidationError::type).toList();
  }
}
