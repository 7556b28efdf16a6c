package dev.baton.service.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** secret_fields paths, wildcards and the restore of obfuscated values, as Prefect 3.8.3 answered them. */
class SecretsTest {
  static final ObjectMapper M = new ObjectMapper();

  static ObjectNode o(String json) throws Exception {
    return (ObjectNode) M.readTree(json);
  }

  static List<List<String>> paths(String... p) throws Exception {
    return Secrets.paths(o(M.writeValueAsString(java.util.Map.of("secret_fields", List.of(p)))));
  }

  @Test
  void plainNestedAndWildcardPaths() throws Exception {
    // Prefect: {"a":"********","b":{"c":"********","k":"plain"},"d":{"x":"********","y":{"z":"********"}},"e":[1,2]}
    ObjectNode d = o("{\"a\":\"s1\",\"b\":{\"c\":\"s2\",\"k\":\"plain\"},\"d\":{\"x\":1,\"y\":{\"z\":null}},\"e\":[1,2]}");
    Secrets.obfuscate(d, paths("a", "b.c", "d.*"));
    assertEquals(o("{\"a\":\"********\",\"b\":{\"c\":\"********\",\"k\":\"plain\"},"
        + "\"d\":{\"x\":\"********\",\"y\":{\"z\":\"********\"}},\"e\":[1,2]}"), d);
  }

  @Test
  void emptyObjectUnderWildcardAndNullsAndObjects() throws Exception {
    // Prefect: an empty SecretDict reads "********"; a null plain secret stays null
    ObjectNode d = o("{\"headers\":{},\"token\":null,\"value\":{\"user\":\"u\"}}");
    Secrets.obfuscate(d, paths("headers.*", "token", "value"));
    // a non-empty object at a plain path is hidden whole (Prefect shows it: docs/compatibility.md)
    assertEquals(o("{\"headers\":\"********\",\"token\":null,\"value\":\"********\"}"), d);
  }

  @Test
  void obfuscatedValuesSentBackKeepTheStoredOnes() throws Exception {
    ObjectNode current = o("{\"a\":\"s1\",\"b\":{\"c\":\"s2\",\"k\":\"plain\"},\"d\":{\"x\":1,\"y\":{\"z\":null}},\"v\":{\"u\":1}}");
    ObjectNode sent = o("{\"a\":\"********\",\"b\":{\"c\":\"********\",\"k\":\"new\"},"
        + "\"d\":{\"x\":\"********\",\"y\":{\"z\":\"********\"},\"w\":\"********\"},\"v\":\"********\"}");
    Secrets.restore(sent, current, paths("a", "b.c", "d.*", "v"));
    assertEquals(o("{\"a\":\"s1\",\"b\":{\"c\":\"s2\",\"k\":\"new\"},\"d\":{\"x\":1,\"y\":{\"z\":null},"
        + "\"w\":\"********\"},\"v\":{\"u\":1}}"), sent);
  }
}
