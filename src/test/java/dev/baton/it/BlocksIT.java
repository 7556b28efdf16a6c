package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.testsupport.Await;
import io.vertx.sqlclient.Row;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The block calls of Prefect 3.8.3's client, with the bodies it sends (recorded from the client
 * against Prefect's server: {@code Secret(...).save()}, {@code Secret.load()}, a block with a nested
 * block saved by reference and inline, {@code overwrite=True}, the default result storage) and the
 * answers Prefect gave them; checksums are the ones Prefect computed.
 */
class BlocksIT {
  @ClassServer static TestServer server;
  @ClassServer static ApiClient api;

  static final String SECRET_CHECKSUM = "sha256:c078ed9c1e813e224c0b353d7ad4564a11d51d3198d9ac0686478165a1911c78";
  static final String INNER_CHECKSUM = "sha256:6b3319af0c157df19e6c5bc42a9a5e215e98b130bf037cb40fe2ca43423550e6";
  static final String OUTER_CHECKSUM = "sha256:18a33b4b340bff86ec3aa4bed312782a7370429af20f143993e6864c8f632f0c";

  static final String INNER_FIELDS = """
      {"block_schema_references": {}, "block_type_slug": "%1$s", "properties": {"token": {"format": "password",
      "title": "Token", "type": "string", "writeOnly": true, "position": 0}, "x": {"default": 1, "title": "X",
      "type": "integer", "position": 1}}, "required": ["token"], "secret_fields": ["token"], "title": "BatonInner",
      "type": "object"}""";

  static final String OUTER_FIELDS = """
      {"block_schema_references": {"inner": {"block_schema_checksum": "%3$s", "block_type_slug": "%1$s"}},
      "block_type_slug": "%2$s", "properties": {"inner": {"$ref": "#/definitions/BatonInner", "position": 0},
      "headers": {"default": "", "title": "Headers", "type": "object", "position": 1}, "label": {"anyOf":
      [{"type": "string"}, {"type": "null"}], "default": null, "title": "Label", "position": 2}}, "required": ["inner"],
      "secret_fields": ["inner.token", "headers.*"], "title": "BatonOuter", "type": "object",
      "definitions": {"BatonInner": %4$s}}""";

  static String id(ApiClient.Response r) {
    return r.body().get("id").asText();
  }

