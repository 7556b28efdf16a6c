package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.it.ApiClient.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The concurrency-limit endpoints over HTTP: spec/scenarios.md P (99–104) and spec/concurrency.md §4. */
class ConcurrencyEndpointsIT {
  @ClassServer static ApiClient api;

  static String tag() {
    return "tag-" + UUID.randomUUID();
  }

  // ---- P. v1 endpoints ----

  @Test
  void p99_upsertTagLimit() throws Exception {
    String tag = "upsert " + UUID.randomUUID();
    Response created = api.post("/api/concurrency_limits/", obj("tag", tag, "concurrency_limit", 42)).expect(201);
    assertEquals(tag, created.text("tag"));
    assertEquals(42, created.get("concurrency_limit").asInt());
    assertEquals(0, created.get("active_slots").size());
    Thread.sleep(5);
    Response updated = api.post("/api/concurrency_limits/", obj("tag", tag, "concurrency_limit", 4242)).expect(200);
    assertEquals(created.text("id"), updated.text("id"));
    assertEquals(4242, updated.get("concurrency_limit").asInt());
    assertTrue(updated.text("updated").compareTo(created.text("updated")) > 0, updated.raw());
    // stored as a v2 "tag:" limit
    JsonNode v2 = api.get("/api/v2/concurrency_limits/" + enc("tag:" + tag)).expect(200).body();
    assertEquals(4242, v2.get("limit").asInt());
    assertEquals(created.text("id"), api.get("/api/concurrency_limits/" + created.text("id")).expect(200).text("id"));
  }

  @Test
  void p100_incrementRefusedWith423AndRetryAfter() {
    String t1 = tag();
    String t2 = tag();
    api.post("/api/concurrency_limits/", obj("tag", t1, "concurrency_limit", 2)).expect(201);
    api.post("/api/concurrency_limits/", obj("tag", t2, "concurrency_limit", 2)).expect(201);
    for (int i = 0; i < 2; i++) {
      Response ok = api.post("/api/concurrency_limits/increment",
          obj("names", List.of(t1), "task_run_id", UUID.randomUUID().toString())).expect(200);
      assertEquals(t1, ok.body().get(0).get("name").asText());
    }
    UUID run = UUID.randomUUID();
    Response refused = api.post("/api/concurrency_limits/increment",
        obj("names", List.of(t1, t2, "does-not-exist"), "task_run_id", run.toString())).expect(423);
    assertTrue(refused.text("detail").contains("Concurrency limit for the " + t1 + " tag has been reached"), refused.raw());
    double retry = Double.parseDouble(refused.header("Retry-After"));
    assertTrue(retry > 0 && retry <= 20, refused.header("Retry-After"));
    // nothing taken for the refused run: t2 still free
    assertEquals(0, api.get("/api/concurrency_limits/tag/" + enc(t2)).expect(200).get("active_slots").size());
    api.post("/api/concurrency_limits/decrement", obj("names", List.of(t1, t2), "task_run_id", run.toString())).expect(200);
  }

  @Test
  void p101_zeroLimitIs423WithoutRetryAfter() {
    String zero = tag();
    api.post("/api/concurrency_limits/", obj("tag", zero, "concurrency_limit", 0)).expect(201);
    Response r = api.post("/api/concurrency_limits/increment",
        obj("names", List.of(zero), "task_run_id", UUID.randomUUID().toString())).expect(423);
    assertEquals("The concurrency limit on tag \"" + zero + "\" is 0 and will deadlock if the task tries to run again.",
        r.text("detail"));
    assertNull(r.header("Retry-After"));
  }

  @Test
  void p102_noMatchingLimits() {
    String body = "{\"names\":[\"nope-" + UUID.randomUUID() + "\"],\"task_run_id\":\"" + UUID.randomUUID() + "\"}";
    assertEquals(0, api.post("/api/concurrency_limits/increment", body).expect(200).body().size());
    assertEquals(0, api.post("/api/concurrency_limits/decrement", body).expect(200).body().size());
  }

