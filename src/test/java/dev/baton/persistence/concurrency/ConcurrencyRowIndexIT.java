package dev.baton.persistence.concurrency;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.domain.ConcurrencyLease;
import dev.baton.persistence.Fixtures;
import dev.baton.persistence.SelectListChecks;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The concurrency statements decode rows by index ({@link ConcurrencyRows}' select lists): each is
 * run against PostgreSQL, the column names it reports checked against its select list, and every
 * index constant against the column it names.
 */
class ConcurrencyRowIndexIT extends SelectListChecks {

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

    List<String> limits = columns(ConcurrencyFactsStore.TASK_LIMITS, Tuple.of(taskRun, true));
    assertEquals(ConcurrencyRows.LIMIT.names(), limits);
    assertEquals(limits, columns(ConcurrencyFactsStore.TASK_LIMITS_READ, Tuple.of(taskRun, true)));
    assertEquals(ConcurrencyRows.LIMIT.size(), assertConstants(ConcurrencyRows.class, "LIMIT_", limits));

    List<String> leases = columns(ConcurrencyFactsStore.TASK_LEASES, Tuple.of(taskRun));
    assertEquals(ConcurrencyRows.LEASE.names(), leases);
    assertEquals(leases, columns(ConcurrencyFactsStore.TASK_LEASES_READ, Tuple.of(taskRun)));
    assertEquals(ConcurrencyRows.LEASE.size(), assertConstants(ConcurrencyRows.class, "LEASE_", leases));

    List<String> legacy = columns(ConcurrencyFactsStore.TASK_LEGACY, Tuple.of(taskRun));
    assertEquals(ConcurrencyRows.LEGACY.names(), legacy);
    assertEquals(ConcurrencyRows.LEGACY.size(), assertConstants(ConcurrencyRows.class, "LEGACY_", legacy));

    // a group's reads, with the same lists
    UUID[] runs = {taskRun};
    String[] tags = {"x"};
    String[] names = {"tag:x"};
    assertEquals(leases, columns(GroupConcurrencyReads.HELD_BY_ANY, Tuple.of((Object) runs)));
    assertEquals(legacy, columns(GroupConcurrencyReads.LEGACY_NAMING, Tuple.of(tags, (Object) runs)));
    assertEquals(limits, columns(GroupConcurrencyReads.LIMITS_BY_NAME_READ, Tuple.of((Object) names)));
    assertEquals(limits, columns(GroupConcurrencyReads.LOCK_NAMED_OR, Tuple.of(names, (Object) new UUID[0])));

    // a flow run's lease and limit, and its deployment
    await(pool.preparedQuery("UPDATE concurrency_lease SET holder_type = 'flow_run', holder_id = $1")
        .execute(Tuple.of(flowRun)));
    assertEquals(leases, columns(ConcurrencyFactsStore.FLOW_LEASES, Tuple.of(flowRun)));
    assertEquals(limits, columns(ConcurrencyFactsStore.FLOW_LIMITS, Tuple.of(flowRun, false)));
    List<String> deployment = columns(ConcurrencyFactsStore.FLOW_DEPLOYMENT, Tuple.of(flowRun));
    assertEquals(ConcurrencyFactsStore.DEPLOYMENT.names(), deployment);
    assertEquals(ConcurrencyFactsStore.DEPLOYMENT.size(),
        assertConstants(ConcurrencyFactsStore.class, "DEPLOYMENT_", deployment));

    // and the decoders read what was written
    ConcurrencyFactsStore.FactRows task = inTx(c -> ConcurrencyFactsStore.loadTaskFacts(c, taskRun, true));
    assertEquals(List.of("tag:x"), task.tagLimits().stream().map(l -> l.name()).toList());
    assertEquals(List.of(limit, 1, 0), List.of(task.tagLimits().get(0).id(), task.tagLimits().get(0).limit(),
        task.tagLimits().get(0).activeSlots()));
    assertEquals(List.of("x"), task.legacyLimits().stream().map(LegacyRow::tag).toList());
    ConcurrencyLease held = inTx(c -> ConcurrencyFactsStore.loadFlowFacts(c, flowRun, true)).leases().get(0);
    assertEquals(List.of(lease, List.of(limit), 1, Instant.MAX, "flow_run", flowRun),
        List.of(held.id(), held.resourceIds(), held.slots(), held.expiresAt(), held.holderType(), held.holderId()));
  }
}
