package dev.baton.wire;

import static dev.baton.wire.TestJson.assertError;
import static dev.baton.wire.TestJson.j;
import static dev.baton.wire.TestJson.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The concurrency-limit bodies exactly as Prefect 3.8's client sends them (sweep-baton.json), and their edges. */
class ConcurrencyBodiesTest {
  static final String TASK = "01a252ce-8227-7bc1-bef5-0a5344fb66f1";
  static final String RUN = "33efc1ae-c981-4bc5-86b0-ec3eb55b53a3";

  @Test
  void v1() {
    ConcurrencyBodies.V1Create c = ConcurrencyBodies.v1Create(j("{'tag': 'sweep-tag-a908b6', 'concurrency_limit': 3}"))
        .value();
    assertEquals("sweep-tag-a908b6", c.tag());
    assertEquals(3, c.concurrencyLimit());
    assertEquals(3, ConcurrencyBodies.v1Create(j("{'tag': 't', 'concurrency_limit': 3.0}")).value().concurrencyLimit());
    assertError(only(ConcurrencyBodies.v1Create(j("{'tag': 't', 'concurrency_limit': 1, 'x': 1}"))), "extra_forbidden",
        "body.x");
    ConcurrencyBodies.Page p = ConcurrencyBodies.page(j("{'limit': 10, 'offset': 0}"), 200).value();
    assertEquals(10, p.limit());
    ConcurrencyBodies.V1Slots inc = ConcurrencyBodies.v1Slots(j("{'names': ['sweep-tag-a908b6'], 'task_run_id': '" + TASK
        + "'}")).value();
    assertEquals(UUID.fromString(TASK), inc.taskRunId());
    // decrement's occupancy_seconds is another parameter of that route: ignored by the slot decoder
    assertTrue(ConcurrencyBodies.v1Slots(j("{'names': ['sweep-tag-a908b6'], 'task_run_id': '" + TASK
        + "', 'occupancy_seconds': 1.5}")).isOk());
    assertEquals(List.of(UUID.fromString(TASK)), ConcurrencyBodies.reset(j("{'slot_override': ['" + TASK + "']}")).value());
    assertNull(ConcurrencyBodies.reset(null).value());
  }

  @Test
  void v2LimitsAsTheClientWritesThem() {
    ConcurrencyBodies.LimitV2 c = ConcurrencyBodies.v2Create(j("{'name': 'sweep-gcl-a908b6', 'limit': 5, 'active': true}"))
        .value();
    assertEquals("sweep-gcl-a908b6", c.name());
    assertEquals(5, c.limit());
    assertEquals(6, ConcurrencyBodies.v2Update(j("{'limit': 6}")).value().limit());
    ConcurrencyBodies.LimitV2 u = ConcurrencyBodies.v2Update(j("{'limit': 8, 'slot_decay_per_second': 0.5}")).value();
    assertEquals(0.5, u.slotDecayPerSecond());
    assertEquals(5, ConcurrencyBodies.v2Create(j("{'name': 'n', 'limit': 5.0}")).value().limit());
    // Prefect's Name: Field(pattern="^[^/%&><]+$")
    assertError(only(ConcurrencyBodies.v2Create(j("{'name': 'a/b', 'limit': 1}"))), "string_pattern_mismatch", "body.name");
  }

  @Test
  void slotsAsTheClientAsksForThem() {
    ConcurrencyBodies.Increment i = ConcurrencyBodies.increment(j("{'names': ['sweep-gcl-a908b6'], 'slots': 1,"
        + " 'mode': 'concurrency'}")).value();
    assertEquals(1, i.slots());
    assertFalse(i.rateLimit());
    assertTrue(ConcurrencyBodies.increment(j("{'names': ['g'], 'slots': 1, 'mode': 'rate_limit'}")).value().rateLimit());
    ConcurrencyBodies.Decrement d = ConcurrencyBodies.decrement(j("{'names': ['sweep-gcl-a908b6'], 'slots': 1,"
        + " 'occupancy_seconds': 0.25}")).value();
    assertEquals(0.25, d.occupancySeconds());
    ConcurrencyBodies.Increment l = ConcurrencyBodies.incrementWithLease(j("{'names': ['sweep-gcl-a908b6'], 'slots': 1,"
        + " 'mode': 'concurrency', 'lease_duration': 60.0, 'holder': {'type': 'flow_run', 'id': '" + RUN + "'}}")).value();
    assertEquals(60.0, l.leaseDuration());
    assertEquals("flow_run", l.holder().type());
    assertEquals(120.0, ConcurrencyBodies.renew(j("{'lease_duration': 120.0}")).value());
    assertEquals(UUID.fromString(RUN), ConcurrencyBodies.leaseId(j("{'lease_id': '" + RUN + "'}")).value());
    assertEquals(2, ConcurrencyBodies.increment(j("{'names': ['g'], 'slots': 2.0}")).value().slots(), "an integral float");
  }

  @Test
  void boundsAreWrittenAsPydanticWritesThem() {
    ValidationError small = only(ConcurrencyBodies.incrementWithLease(j("{'names': ['g'], 'slots': 1, 'lease_duration': 10}")));
    assertError(small, "greater_than_equal", "body.lease_duration");
    assertEquals("Input should be greater than or equal to 60", small.msg());
    assertEquals("60.0", small.ctx().get("ge").toString(), "a float field's bound is a float");
    ValidationError occupancy = only(ConcurrencyBodies.decrement(j("{'names': ['g'], 'slots': 1, 'occupancy_seconds': 0}")));
    assertEquals("0.0", occupancy.ctx().get("gt").toString());
    assertEquals("0", only(ConcurrencyBodies.increment(j("{'names': ['g'], 'slots': 0}"))).ctx().get("gt").toString());
    assertError(only(ConcurrencyBodies.increment(j("{'names': [], 'slots': 1}"))), "too_short", "body.names");
  }
}
