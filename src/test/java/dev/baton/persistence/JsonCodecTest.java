package dev.baton.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.StateDetails;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The stored state details: the streaming writer and reader against the tree-built originals, on
 * random details, on the text PostgreSQL gives back for jsonb (keys reordered, spaces), and on
 * stored texts the writer never produces (left to the tree reader, which must agree).
 */
class JsonCodecTest {
  private final Random r = new Random(13);

  private <T> T maybe(Supplier<T> s) {
    return r.nextInt(3) == 0 ? null : s.get();
  }

  private StateDetails details() {
    Map<String, String> keyset = null;
    if (r.nextInt(4) == 0) {
      keyset = new LinkedHashMap<>();
      for (int i = r.nextInt(4); i > 0; i--) {
        keyset.put(pick("description", "response", "schema", "k\"é\n"), pick("d", "r", "", "x\\y\u0001"));
      }
    }
    Instant t = Instant.ofEpochSecond(1_700_000_000L + r.nextInt(1_000_000), r.nextInt(1_000_000) * 1000L);
    return new StateDetails(maybe(UUID::randomUUID), maybe(UUID::randomUUID), maybe(UUID::randomUUID), maybe(() -> t),
        maybe(() -> pick("key", "", "ü\"")), maybe(() -> t.plusSeconds(60)), maybe(r::nextBoolean), r.nextBoolean(),
        maybe(() -> t.plusSeconds(3600)), r.nextBoolean(), maybe(() -> pick("p1", "")), keyset, maybe(r::nextBoolean),
        maybe(r::nextBoolean), maybe(UUID::randomUUID), maybe(UUID::randomUUID), maybe(() -> "00-abc-01"),
        maybe(UUID::randomUUID));
  }

  @SafeVarargs
  private <T> T pick(T... options) {
    return options[r.nextInt(options.length)];
  }

  /** jsonb's text form: keys by length then bytes, ", " and ": " separators. */
  private static String jsonbText(JsonNode n) {
    if (!n.isObject()) {
      return n.toString();
    }
    List<String> keys = new ArrayList<>();
    n.fieldNames().forEachRemaining(keys::add);
    keys.sort(Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder()));
    List<String> members = new ArrayList<>();
    for (String k : keys) {
      members.add(JsonCodec.write(new com.fasterxml.jackson.databind.node.TextNode(k)) + ": " + jsonbText(n.get(k)));
    }
    return "{" + String.join(", ", members) + "}";
  }

  @Test
  void writesWhatTheTreeWroteAndReadsItBack() {
    for (int i = 0; i < 5_000; i++) {
      StateDetails d = details();
      String text = JsonCodec.writeDetails(d);
      assertEquals(JsonCodec.writeDetailsTree(d), text);
      assertEquals(JsonCodec.readDetailsTree(text), JsonCodec.readDetails(text));
      String stored = jsonbText(JsonCodec.read(text));
      assertEquals(JsonCodec.readDetailsTree(stored), JsonCodec.readDetails(stored), stored);
      assertEquals(d, JsonCodec.readDetails(stored), stored);
    }
  }

  @Test
  void textsTheWriterNeverProducesReadAsTheTreeReadsThem() {
    String id = UUID.randomUUID().toString();
    for (String text : new String[] {null, "null", "[]", "\"x\"", "{}", "{\"deferred\": true}",
        "{\"unknown\": {\"a\": [1, 2]}, \"pause_key\": \"k\", \"other\": 1}",
        "{\"deferred\": \"yes\", \"retriable\": 1, \"untrackable_result\": \"true\"}",
        "{\"cache_key\": 12, \"traceparent\": true, \"pause_key\": {\"a\": 1}}",
        "{\"run_input_keyset\": {\"a\": 1, \"b\": null, \"c\": \"x\"}}", "{\"run_input_keyset\": \"x\"}",
        "{\"run_input_keyset\": {\"a\": \"1\"}, \"run_input_keyset\": {\"b\": \"2\"}}",
        "{\"flow_run_id\": \"" + id + "\", \"flow_run_id\": null}",
        "{\"deferred\": false, \"deferred\": null}"}) {
      assertEquals(JsonCodec.readDetailsTree(text), JsonCodec.readDetails(text), text);
    }
    // absent keys are null (deferred too, unlike the builder's default), as the tree reader has them
    assertEquals(null, JsonCodec.readDetails("{\"pause_key\": \"k\"}").deferred());
    assertNotEquals(StateDetails.EMPTY, JsonCodec.readDetails("{\"pause_key\": \"k\"}"));
    // corrupt values fail as they always did
    assertThrows(IllegalArgumentException.class, () -> JsonCodec.readDetails("{\"flow_run_id\": \"nope\"}"));
    assertThrows(IllegalStateException.class, () -> JsonCodec.readDetails("{\"flow_run_id\": "));
  }

  @Test
  void aKeysetKeepsItsKeysAndValues() {
    ObjectNode o = JsonCodec.readObject("{\"run_input_keyset\": {\"response\": \"r\", \"description\": \"d\"}}");
    assertEquals(Map.of("response", "r", "description", "d"), JsonCodec.readDetails(o.toString()).runInputKeyset());
  }
}
