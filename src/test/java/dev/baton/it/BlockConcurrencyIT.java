package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Two Baton instances on one database creating the same block type, schema and document at the
 * same moment, many times over: one creates, the other gets Prefect's answer for an existing one
 * (409 for a type or a document, 200 with the same schema for a schema), never a duplicate row or
 * a 500.
 */
class BlockConcurrencyIT {
  @ClassServer static TestServer a;
  @ClassServer static TestServer b;
  static final ExecutorService POOL = Executors.newFixedThreadPool(8);

  @AfterAll
  static void stop() {
    POOL.shutdownNow();
  }

  /** The same request sent by {@code n} clients at once, half to each instance. */
  static List<ApiClient.Response> together(int n, Function<ApiClient, ApiClient.Response> call) throws Exception {
    List<Callable<ApiClient.Response>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ApiClient api = (i % 2 == 0 ? a : b).api();
      calls.add(() -> call.apply(api));
    }
    List<ApiClient.Response> out = new ArrayList<>();
    for (Future<ApiClient.Response> f : POOL.invokeAll(calls)) {
      out.add(f.get());
    }
    return out;
  }

  static long count(String sql) {
    return Await.await(a.pool().query(sql).execute()).iterator().next().getLong(0);
  }

  @Test
  void sameTypeSchemaAndDocumentAtOnce() throws Exception {
    for (int i = 0; i < 10; i++) {
      int round = i;
      String slug = "race-" + round;
      List<ApiClient.Response> types = together(4, api -> api.post("/api/block_types/",
          "{\"name\": \"Race " + round + "\", \"slug\": \"" + slug + "\"}"));
      assertEquals(1, types.stream().filter(r -> r.status() == 201).count(), types.toString());
      assertTrue(types.stream().allMatch(r -> r.status() == 201 || r.status() == 409), types.toString());
      String typeId = a.api().get("/api/block_types/slug/" + slug).expect(200).text("id");

      String schemaBody = "{\"fields\": {\"title\": \"Race\", \"round\": " + round + ", \"properties\": {\"k\":"
          + " {\"$ref\": \"#/definitions/K\"}}, \"definitions\": {\"K\": {\"type\": \"string\"}}}, \"block_type_id\": \""
          + typeId + "\", \"version\": \"v1\"}";
      List<ApiClient.Response> schemas = together(4, api -> api.post("/api/block_schemas/", schemaBody));
      assertEquals(1, schemas.stream().filter(r -> r.status() == 201).count(), schemas.toString());
      assertTrue(schemas.stream().allMatch(r -> r.status() == 201 || r.status() == 200), schemas.toString());
      assertEquals(1, Set.copyOf(schemas.stream().map(r -> r.text("id")).toList()).size(), "one schema id for all");
      String schemaId = schemas.get(0).text("id");

      List<ApiClient.Response> docs = together(4, api -> api.post("/api/block_documents/", "{\"name\": \"doc\","
          + " \"data\": {\"k\": \"v\"}, \"block_schema_id\": \"" + schemaId + "\", \"block_type_id\": \"" + typeId + "\"}"));
      assertEquals(1, docs.stream().filter(r -> r.status() == 201).count(), docs.toString());
      assertTrue(docs.stream().allMatch(r -> r.status() == 201 || r.status() == 409), docs.toString());
      assertEquals(1, count("SELECT count(*) FROM block_type WHERE slug = '" + slug + "'"));
      assertEquals(1, count("SELECT count(*) FROM block_schema WHERE block_type_id = '" + typeId + "'"));
      assertEquals(1, count("SELECT count(*) FROM block_document WHERE block_type_id = '" + typeId + "'"));
      // either instance reads what the other wrote (one encryption key for both)
      assertEquals("v", b.api().get("/api/block_types/slug/" + slug + "/block_documents/name/doc?include_secrets=true")
          .expect(200).body().get("data").get("k").asText());
      assertEquals("v", a.api().get("/api/block_types/slug/" + slug + "/block_documents/name/doc?include_secrets=true")
          .expect(200).body().get("data").get("k").asText());
    }
    // both instances registered the system blocks at start: each exactly once
    assertEquals(14, count("SELECT count(*) FROM block_type WHERE slug IN ('secret', 'webhook', 'local-file-system',"
        + " 'slack-webhook', 'ms-teams-webhook', 'pager-duty-webhook', 'twilio-sms', 'opsgenie-webhook',"
        + " 'mattermost-webhook', 'discord-webhook', 'custom-webhook', 'sendgrid-email', 'remote-file-system', 'smb')"));
    assertEquals(1, count("SELECT count(*) FROM configuration WHERE key = 'ENCRYPTION_KEY'"));
  }
}