  @Test
  void p103_holdersResetAndDelete() {
    String t = tag();
    String id = api.post("/api/concurrency_limits/", obj("tag", t, "concurrency_limit", 3)).expect(201).text("id");
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    api.post("/api/concurrency_limits/increment", obj("names", List.of(t), "task_run_id", a.toString())).expect(200);
    api.post("/api/concurrency_limits/increment", obj("names", List.of(t), "task_run_id", b.toString())).expect(200);
    assertEquals(Set.of(a.toString(), b.toString()), ids(api.get("/api/concurrency_limits/tag/" + enc(t)).expect(200).get("active_slots")));
    List<String> override = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString(), UUID.randomUUID().toString());
    assertEquals("null", api.post("/api/concurrency_limits/tag/" + enc(t) + "/reset", obj("slot_override", override)).expect(200).raw());
    assertEquals(new TreeSet<>(override), ids(api.get("/api/concurrency_limits/tag/" + enc(t)).expect(200).get("active_slots")));
    // Baton: the counter equals the holders (Prefect keeps the revoked holders counted)
    assertEquals(3, api.get("/api/v2/concurrency_limits/" + id).expect(200).get("active_slots").asInt());
    api.delete("/api/concurrency_limits/tag/" + enc(t)).expect(200);
    assertEquals("Concurrency limit not found", api.get("/api/concurrency_limits/tag/" + enc(t)).expect(404).text("detail"));
    api.delete("/api/concurrency_limits/" + id).expect(404);
  }

  @Test
  void p104_renewUnknownLease() {
    Response r = api.post("/api/v2/concurrency_limits/leases/" + UUID.randomUUID() + "/renew", obj()).expect(410);
    assertEquals("Lease not found - it may have expired or been revoked", r.text("detail"));
  }

  @Test
  void v1IncrementTwiceBySameRunTakesOneSlot() {
    String t = tag();
    String id = api.post("/api/concurrency_limits/", obj("tag", t, "concurrency_limit", 1)).expect(201).text("id");
    UUID run = UUID.randomUUID();
    api.post("/api/concurrency_limits/increment", obj("names", List.of(t), "task_run_id", run.toString())).expect(200);
    api.post("/api/concurrency_limits/increment", obj("names", List.of(t), "task_run_id", run.toString())).expect(200);
    assertEquals(1, api.get("/api/v2/concurrency_limits/" + id).expect(200).get("active_slots").asInt());
    Response dec = api.post("/api/concurrency_limits/decrement", obj("names", List.of(t), "task_run_id", run.toString())).expect(200);
    assertEquals("tag:" + t, dec.body().get(0).get("name").asText());
    assertEquals(0, api.get("/api/v2/concurrency_limits/" + id).expect(200).get("active_slots").asInt());
  }

  @Test
  void v1FilterListsTagLimits() {
    String t = "aaa-" + UUID.randomUUID();
    api.post("/api/concurrency_limits/", obj("tag", t, "concurrency_limit", 1)).expect(201);
    JsonNode all = api.post("/api/concurrency_limits/filter", obj("limit", 200)).expect(200).body();
    boolean found = false;
    for (JsonNode n : all) {
      found |= t.equals(n.get("tag").asText());
    }
    assertTrue(found, all.toString());
    assertEquals("Invalid limit: must be less than or equal to 200.",
        api.post("/api/concurrency_limits/filter", obj("limit", 201)).expect(422).text("detail"));
  }

  // ---- v2 ----

  @Test
  void v2CrudAndValidation() {
    String name = "gcl-" + UUID.randomUUID();
    Response c = api.post("/api/v2/concurrency_limits/", obj("name", name, "limit", 5)).expect(201);
    assertEquals(true, c.get("active").asBoolean());
    assertEquals(0, c.get("denied_slots").asInt());
    assertEquals(2.0, c.get("avg_slot_occupancy_seconds").asDouble());
    api.post("/api/v2/concurrency_limits/", obj("name", name, "limit", 5)).expect(409);
    api.post("/api/v2/concurrency_limits/", obj("name", "bad/name", "limit", 5)).expect(422);
    api.post("/api/v2/concurrency_limits/", obj("name", "x", "limit", -1)).expect(422);
    api.post("/api/v2/concurrency_limits/", obj("name", "x", "limit", 1, "extra", 1)).expect(422);
    JsonNode read = api.get("/api/v2/concurrency_limits/" + c.text("id")).expect(200).body();
    assertEquals(name, read.get("name").asText());
    assertNull(read.get("denied_slots"));
    api.patch("/api/v2/concurrency_limits/" + enc(name), obj("limit", 7)).expect(204);
    assertEquals(7, api.get("/api/v2/concurrency_limits/" + enc(name)).expect(200).get("limit").asInt());
    api.patch("/api/v2/concurrency_limits/" + UUID.randomUUID(), obj("limit", 7)).expect(404);
    api.delete("/api/v2/concurrency_limits/" + c.text("id")).expect(204);
    assertEquals("Concurrency Limit not found", api.get("/api/v2/concurrency_limits/" + enc(name)).expect(404).text("detail"));
    api.delete("/api/v2/concurrency_limits/" + enc(name)).expect(404);
  }

  @Test
  void v2IncrementDecrementAndLeases() {
    String name = "gcl-" + UUID.randomUUID();
    String id = api.post("/api/v2/concurrency_limits/", obj("name", name, "limit", 2)).expect(201).text("id");
    api.post("/api/v2/concurrency_limits/increment", obj("slots", 3, "names", List.of(name))).expect(422);
    Response inc = api.post("/api/v2/concurrency_limits/increment", obj("slots", 1, "names", List.of(name, "nope"))).expect(200);
    assertEquals(1, inc.body().size());
    UUID holder = UUID.randomUUID();
    Response leased = api.post("/api/v2/concurrency_limits/increment-with-lease", obj("slots", 1, "names", List.of(name),
        "lease_duration", 60, "holder", obj("type", "task_run", "id", holder.toString()))).expect(200);
    String leaseId = leased.text("lease_id");
    assertNotNull(leaseId);
    assertEquals(2, api.get("/api/v2/concurrency_limits/" + id).expect(200).get("active_slots").asInt());
    Response locked = api.post("/api/v2/concurrency_limits/increment", obj("slots", 1, "names", List.of(name))).expect(423);
    assertEquals("Locked", locked.text("detail"));
    assertTrue(Double.parseDouble(locked.header("Retry-After")) > 0);
    JsonNode holders = api.get("/api/v2/concurrency_limits/" + id + "/holders").expect(200).body();
    assertEquals(1, holders.size());
    assertEquals(holder.toString(), holders.get(0).get("holder").get("id").asText());
    assertNotNull(holders.get(0).get("expiration").asText());
    api.post("/api/v2/concurrency_limits/leases/" + leaseId + "/renew", obj("lease_duration", 120)).expect(204);
    api.post("/api/v2/concurrency_limits/leases/" + leaseId + "/renew", obj("lease_duration", 10)).expect(422);
    api.post("/api/v2/concurrency_limits/decrement-with-lease", obj("lease_id", leaseId)).expect(204);
    api.post("/api/v2/concurrency_limits/decrement-with-lease", obj("lease_id", leaseId)).expect(204);
    assertEquals(1, api.get("/api/v2/concurrency_limits/" + id).expect(200).get("active_slots").asInt());
    api.post("/api/v2/concurrency_limits/decrement", obj("slots", 1, "names", List.of(name), "occupancy_seconds", 3.0)).expect(200);
    assertEquals(0, api.get("/api/v2/concurrency_limits/" + id).expect(200).get("active_slots").asInt());
    api.post("/api/v2/concurrency_limits/decrement", obj("slots", 1, "names", List.of(name))).expect(200);
    assertEquals(0, api.get("/api/v2/concurrency_limits/" + id).expect(200).get("active_slots").asInt());
    api.post("/api/v2/concurrency_limits/increment", obj("slots", 0, "names", List.of(name))).expect(422);
    api.post("/api/v2/concurrency_limits/increment", obj("slots", 1, "names", List.of())).expect(422);
    Response rate = api.post("/api/v2/concurrency_limits/increment", obj("slots", 1, "names", List.of(name), "mode", "rate_limit")).expect(422);
    assertTrue(rate.text("detail").contains("'" + name + "'"), rate.raw());
  }

  @Test
  void inactiveLimitsAreNotEnforced() {
    String name = "gcl-" + UUID.randomUUID();
    String id = api.post("/api/v2/concurrency_limits/", obj("name", name, "limit", 1, "active", false)).expect(201).text("id");
    for (int i = 0; i < 3; i++) {
      api.post("/api/v2/concurrency_limits/increment", obj("slots", 1, "names", List.of(name))).expect(200);
    }
    assertEquals(0, api.get("/api/v2/concurrency_limits/" + id).expect(200).get("active_slots").asInt());
  }

  @Test
  void slotDecay() throws Exception {
    String name = "rate-" + UUID.randomUUID();
    String id = api.post("/api/v2/concurrency_limits/", obj("name", name, "limit", 1, "slot_decay_per_second", 5.0)).expect(201).text("id");
    api.post("/api/v2/concurrency_limits/increment", obj("slots", 1, "names", List.of(name), "mode", "rate_limit")).expect(200);
    api.post("/api/v2/concurrency_limits/increment", obj("slots", 1, "names", List.of(name), "mode", "rate_limit")).expect(423);
    Thread.sleep(400);
    assertEquals(0, api.get("/api/v2/concurrency_limits/" + id).expect(200).get("active_slots").asInt());
    api.post("/api/v2/concurrency_limits/increment", obj("slots", 1, "names", List.of(name), "mode", "rate_limit")).expect(200);
  }

  static Set<String> ids(JsonNode arr) {
    Set<String> out = new TreeSet<>();
    arr.forEach(n -> out.add(n.asText()));
    return out;
  }

  static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  static List<String> list(String... s) {
    return new ArrayList<>(List.of(s));
  }
}
