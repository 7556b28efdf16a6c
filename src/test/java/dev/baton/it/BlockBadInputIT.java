package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.Await;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad block requests: unknown types, schemas and documents, wrong shapes, bad references,
 * duplicates. Each gets Prefect's status and body (or Baton's 4xx where Prefect answers 500:
 * docs/compatibility.md, Blocks) and leaves the block tables exactly as they were.
 */
class BlockBadInputIT {
  @ClassServer static TestServer server;
  @ClassServer static ApiClient api;

  static String type;
  static String schema;
  static String doc;
  static String lfsSchema;
  static final String MISSING = "00000000-0000-0000-0000-000000000001";

  @BeforeAll
  static void fixtures() {
    type = api.post("/api/block_types/", "{\"name\": \"Bad Input\", \"slug\": \"bad-input\"}").expect(201).text("id");
    schema = api.post("/api/block_schemas/", "{\"fields\": {\"title\": \"B\", \"properties\": {}, \"secret_fields\": [\"s\"]},"
        + " \"block_type_id\": \"" + type + "\"}").expect(201).text("id");
    doc = api.post("/api/block_documents/", "{\"name\": \"taken\", \"data\": {\"s\": \"x\"}, \"block_schema_id\": \""
        + schema + "\", \"block_type_id\": \"" + type + "\"}").expect(201).text("id");
    String lfs = api.get("/api/block_types/slug/local-file-system").expect(200).text("id");
    lfsSchema = api.post("/api/block_schemas/filter", "{\"block_schemas\": {\"block_type_id\": {\"any_\": [\"" + lfs
        + "\"]}}, \"limit\": 1}").expect(200).body().get(0).get("id").asText();
  }

  static String docBody(String name, String data, String schemaId, String typeId) {
    return "{\"name\": " + name + ", \"data\": " + data + ", \"block_schema_id\": \"" + schemaId
        + "\", \"block_type_id\": \"" + typeId + "\"}";
  }

  static Arguments bad(String what, String method, String path, String body, int status, String contains) {
    return Arguments.of(Named.of(what, method), path, body, status, contains);
  }

