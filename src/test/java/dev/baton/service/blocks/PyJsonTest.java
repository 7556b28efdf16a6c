package dev.baton.service.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Python's json.dumps(sort_keys=True) and Prefect's schema checksum, against values Python 3.11
 * printed (float reprs, escapes, key order) and against the checksums Prefect 3.8.3 computed for
 * its own block classes (blocks/system-blocks.json) and for the nested blocks its client registered.
 */
class PyJsonTest {
  static final ObjectMapper M = new ObjectMapper();

  @Test
  void floatsAsPythonReprs() {
    double[] in = {0.1, 1.0, 1e16, 1e15, 123456789012345678.0, 0.0001, 0.00001, 1.5e-05, -2.5, 5e-324,
        1.7976931348623157e308, 1.5e-323, 9007199254740993.0, 0.3, 2.0 / 3, 100.0, 1e22, 1e23, 4.35, 0.1 + 0.2, -0.0};
    String[] python = {"0.1", "1.0", "1e+16", "1000000000000000.0", "1.2345678901234568e+17", "0.0001", "1e-05",
        "1.5e-05", "-2.5", "5e-324", "1.7976931348623157e+308", "1.5e-323", "9007199254740992.0", "0.3",
        "0.6666666666666666", "100.0", "1e+22", "1e+23", "4.35", "0.30000000000000004", "-0.0"};
    for (int i = 0; i < in.length; i++) {
      assertEquals(python[i], PyJson.floatRepr(in[i]), "repr(" + in[i] + ")");
    }
  }

  @Test
  void stringsKeysAndSeparatorsAsPython() throws Exception {
    JsonNode v = M.readTree("{\"b\":1,\"a\":[1.0,\"\u00e9\u2028\uD83D\uDE00\u007f\\\"\\\\\\n\"],"
        + "\"\uD83D\uDE00\":null,\"\uffff\":true}");
    assertEquals("{\"a\": [1.0, \"\\u00e9\\u2028\\ud83d\\ude00\\u007f\\\"\\\\\\n\"], \"b\": 1, \"\\uffff\": true, "
        + "\"\\ud83d\\ude00\": null}", PyJson.dumps(v));
  }

  @Test
  void checksumHashesTheArgsKwargsPair() throws Exception {
    // Python: sha256(json.dumps((({"x": 1.5, "title": "T", "secret_fields": ["a"]},), {}), sort_keys=True))
    assertEquals("sha256:400e89d7482f1119c0be68b0563fc6a17bfb6d8ba432e665c3955839dcfe9b35",
        PyJson.checksum(M.readTree("{\"x\": 1.5, \"title\": \"T\", \"secret_fields\": [\"a\"]}")));
  }

  @Test
  void everySystemBlockChecksumIsPrefects() {
    List<SystemBlocks.SystemBlock> blocks = SystemBlocks.blocks();
    assertEquals(14, blocks.size());
    for (SystemBlocks.SystemBlock b : blocks) {
      assertEquals(b.checksum(), SchemaFields.checksum(b.fields()), b.type().slug());
      assertEquals(b.checksum(), SchemaFields.prepare(b.fields(), null).checksum(), b.type().slug());
    }
  }

  /** What Prefect 3.8.3's client sent to register a block with a nested block, and the checksums it computed. */
  @Test
  void nestedBlockChecksumsArePrefects() throws Exception {
    ObjectNode inner = (ObjectNode) M.readTree("""
        {"block_schema_references": {}, "block_type_slug": "baton-inner-a", "properties": {"token": {"format":
        "password", "title": "Token", "type": "string", "writeOnly": true, "position": 0}, "x": {"default": 1,
        "title": "X", "type": "integer", "position": 1}}, "required": ["token"], "secret_fields": ["token"],
        "title": "BatonInner", "type": "object"}""");
    assertEquals("sha256:6b3319af0c157df19e6c5bc42a9a5e215e98b130bf037cb40fe2ca43423550e6", SchemaFields.checksum(inner));
    ObjectNode outer = (ObjectNode) M.readTree("""
        {"block_schema_references": {"inner": {"block_schema_checksum":
        "sha256:6b3319af0c157df19e6c5bc42a9a5e215e98b130bf037cb40fe2ca43423550e6", "block_type_slug": "baton-inner-a"}},
        "block_type_slug": "baton-outer-a", "properties": {"inner": {"$ref": "#/definitions/BatonInner", "position": 0},
        "headers": {"default": "", "title": "Headers", "type": "object", "position": 1}, "label": {"anyOf": [{"type":
        "string"}, {"type": "null"}], "default": null, "title": "Label", "position": 2}}, "required": ["inner"],
        "secret_fields": ["inner.token", "headers.*"], "title": "BatonOuter", "type": "object", "definitions":
        {"BatonInner": %s}}""".formatted(inner.toString()));
    assertEquals("sha256:18a33b4b340bff86ec3aa4bed312782a7370429af20f143993e6864c8f632f0c", SchemaFields.checksum(outer));
    SchemaFields.Prepared p = SchemaFields.prepare(outer, null);
    // stored without the nested block's definition and without the references
    assertEquals(false, p.stored().has("definitions"));
    assertEquals(false, p.stored().has("block_schema_references"));
    ObjectNode child = SchemaFields.childFields(p.definitions(), p.stored(), "inner", "baton-inner-a");
    assertEquals(inner, child);
    // the nested schema's checksum, computed with the parent's definitions, is the client's own
    assertEquals("sha256:6b3319af0c157df19e6c5bc42a9a5e215e98b130bf037cb40fe2ca43423550e6",
        SchemaFields.prepare(child, p.definitions()).checksum());
  }

  @Test
  void nonBlockDefinitionsAreKeptAndCyclesEnd() throws Exception {
    ObjectNode f = (ObjectNode) M.readTree("""
        {"properties": {"a": {"$ref": "#/definitions/A"}, "b": {"$ref": "#/definitions/B"}},
         "definitions": {"A": {"properties": {"self": {"$ref": "#/definitions/A"}}},
                         "B": {"block_type_slug": "b", "properties": {}}}}""");
    SchemaFields.Prepared p = SchemaFields.prepare(f, null);
    assertEquals(List.of("A"), List.copyOf(iter(p.stored().get("definitions").fieldNames())));
  }

  private static <T> List<T> iter(java.util.Iterator<T> it) {
    java.util.ArrayList<T> l = new java.util.ArrayList<>();
    it.forEachRemaining(l::add);
    return l;
  }
}
