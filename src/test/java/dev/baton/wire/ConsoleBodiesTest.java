package dev.baton.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.StateType;
import dev.baton.filter.Keyset;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ConsoleBodiesTest {
  private static JsonNode json(String s) throws Exception {
    return Json.MAPPER.readTree(s);
  }

  @Test
  void cursorsRoundTripToTheMicrosecond() {
    UUID id = UUID.randomUUID();
    for (Instant t : new Instant[] {Instant.parse("2026-12-07T10:11:12.123456Z"), Instant.parse("1969-12-31T23:59:59.999999Z"),
        Instant.EPOCH}) {
      Keyset k = new Keyset(t, id);
      assertEquals(k, ConsoleBodies.parseCursor(ConsoleBodies.cursor(k)));
    }
    Keyset untimed = new Keyset(null, id);
    assertEquals("null_" + id, ConsoleBodies.cursor(untimed));
    assertEquals(untimed, ConsoleBodies.parseCursor("null_" + id));
    assertNull(ConsoleBodies.cursor(null));
    for (String bad : new String[] {"", "_", "12_", "_" + id, "abc_" + id, "12_not-a-uuid", "99999999999999999999_" + id}) {
      assertNull(ConsoleBodies.parseCursor(bad), bad);
    }
  }

  /** The body the console's runs view sends: Prefect's filter objects, a limit and the previous page's cursor. */
  @Test
  void decodesTheRunsViewsBody() throws Exception {
    UUID id = UUID.randomUUID();
    Decoded<ConsoleBodies.KeysetRequest> d = ConsoleBodies.keyset(json("""
        {"limit": 50, "after": "1765100000000000_%s",
         "task_runs": {"state": {"type": {"any_": ["RUNNING", "FAILED"]}}, "tags": {"all_": ["etl"]},
                       "expected_start_time": {"after_": "2026-12-01T00:00:00Z"}},
         "flows": {"name": {"like_": "etl"}}}""".formatted(id)));
    assertTrue(d.isOk(), String.valueOf(d));
    ConsoleBodies.KeysetRequest r = d.value();
    assertEquals(50, r.limit());
    assertEquals(new Keyset(Instant.ofEpochSecond(1_765_100_000L), id), r.after());
    assertEquals(List.of(StateType.RUNNING, StateType.FAILED), r.filter().taskRuns().state().typeAny());
    assertEquals(List.of("etl"), r.filter().taskRuns().tags().all());
    assertEquals("etl", r.filter().flows().name().like());
  }

  @Test
  void defaultsAndBounds() throws Exception {
    ConsoleBodies.KeysetRequest r = ConsoleBodies.keyset(json("{}")).value();
    assertEquals(ConsoleBodies.DEFAULT_LIMIT, r.limit());
    assertNull(r.after());
    assertNull(r.filter().flowRuns());
    assertEquals(ConsoleBodies.DEFAULT_LIMIT, ConsoleBodies.keyset(null).value().limit());
    assertEquals(ConsoleBodies.DEFAULT_LIMIT, ConsoleBodies.keyset(json("{\"limit\": null, \"after\": null}")).value().limit());
    for (String bad : new String[] {"{\"limit\": 0}", "{\"limit\": 201}", "{\"limit\": \"x\"}", "{\"after\": 5}",
        "{\"after\": \"nope\"}", "{\"flow_runs\": {\"bogus\": 1}}", "[]"}) {
      assertFalse(ConsoleBodies.keyset(json(bad)).isOk(), bad);
    }
    Decoded<ConsoleBodies.KeysetRequest> bad = ConsoleBodies.keyset(json("{\"after\": \"nope\"}"));
    assertEquals(List.of("body", "after"), bad.errors().get(0).loc());
    assertEquals("value_error", bad.errors().get(0).type());
  }
}