  static Stream<Arguments> requests() {
    return Stream.of(
        bad("type without name", "POST", "/api/block_types/", "{\"slug\": \"q\"}", 422, "\"missing\""),
        bad("type name with a slash", "POST", "/api/block_types/", "{\"name\": \"a/b\", \"slug\": \"ab\"}", 422,
            "String should match pattern '^[^/%&><]+$'"),
        bad("type slug with a space", "POST", "/api/block_types/", "{\"name\": \"ok\", \"slug\": \"Bad Slug\"}", 422,
            "Block type slug must only contain lowercase letters, numbers, and dashes."),
        bad("type slug taken", "POST", "/api/block_types/", "{\"name\": \"Other\", \"slug\": \"bad-input\"}", 409,
            "Block type with name \\\"Other\\\" already exists"),
        bad("type extra key", "PATCH", "/api/block_types/{type}", "{\"name\": \"x\"}", 422, "extra_forbidden"),
        bad("type patch without body", "PATCH", "/api/block_types/{type}", null, 422, "\"missing\""),
        bad("unknown type patch", "PATCH", "/api/block_types/" + MISSING, "{\"description\": \"x\"}", 404,
            "Block type not found"),
        bad("unknown type delete", "DELETE", "/api/block_types/" + MISSING, null, 404, "Block type not found"),
        bad("schema of an unknown type", "POST", "/api/block_schemas/", "{\"fields\": {}, \"block_type_id\": \"" + MISSING
            + "\"}", 404, "Block type " + MISSING + " not found."),
        bad("schema with wrong shapes", "POST", "/api/block_schemas/", "{\"block_type_id\": \"x\", \"fields\": [],"
            + " \"capabilities\": \"a\", \"version\": null}", 422, "uuid_parsing"),
        bad("schema nesting an unregistered type", "POST", "/api/block_schemas/", "{\"fields\": {\"title\": \"Z\","
            + " \"properties\": {\"c\": {\"$ref\": \"#/definitions/C\"}}, \"block_schema_references\": {\"c\":"
            + " {\"block_type_slug\": \"nope-type\", \"block_schema_checksum\": \"sha256:abc\"}}, \"definitions\":"
            + " {\"C\": {\"title\": \"C\", \"block_type_slug\": \"nope-type\", \"properties\": {}}}}, \"block_type_id\": \"{type}\"}",
            409, "Cannot create block schema because block type 'nope-type' was not found.Did you forget to register the block type?"),
        bad("schema nesting a block without its definition", "POST", "/api/block_schemas/", "{\"fields\": {\"title\": \"Y\","
            + " \"properties\": {\"c\": {\"type\": \"object\"}}, \"block_schema_references\": {\"c\": {\"block_type_slug\":"
            + " \"bad-input\", \"block_schema_checksum\": \"sha256:none\"}}}, \"block_type_id\": \"{type}\"}", 422,
            "Unable to create nested block schema due to missing definitions in root block schema fields"),
        bad("schema by unknown checksum", "GET", "/api/block_schemas/checksum/sha256:nope", null, 404, "Block schema not found"),
        bad("document without a name", "POST", "/api/block_documents/", "{\"data\": {}, \"block_schema_id\": \"{schema}\","
            + " \"block_type_id\": \"{type}\"}", 422, "Names must be provided for block documents."),
        bad("document name with capitals", "POST", "/api/block_documents/", docBody("\"Bad Name\"", "{}", "{schema}", "{type}"),
            422, "Block document name must only contain lowercase letters, numbers, and dashes."),
        bad("document data not an object", "POST", "/api/block_documents/", docBody("\"x6\"", "[1]", "{schema}", "{type}"),
            422, "dict_type"),
        bad("document extra key", "POST", "/api/block_documents/", "{\"name\": \"x7\", \"data\": {}, \"block_schema_id\":"
            + " \"{schema}\", \"block_type_id\": \"{type}\", \"foo\": 1}", 422, "extra_forbidden"),
        bad("document of an unknown type", "POST", "/api/block_documents/", docBody("\"x1\"", "{}", "{schema}", MISSING),
            404, "Block type " + MISSING + " not found."),
        bad("document of an unknown schema", "POST", "/api/block_documents/", docBody("\"x2\"", "{}", MISSING, "{type}"),
            404, "Block schema " + MISSING + " not found."),
        bad("document with another type's schema", "POST", "/api/block_documents/",
            docBody("\"x2b\"", "{}", "{lfsSchema}", "{type}"), 400, "is not a schema of block type"),
        bad("document name taken", "POST", "/api/block_documents/", docBody("\"taken\"", "{}", "{schema}", "{type}"),
            409, "Block already exists"),
        bad("reference without an id", "POST", "/api/block_documents/",
            docBody("\"x3\"", "{\"a\": {\"$ref\": {}}}", "{schema}", "{type}"), 400,
            "Received block reference without a block_document_id in key a"),
        bad("reference to a string", "POST", "/api/block_documents/",
            docBody("\"x3b\"", "{\"a\": {\"$ref\": \"#/definitions/x\"}}", "{schema}", "{type}"), 400,
            "Received block reference without a block_document_id in key a"),
        bad("reference not a UUID", "POST", "/api/block_documents/",
            docBody("\"x5\"", "{\"a\": {\"$ref\": {\"block_document_id\": \"nope\"}}}", "{schema}", "{type}"), 400,
            "Invalid block_document_id"),
        bad("reference to an unknown document", "POST", "/api/block_documents/",
            docBody("\"x4\"", "{\"a\": {\"$ref\": {\"block_document_id\": \"" + MISSING + "\"}}}", "{schema}", "{type}"),
            404, "Block document " + MISSING + " not found."),
        bad("self reference", "PATCH", "/api/block_documents/{doc}",
            "{\"data\": {\"me\": {\"$ref\": {\"block_document_id\": \"{doc}\"}}}}", 400, "would introduce a cycle"),
        bad("migrate to another type's schema", "PATCH", "/api/block_documents/{doc}",
            "{\"block_schema_id\": \"{lfsSchema}\", \"data\": {}}", 400,
            "Must migrate block document to a block schema of the same block type."),
        bad("migrate to an unknown schema", "PATCH", "/api/block_documents/{doc}",
            "{\"block_schema_id\": \"" + MISSING + "\", \"data\": {\"s\": \"1\"}}", 404, "Block schema " + MISSING + " not found."),
        bad("update with a name", "PATCH", "/api/block_documents/{doc}", "{\"name\": \"zz\"}", 422, "extra_forbidden"),
        bad("unknown document update", "PATCH", "/api/block_documents/" + MISSING, "{\"data\": {}}", 404,
            "Block document not found"),
        bad("unknown document", "GET", "/api/block_documents/" + MISSING, null, 404, "Block document not found"),
        bad("include_secrets not a boolean", "GET", "/api/block_documents/{doc}?include_secrets=maybe", null, 422,
            "\"loc\":[\"query\",\"include_secrets\"]"),
        bad("document filter with an extra key", "POST", "/api/block_documents/filter", "{\"block_documents\": {\"foo\": 1}}",
            422, "extra_forbidden"),
        bad("document filter with a bad sort", "POST", "/api/block_documents/filter", "{\"sort\": \"NOPE\"}", 422,
            "Input should be 'NAME_DESC', 'NAME_ASC' or 'BLOCK_TYPE_AND_NAME_ASC'"),
        bad("document filter with a negative limit", "POST", "/api/block_documents/filter", "{\"limit\": -1}", 422,
            "Invalid limit: must be greater than or equal to 0."),
        bad("type filter with a negative offset", "POST", "/api/block_types/filter", "{\"offset\": -1}", 422,
            "greater_than_equal"),
        bad("unknown storage document", "PUT", "/api/admin/storage", "{\"default_result_storage_block_id\": \"" + MISSING
            + "\"}", 404, "Block document " + MISSING + " not found."),
        bad("storage without an id", "PUT", "/api/admin/storage", "{}", 422, "\"missing\""),
        bad("storage not a storage block", "PUT", "/api/admin/storage", "{\"default_result_storage_block_id\": \"{doc}\"}",
            422, "cannot be used for result storage."));
  }

