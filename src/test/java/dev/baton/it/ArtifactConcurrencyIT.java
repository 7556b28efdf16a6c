package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Two Baton instances on one database writing versions of the same keys at once: every key keeps
 * one collection row naming its newest version, versions' times never tie or go backwards, every
 * collection event names the version that was latest when it was written, and subscribers of
 * either instance receive the events of both.
 */
class ArtifactConcurrencyIT {
  @ClassServer static TestServer a;
  @ClassServer static TestServer b;

  static final ExecutorService POOL = Executors.newFixedThreadPool(24);

  @AfterAll
  static void stop() {
    POOL.shutdownNow();
  }

  static ApiClient api(int i) {
    return i % 2 == 0 ? a.api() : b.api();
  }

  static List<Row> rows(String sql, Object... params) {
    List<Row> out = new ArrayList<>();
    await(a.pool().preparedQuery(sql).execute(Tuple.from(params))).forEach(out::add);
    return out;
  }

  /** Runs every task on the pool at once and returns their results in order. */
  static <T> List<T> all(List<java.util.concurrent.Callable<T>> tasks) throws Exception {
    List<Future<T>> fs = new ArrayList<>();
    for (var t : tasks) fs.add(POOL.submit(t));
    List<T> out = new ArrayList<>();
    for (Future<T> f : fs) out.add(f.get(120, TimeUnit.SECONDS));
    return out;
  }

  static java.util.concurrent.Callable<String> creation(int i, String key) {
    return () -> api(i).post("/api/artifacts/", obj("key", key, "type", "progress", "description", null,
        "data", (double) i, "flow_run_id", null, "task_run_id", null)).expect(201).text("id");
  }

  /** Per key, its versions newest first by (created, id), the collection's view of them, and the key's events. */
  static void assertConsistent(List<String> keys) {
    for (String key : keys) {
      List<Row> versions = rows("SELECT id, created FROM artifact WHERE key = $1 ORDER BY created DESC, id DESC", key);
      List<Row> coll = rows("SELECT id, latest_id, updated FROM artifact_collection WHERE key = $1", key);
      if (versions.isEmpty()) {
        assertEquals(0, coll.size(), "a key without versions has no collection: " + key);
        assertEquals(404, a.api().get("/api/artifacts/" + key + "/latest").status());
        continue;
      }
      assertEquals(1, coll.size(), "one collection row per key: " + key);
      UUID newest = versions.get(0).getUUID("id");
      assertEquals(newest, coll.get(0).getUUID("latest_id"), "the collection names the newest version of " + key);
      long distinct = versions.stream().map(r -> r.getOffsetDateTime("created")).distinct().count();
      assertEquals(versions.size(), distinct, "no two versions of " + key + " share a time");
      for (ApiClient api : List.of(a.api(), b.api())) {
        assertEquals(newest.toString(), api.get("/api/artifacts/" + key + "/latest").expect(200).text("id"));
        JsonNode l = api.post("/api/artifacts/latest/filter", obj("artifacts", obj("key", obj("any_", List.of(key)))))
            .expect(200).body();
        assertEquals(1, l.size());
        assertEquals(newest.toString(), l.get(0).get("latest_id").asText());
        assertEquals(coll.get(0).getUUID("id").toString(), l.get(0).get("id").asText());
      }
    }
  }

  /** The collection's events, oldest first: (event name, the version it names). */
  static List<String[]> events(UUID collectionId) {
    List<String[]> out = new ArrayList<>();
    for (Row r : rows("SELECT event, related -> 0 ->> 'prefect.resource.id' AS latest FROM event"
        + " WHERE resource_id = $1 ORDER BY occurred, id", "prefect.artifact-collection." + collectionId)) {
      out.add(new String[] {r.getString("event"), r.getString("latest").substring("prefect.artifact.".length())});
    }
    return out;
  }

  @Test
  void concurrentVersionsOfTheSameKeysFromTwoInstances() throws Exception {
    int perKey = 60;
    List<String> keys = List.of("race-" + UUID.randomUUID(), "race-" + UUID.randomUUID(), "race-" + UUID.randomUUID());
    List<java.util.concurrent.Callable<String>> tasks = new ArrayList<>();
    for (int i = 0; i < perKey; i++) {
      for (String key : keys) tasks.add(creation(tasks.size(), key));
    }
    List<String> created = all(tasks);
    assertEquals(perKey * keys.size(), created.stream().distinct().count());
    assertEquals(keys.size(), rows("SELECT count(*) FROM artifact_collection WHERE key = ANY($1)",
        (Object) keys.toArray(new String[0])).get(0).getLong(0));
    assertConsistent(keys);

    // every version's event, in the versions' order: one created (the first), then updated
    for (String key : keys) {
      Row coll = rows("SELECT id, created FROM artifact_collection WHERE key = $1", key).get(0);
      List<String> order = new ArrayList<>();
      rows("SELECT id FROM artifact WHERE key = $1 ORDER BY created, id", key).forEach(r -> order.add(r.getUUID(0).toString()));
      List<String[]> ev = events(coll.getUUID("id"));
      assertEquals(perKey, ev.size());
      assertEquals("prefect.artifact-collection.created", ev.get(0)[0]);
      for (int i = 1; i < perKey; i++) assertEquals("prefect.artifact-collection.updated", ev.get(i)[0]);
      assertEquals(order, ev.stream().map(e -> e[1]).toList(), "each event names the version that became latest");
      assertEquals(rows("SELECT min(created) FROM artifact WHERE key = $1", key).get(0).getOffsetDateTime(0),
          coll.getOffsetDateTime("created"));
    }
  }

