package dev.baton.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.DbTestBase;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The hot path decodes rows by index ({@link SelectList}). Each statement is run against
 * PostgreSQL and the column names it reports are checked against the select list, and every index
 * constant against the column it names: {@code FR_STATE_TYPE} must point at {@code state_type},
 * the state offsets of {@link Rows} at the columns of every joined state.
 */
class RowIndexIT extends DbTestBase {

  private static final OffsetDateTime NOW = OffsetDateTime.now(ZoneOffset.UTC);

  /** The column names PostgreSQL reports for {@code sql}, run in a transaction (most statements lock). */
  private static List<String> columns(String sql, Tuple params) {
    RowSet<Row> rows = inTx(c -> c.preparedQuery(sql).execute(params));
    assertTrue(rows.size() > 0, "the fixture rows are found: " + sql);
    return rows.columnsNames();
  }

  /**
   * Every {@code static final int} of {@code owner} named {@code <prefix><NAME>} is the index of
   * the column named {@code <name>}; returns how many were checked.
   */
  private static int assertConstants(Class<?> owner, String prefix, List<String> columns) throws Exception {
    int checked = 0;
    for (Field f : owner.getDeclaredFields()) {
      if (f.getType() == int.class && Modifier.isStatic(f.getModifiers()) && f.getName().startsWith(prefix)) {
        f.setAccessible(true);
        int index = f.getInt(null);
        String expected = f.getName().substring(prefix.length()).toLowerCase(Locale.ROOT);
        assertTrue(index >= 0 && index < columns.size(), f.getName() + " = " + index + " is outside the list " + columns);
        assertEquals(expected, columns.get(index), f.getName() + " points at the wrong column");
        checked++;
      }
    }
    return checked;
  }

  /** The state offsets of {@link Rows} against each joined state's columns, found by their prefix. */
  private static void assertStateOffsets(List<String> columns, String... prefixes) {
    Map<Integer, String> offsets = Map.of(Rows.STATE_ID, "id", Rows.STATE_TYPE, "type", Rows.STATE_NAME, "name",
        Rows.STATE_TIMESTAMP, "timestamp", Rows.STATE_MESSAGE, "message", Rows.STATE_DETAILS, "state_details",
        Rows.STATE_DATA, "data");
    assertEquals(Rows.STATE.length, offsets.size(), "one offset per state column, all distinct");
    for (String prefix : prefixes) {
      int first = columns.indexOf(prefix + "id");
      assertTrue(first >= 0, prefix + "id in " + columns);
      offsets.forEach((offset, name) -> assertEquals(prefix + name, columns.get(first + offset),
          "state offset " + offset + " of the " + prefix + " columns"));
    }
  }

  @Test
  void lockAndLoadStatementsDecodeByTheirSelectLists() throws Exception {
    UUID flowRun = Fixtures.flowRun(pool, Fixtures.flow(pool, "f").id());
    UUID taskRun = Fixtures.taskRun(pool, flowRun, "t");

    List<String> flow = columns(OrchestrationStore.LOCK_LOAD_FLOW_RUN, Tuple.of(flowRun));
    assertEquals(OrchestrationStore.FLOW_RUN.names(), flow);
    assertEquals(flow, columns(OrchestrationStore.LOCK_LOAD_FLOW_RUNS, Tuple.of((Object) new UUID[] {flowRun})));
    // one constant per column, a joined state's by its first column
    assertEquals(OrchestrationStore.FLOW_RUN.size(),
        assertConstants(OrchestrationStore.class, "FR_", flow) + (Rows.STATE.length - 1));
    assertStateOffsets(flow, "s_");

    List<String> task = columns(OrchestrationStore.LOCK_LOAD_TASK_RUN, Tuple.of(taskRun, null, NOW));
    assertEquals(OrchestrationStore.TASK_RUN.names(), task);
    assertEquals(task, columns(OrchestrationStore.READ_TASK_RUN, Tuple.of(taskRun, null, NOW)));
    assertEquals(task, columns(OrchestrationStore.LOCK_LOAD_TASK_RUNS,
        Tuple.of(new UUID[] {taskRun}, new String[] {null}, NOW)));
    assertEquals(OrchestrationStore.TASK_RUN.size(),
        assertConstants(OrchestrationStore.class, "TR_", task) + 3 * (Rows.STATE.length - 1));
    assertStateOffsets(task, "s_", "fs_", "cs_");
  }

