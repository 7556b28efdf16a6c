package dev.baton.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The hot path decodes rows by index ({@link SelectList}). Each statement is run against
 * PostgreSQL and the column names it reports are checked against the select list, and every index
 * constant against the column it names: {@code FR_STATE_TYPE} must point at {@code state_type},
 * the state offsets of {@link Rows} at the columns of every joined state. (The concurrency
 * statements: {@code concurrency.ConcurrencyRowIndexIT}.)
 */
class RowIndexIT extends SelectListChecks {

  private static final OffsetDateTime NOW = OffsetDateTime.now(ZoneOffset.UTC);

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
}
