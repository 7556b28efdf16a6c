package dev.baton.automations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A bucket's key text is the JSON array of its for_each values, whichever way it is written (the stored keys must not change). */
class BucketKeyTest {
  @Test
  void theShortCutWritesWhatJacksonWrites() {
    List<List<String>> keys = List.of(List.of(), List.of("prefect.task-run.0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"),
        List.of(""), List.of("naïve ☃ ünïcödé"), List.of("say \"hi\""), List.of("back\\slash"), List.of("tab\there"),
        List.of("line\nbreak"), List.of("\u007f\u0080"), List.of("a", "b"), List.of("x\"", "y"));
    for (List<String> key : keys) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      key.forEach(a::add);
      assertEquals(a.toString(), TriggerService.Table.keyText(key), key.toString());
      assertEquals(key, TriggerService.Table.keyList(TriggerService.Table.keyText(key)));
    }
  }
}