  @Test
  void concurrencyFactStatementsDecodeByTheirSelectLists() throws Exception {
    UUID flowRun = Fixtures.flowRun(pool, Fixtures.flow(pool, "f").id());
    UUID taskRun = Fixtures.taskRun(pool, flowRun, "t");
    // a tag limit, a lease held by the task run on it, a legacy row for the tag
    await(pool.query("UPDATE task_run SET tags = '[\"x\"]' WHERE id = '" + taskRun + "'").execute());
    UUID limit = UUID.randomUUID();
    UUID lease = UUID.randomUUID();
    await(pool.preparedQuery("INSERT INTO concurrency_limit_v2 (id, name, \"limit\") VALUES ($1, 'tag:x', 1)")
        .execute(Tuple.of(limit)));
    await(pool.preparedQuery("INSERT INTO concurrency_lease (id, expires_at, resource_ids, slots, holder_type, holder_id)"
        + " VALUES ($1, 'infinity', $2, 1, 'task_run', $3)").execute(Tuple.of(lease, new UUID[] {limit}, taskRun)));
    await(pool.preparedQuery("INSERT INTO concurrency_limit (id, tag, concurrency_limit, active_slots) VALUES ($1, 'x', 1, '{}')")
        .execute(Tuple.of(UUID.randomUUID())));

    List<String> limits = columns(ConcurrencyStore.TASK_LIMITS, Tuple.of(taskRun, true));
    assertEquals(ConcurrencyStore.LIMIT.names(), limits);
    assertEquals(limits, columns(ConcurrencyStore.TASK_LIMITS_READ, Tuple.of(taskRun, true)));
    assertEquals(ConcurrencyStore.LIMIT.size(), assertConstants(ConcurrencyStore.class, "LIMIT_", limits));

    List<String> leases = columns(ConcurrencyStore.TASK_LEASES, Tuple.of(taskRun));
    assertEquals(ConcurrencyStore.LEASE.names(), leases);
    assertEquals(leases, columns(ConcurrencyStore.TASK_LEASES_READ, Tuple.of(taskRun)));
    assertEquals(ConcurrencyStore.LEASE.size(), assertConstants(ConcurrencyStore.class, "LEASE_", leases));

    List<String> legacy = columns(ConcurrencyStore.TASK_LEGACY, Tuple.of(taskRun));
    assertEquals(ConcurrencyStore.LEGACY.names(), legacy);
    assertEquals(ConcurrencyStore.LEGACY.size(), assertConstants(ConcurrencyStore.class, "LEGACY_", legacy));

    // a flow run's lease and limit, and its deployment
    await(pool.preparedQuery("UPDATE concurrency_lease SET holder_type = 'flow_run', holder_id = $1")
        .execute(Tuple.of(flowRun)));
    assertEquals(leases, columns(ConcurrencyStore.FLOW_LEASES, Tuple.of(flowRun)));
    assertEquals(limits, columns(ConcurrencyStore.FLOW_LIMITS, Tuple.of(flowRun, false)));
    List<String> deployment = columns(ConcurrencyStore.FLOW_DEPLOYMENT, Tuple.of(flowRun));
    assertEquals(ConcurrencyStore.DEPLOYMENT.names(), deployment);
    assertEquals(ConcurrencyStore.DEPLOYMENT.size(), assertConstants(ConcurrencyStore.class, "DEPLOYMENT_", deployment));

    // and the decoders read what was written
    ConcurrencyStore.FactRows task = inTx(c -> ConcurrencyStore.loadTaskFacts(c, taskRun, true));
    assertEquals(List.of("tag:x"), task.tagLimits().stream().map(l -> l.name()).toList());
    assertEquals(List.of(limit, 1, 0), List.of(task.tagLimits().get(0).id(), task.tagLimits().get(0).limit(),
        task.tagLimits().get(0).activeSlots()));
    assertEquals(List.of("x"), task.legacyLimits().stream().map(ConcurrencyStore.LegacyRow::tag).toList());
    ConcurrencyStore.LeaseRow held = inTx(c -> ConcurrencyStore.loadFlowFacts(c, flowRun, true)).leases().get(0);
    assertEquals(List.of(lease, List.of(limit), 1, Instant.MAX, "flow_run", flowRun),
        List.of(held.id(), held.resourceIds(), held.slots(), held.expiresAt(), held.holderType(), held.holderId()));
  }
}