  static final String SNAPSHOT = """
      SELECT md5(coalesce((SELECT string_agg(t::text, ',' ORDER BY t.id) FROM block_type t), '')
              || coalesce((SELECT string_agg(s::text, ',' ORDER BY s.id) FROM block_schema s), '')
              || coalesce((SELECT string_agg(r::text, ',' ORDER BY r.id) FROM block_schema_reference r), '')
              || coalesce((SELECT string_agg(d::text, ',' ORDER BY d.id) FROM block_document d), '')
              || coalesce((SELECT string_agg(r::text, ',' ORDER BY r.id) FROM block_document_reference r), '')
              || coalesce((SELECT string_agg(c.key || c.value::text, ',' ORDER BY c.key) FROM configuration c), ''))""";

  static String snapshot() {
    return Await.await(server.pool().query(SNAPSHOT).execute()).iterator().next().getString(0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requests")
  void refusedAndNothingWritten(String method, String path, String body, int status, String contains) {
    String before = snapshot();
    String p = fill(path);
    ApiClient.Response r = api.raw(method, p, body == null ? null : fill(body), "application/json", Map.of());
    assertEquals(status, r.status(), r.raw());
    assertTrue(r.raw().contains(contains), r.raw());
    assertEquals(before, snapshot(), "the block tables changed");
  }

  static String fill(String s) {
    return s.replace("{type}", type).replace("{schema}", schema).replace("{doc}", doc).replace("{lfsSchema}", lfsSchema);
  }
}