  @Test
  void secretSaveAndLoadAsTheClientDoesThem() {
    // Secret.save("my-secret"): register_type_and_schema finds Prefect's own type and schema
    ApiClient.Response type = api.get("/api/block_types/slug/secret").expect(200);
    assertTrue(type.body().get("is_protected").asBoolean());
    assertEquals("Secret", type.text("name"));
    ApiClient.Response schema = api.get("/api/block_schemas/checksum/" + SECRET_CHECKSUM + "?version=3.8.3").expect(200);
    assertEquals(id(type), schema.text("block_type_id"));
    assertEquals("secret", schema.body().get("block_type").get("slug").asText());
    assertEquals("{}", schema.body().get("fields").get("block_schema_references").toString());

    String create = """
        {"name": "my-secret", "data": {"value": "sk-1234567890"}, "block_schema_id": "%s", "block_type_id": "%s",
         "is_anonymous": false}""".formatted(id(schema), id(type));
    ApiClient.Response created = api.post("/api/block_documents/", create).expect(201);
    assertEquals("********", created.body().get("data").get("value").asText());
    assertEquals("Secret", created.text("block_type_name"));
    assertEquals(id(schema), created.body().get("block_schema").get("id").asText());
    assertEquals("{}", created.body().get("block_document_references").toString());
    assertFalse(created.body().get("is_anonymous").asBoolean());

    // Secret.load("my-secret")
    ApiClient.Response loaded = api.get("/api/block_types/slug/secret/block_documents/name/my-secret?include_secrets=true")
        .expect(200);
    assertEquals("sk-1234567890", loaded.body().get("data").get("value").asText());
    assertEquals(SECRET_CHECKSUM, loaded.body().get("block_schema").get("checksum").asText());

    // the same name again: 409 "Block already exists" (save raises; save(overwrite=True) patches)
    ApiClient.Response again = api.post("/api/block_documents/", create.replace("sk-1234567890", "other"));
    assertEquals(409, again.status());
    assertEquals("{\"detail\":\"Block already exists\"}", again.raw());
    api.patch("/api/block_documents/" + id(created), """
        {"block_schema_id": "%s", "data": {"value": {"user": "u", "password": "p"}}}""".formatted(id(schema)))
        .expect(204);
    ApiClient.Response after = api.get("/api/block_documents/" + id(created) + "?include_secrets=true").expect(200);
    assertEquals("{\"user\":\"u\",\"password\":\"p\"}", after.body().get("data").get("value").toString());
    // without secrets a JSON-valued secret is hidden whole (Prefect leaks it: docs/compatibility.md)
    assertEquals("\"********\"", api.get("/api/block_documents/" + id(created)).body().get("data").get("value").toString());

    // the data is encrypted at rest
    Row row = Await.await(server.pool().preparedQuery("SELECT data::text FROM block_document WHERE id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(UUID.fromString(id(created))))).iterator().next();
    assertFalse(row.getString(0).contains("password"), row.getString(0));
    assertTrue(row.getString(0).contains("\"alg\": \"A256GCM\""), row.getString(0));
  }

  @Test
  void nestedBlocksByReferenceAndInline() {
    String inSlug = "baton-inner-n";
    String outSlug = "baton-outer-n";
    // BlockTypeCreate as register_type_and_schema sends it
    ApiClient.Response inType = api.post("/api/block_types/", """
        {"name": "Baton Inner n", "slug": "%s", "logo_url": null, "documentation_url": null, "description": null,
         "code_example": "```python\\nfrom __main__ import BatonInner\\n```"}""".formatted(inSlug)).expect(201);
    ApiClient.Response inSchema = api.post("/api/block_schemas/", """
        {"fields": %s, "block_type_id": "%s", "capabilities": [], "version": "non-versioned"}"""
        .formatted(INNER_FIELDS.formatted(inSlug), id(inType))).expect(201);
    assertEquals(INNER_CHECKSUM.length(), inSchema.text("checksum").length());
    ApiClient.Response outType = api.post("/api/block_types/", """
        {"name": "Baton Outer n", "slug": "%s", "logo_url": null, "documentation_url": null, "description": null,
         "code_example": null}""".formatted(outSlug)).expect(201);
    String outFields = OUTER_FIELDS.formatted(inSlug, outSlug, inSchema.text("checksum"), INNER_FIELDS.formatted(inSlug));
    ApiClient.Response outSchema = api.post("/api/block_schemas/", """
        {"fields": %s, "block_type_id": "%s", "capabilities": ["read-path", "write-path"], "version": "non-versioned"}"""
        .formatted(outFields, id(outType))).expect(201);
    JsonNode refs = outSchema.body().get("fields").get("block_schema_references");
    assertEquals(inSchema.text("checksum"), refs.get("inner").get("block_schema_checksum").asText());
    assertEquals(inSlug, refs.get("inner").get("block_type_slug").asText());
    assertEquals("BatonInner", outSchema.body().get("fields").get("definitions").get("BatonInner").get("title").asText());
    // the same schema again: 200 with the existing one
    ApiClient.Response same = api.post("/api/block_schemas/", """
        {"fields": %s, "block_type_id": "%s", "capabilities": ["other"], "version": "non-versioned"}"""
        .formatted(outFields, id(outType))).expect(200);
    assertEquals(id(outSchema), id(same));

    ApiClient.Response inner = api.post("/api/block_documents/", """
        {"name": "inner-one", "data": {"token": "tok-1", "x": 5}, "block_schema_id": "%s", "block_type_id": "%s",
         "is_anonymous": false}""".formatted(id(inSchema), id(inType))).expect(201);
    assertEquals("{\"token\":\"********\",\"x\":5}", inner.body().get("data").toString());
    ApiClient.Response outer = api.post("/api/block_documents/", """
        {"name": "outer-one", "data": {"inner": {"$ref": {"block_document_id": "%s"}}, "headers": {"Authorization":
         "Bearer z", "n": {"deep": "v"}}, "label": "L"}, "block_schema_id": "%s", "block_type_id": "%s",
         "is_anonymous": false}""".formatted(id(inner), id(outSchema), id(outType))).expect(201);
    JsonNode data = outer.body().get("data");
    assertEquals("{\"token\":\"********\",\"x\":5}", data.get("inner").toString());
    assertEquals("{\"Authorization\":\"********\",\"n\":{\"deep\":\"********\"}}", data.get("headers").toString());
    JsonNode ref = outer.body().get("block_document_references").get("inner").get("block_document");
    assertEquals(id(inner), ref.get("id").asText());
    assertEquals("inner-one", ref.get("name").asText());
    assertEquals(inSlug, ref.get("block_type").get("slug").asText());
    assertEquals("{}", ref.get("block_document_references").toString());

    // BatonOuter.load("outer-one")
    JsonNode full = api.get("/api/block_types/slug/" + outSlug + "/block_documents/name/outer-one?include_secrets=true")
        .expect(200).body();
    assertEquals("tok-1", full.get("data").get("inner").get("token").asText());
    assertEquals("Bearer z", full.get("data").get("headers").get("Authorization").asText());

    // inline nested data (an unsaved child) stays in the parent's data
    ApiClient.Response two = api.post("/api/block_documents/", """
        {"name": "outer-two", "data": {"inner": {"token": "tok-2", "x": 1, "block_type_slug": "%s"}, "headers": {},
         "label": null}, "block_schema_id": "%s", "block_type_id": "%s", "is_anonymous": false}"""
        .formatted(inSlug, id(outSchema), id(outType))).expect(201);
    assertEquals("{\"inner\":{\"token\":\"********\",\"x\":1,\"block_type_slug\":\"" + inSlug
        + "\"},\"headers\":\"********\",\"label\":null}", two.body().get("data").toString());

    // save(overwrite=True) with a new inner block: the reference moves
    ApiClient.Response inner2 = api.post("/api/block_documents/", """
        {"name": "inner-two", "data": {"token": "tok-3", "x": 7}, "block_schema_id": "%s", "block_type_id": "%s",
         "is_anonymous": false}""".formatted(id(inSchema), id(inType))).expect(201);
    api.patch("/api/block_documents/" + id(outer), """
        {"block_schema_id": "%s", "data": {"inner": {"$ref": {"block_document_id": "%s"}}, "headers":
         {"Authorization": "Bearer z", "n": {"deep": "v"}}, "label": "L"}}""".formatted(id(outSchema), id(inner2)))
        .expect(204);
    JsonNode moved = api.get("/api/block_documents/" + id(outer) + "?include_secrets=true").expect(200).body();
    assertEquals("tok-3", moved.get("data").get("inner").get("token").asText());
    assertEquals(id(inner2), moved.get("block_document_references").get("inner").get("block_document").get("id").asText());

    // a merge that leaves "inner" out keeps the reference (Prefect drops it: docs/compatibility.md)
    api.patch("/api/block_documents/" + id(outer), "{\"data\": {\"label\": \"M\"}}").expect(204);
    JsonNode merged = api.get("/api/block_documents/" + id(outer) + "?include_secrets=true").expect(200).body();
    assertEquals("M", merged.get("data").get("label").asText());
    assertEquals(7, merged.get("data").get("inner").get("x").asInt());
    // obfuscated values sent back keep the stored secrets
    api.patch("/api/block_documents/" + id(outer), "{\"data\": {\"headers\": {\"Authorization\": \"********\","
        + " \"n\": {\"deep\": \"********\"}}}}").expect(204);
    assertEquals("Bearer z", api.get("/api/block_documents/" + id(outer) + "?include_secrets=true").body()
        .get("data").get("headers").get("Authorization").asText());

    // a reference that would close a cycle: 400
    ApiClient.Response cycle = api.patch("/api/block_documents/" + id(inner2), """
        {"data": {"back": {"$ref": {"block_document_id": "%s"}}}}""".formatted(id(outer)));
    assertEquals(400, cycle.status(), cycle.raw());

    // lists: by type, filter, count
    assertEquals(2, api.get("/api/block_types/slug/" + outSlug + "/block_documents").expect(200).body().size());
    JsonNode listed = api.post("/api/block_documents/filter", """
        {"block_types": {"slug": {"any_": ["%s"]}}, "block_schemas": {"block_capabilities": {"all_": ["write-path"]}},
         "sort": "NAME_DESC", "include_secrets": false}""".formatted(outSlug)).expect(200).body();
    assertEquals("outer-two", listed.get(0).get("name").asText());
    assertEquals("outer-one", listed.get(1).get("name").asText());
    assertEquals("2", api.post("/api/block_documents/count", """
        {"block_documents": {"block_type_id": {"any_": ["%s"]}}}""".formatted(id(outType))).expect(200).raw());
    JsonNode recent = api.post("/api/block_schemas/filter", """
        {"block_schemas": {"block_type_id": {"any_": ["%s"]}}, "limit": 1}""".formatted(id(outType))).expect(200).body();
    assertEquals(id(outSchema), recent.get(0).get("id").asText());
    assertTrue(api.get("/api/block_capabilities/").expect(200).raw().contains("\"write-path\""));

    // the default result storage (a write-path block)
    assertEquals("{\"default_result_storage_block_id\":null}", api.get("/api/admin/storage").expect(200).raw());
    ApiClient.Response notStorage = api.raw("PUT", "/api/admin/storage",
        "{\"default_result_storage_block_id\": \"" + id(inner) + "\"}", "application/json", Map.of());
    assertEquals(422, notStorage.status());
    assertEquals("{\"detail\":\"Block document " + id(inner) + " cannot be used for result storage.\"}", notStorage.raw());
    api.raw("PUT", "/api/admin/storage", "{\"default_result_storage_block_id\": \"" + id(outer) + "\"}",
        "application/json", Map.of()).expect(200);
    assertEquals(id(outer), api.get("/api/admin/storage").body().get("default_result_storage_block_id").asText());
    // deleting the document clears it
    api.delete("/api/block_documents/" + id(outer)).expect(204);
    assertEquals("{\"default_result_storage_block_id\":null}", api.get("/api/admin/storage").raw());
    assertEquals(404, api.delete("/api/block_documents/" + id(outer)).status());

    // deleting a type takes its schemas and documents
    api.delete("/api/block_types/" + id(outType)).expect(204);
    assertEquals(404, api.get("/api/block_documents/" + id(two)).status());
    assertEquals(404, api.get("/api/block_schemas/" + id(outSchema)).status());
  }

  @Test
  void protectedAndReservedTypes() {
    ApiClient.Response secret = api.get("/api/block_types/slug/secret").expect(200);
    ApiClient.Response del = api.delete("/api/block_types/" + id(secret));
    assertEquals(403, del.status());
    assertEquals("{\"detail\":\"protected block types cannot be deleted.\"}", del.raw());
    JsonNode schema = api.get("/api/block_schemas/checksum/" + SECRET_CHECKSUM).expect(200).body();
    ApiClient.Response delSchema = api.delete("/api/block_schemas/" + schema.get("id").asText());
    assertEquals(403, delSchema.status());
    ApiClient.Response reserved = api.post("/api/block_types/", "{\"name\": \"pReFeCt!\", \"slug\": \"prefect-x\"}");
    assertEquals(403, reserved.status());
    assertEquals("{\"detail\":\"Block type names beginning with 'Prefect' are reserved.\"}", reserved.raw());
    // updating a protected type is allowed (Prefect's client does it when its metadata differ)
    api.patch("/api/block_types/" + id(secret), "{\"description\": \"" + secret.text("description") + "\"}").expect(204);
    assertEquals("null", api.post("/api/block_types/install_system_block_types", null).expect(200).raw());
    assertEquals(id(secret), id(api.get("/api/block_types/slug/secret")));
  }
}