  /**
   * Deletions of versions (the latest among them) racing creations of the same keys, on both
   * instances: each key's collection still names its newest remaining version, or is gone with the
   * last one; the last event of each collection says so.
   */
  @Test
  void deletionsRacingCreations() throws Exception {
    List<String> keys = List.of("churn-" + UUID.randomUUID(), "churn-" + UUID.randomUUID(), "churn-" + UUID.randomUUID());
    Map<String, List<String>> versions = new HashMap<>();
    List<java.util.concurrent.Callable<String>> seed = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      for (String key : keys) seed.add(creation(seed.size(), key));
    }
    List<String> ids = all(seed);
    for (int i = 0; i < ids.size(); i++) {
      versions.computeIfAbsent(keys.get(i % keys.size()), k -> new ArrayList<>()).add(ids.get(i));
    }
    Map<String, UUID> collections = new HashMap<>();
    for (String key : keys) {
      collections.put(key, rows("SELECT id FROM artifact_collection WHERE key = $1", key).get(0).getUUID(0));
    }

    // the last key loses every version; the others all but a few, and gain new ones meanwhile
    Random random = new Random(7);
    List<java.util.concurrent.Callable<String>> churn = new ArrayList<>();
    for (String key : keys) {
      List<String> mine = new ArrayList<>(versions.get(key));
      Collections.shuffle(mine, random);
      int deletions = key.equals(keys.get(2)) ? mine.size() : mine.size() - 3;
      for (String id : mine.subList(0, deletions)) {
        int i = churn.size();
        churn.add(() -> String.valueOf(api(i).delete("/api/artifacts/" + id).expect(204).status()));
      }
      if (!key.equals(keys.get(2))) {
        for (int n = 0; n < 10; n++) churn.add(creation(churn.size(), key));
      }
    }
    Collections.shuffle(churn, random);
    all(churn);
    assertConsistent(keys);

    assertEquals(0, rows("SELECT count(*) FROM artifact_collection c WHERE NOT EXISTS"
        + " (SELECT 1 FROM artifact x WHERE x.id = c.latest_id)").get(0).getLong(0), "no collection names a deleted version");
    for (String key : keys) {
      List<String[]> ev = events(collections.get(key));
      String[] last = ev.get(ev.size() - 1);
      List<Row> coll = rows("SELECT latest_id FROM artifact_collection WHERE key = $1", key);
      if (coll.isEmpty()) {
        assertEquals("prefect.artifact-collection.deleted", last[0], key);
      } else {
        assertEquals("prefect.artifact-collection.updated", last[0], key);
        assertEquals(coll.get(0).getUUID(0).toString(), last[1], "the last event names the latest version");
      }
    }
  }

  /** A collection event written through one instance reaches the /events/out subscribers of both. */
  @Test
  void collectionEventsReachSubscribersOfEveryInstance() throws Exception {
    JsonNode filter = obj("event", obj("prefix", List.of("prefect.artifact-collection.")));
    try (WsClient onA = WsClient.subscribe(a, filter); WsClient onB = WsClient.subscribe(b, filter)) {
      String key = "live-" + UUID.randomUUID();
      String id = a.api().post("/api/artifacts/", obj("key", key, "type", "markdown", "data", "# live"))
          .expect(201).text("id");
      for (WsClient c : List.of(onA, onB)) {
        JsonNode e = eventFor(c, key);
        assertEquals("prefect.artifact-collection.created", e.get("event").asText());
        assertEquals("prefect.artifact." + id, e.get("related").get(0).get("prefect.resource.id").asText());
        assertEquals("# live", e.get("payload").get("data").asText());
        assertTrue(Instant.parse(e.get("occurred").asText()).isBefore(Instant.now().plusSeconds(1)));
      }
      b.api().delete("/api/artifacts/" + id).expect(204);
      for (WsClient c : List.of(onA, onB)) {
        assertEquals("prefect.artifact-collection.deleted", eventFor(c, key).get("event").asText());
      }
    }
  }


  /** The next event on {@code c} about the collection of {@code key} (other tests' events skipped). */
  private static JsonNode eventFor(WsClient c, String key) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      String m = c.nextMessage(10);
      assertNotNull(m, "no event within 10 s");
      JsonNode e = ApiClient.JSON.readTree(m).get("event");
      if (key.equals(e.get("resource").path("prefect.resource.name").asText())) {
        return e;
      }
    }
    throw new AssertionError("no event about " + key);
  }
}
