package dev.baton.persistence.concurrency;

import static dev.baton.persistence.concurrency.ConcurrencyRows.LEASE_COLUMNS;
import static dev.baton.persistence.concurrency.ConcurrencyRows.LEGACY_COLUMNS;
import static dev.baton.persistence.concurrency.ConcurrencyRows.LIMIT_COLUMNS;
import static dev.baton.persistence.concurrency.ConcurrencyRows.all;
import static dev.baton.persistence.concurrency.ConcurrencyRows.limitRow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.ConcurrencyLease;
import dev.baton.domain.ConcurrencyLimitV2;
import dev.baton.domain.TagLimitNames;
import dev.baton.persistence.JsonCodec;
import dev.baton.persistence.SelectList;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The concurrency rows of one proposal, issued right after the run lock on the same connection
 * (pipelined: no extra round trip): a task run's leases, legacy rows and tag limits, or a flow
 * run's leases, deployment and its limit. Lock order: the run's leases, then legacy rows, then the
 * limits in id order. Orchestration turns the {@link FactRows} into the engine's facts.
 */
public final class ConcurrencyFactsStore {
  private ConcurrencyFactsStore() {}

  /**
   * A flow run's deployment as its concurrency facts need it: the linked limit (null when none, or
   * not read), {@code cancelNew} ({@code collision_strategy == CANCEL_NEW}) and
   * {@code grace_period_seconds} (null when not set).
   */
  public record DeploymentRow(UUID id, ConcurrencyLimitV2 limit, boolean cancelNew, Integer gracePeriodSeconds) {}

  /**
   * The concurrency rows of one proposal: tag limits (task runs, only when asked for), legacy v1
   * rows (task runs), the leases involved, and the deployment (flow runs, when asked for and present).
   */
  public record FactRows(List<ConcurrencyLimitV2> tagLimits, List<LegacyRow> legacyLimits,
      List<ConcurrencyLease> leases, DeploymentRow deployment) {}

  static final String TASK_LEASES_READ = "SELECT " + LEASE_COLUMNS
      + " FROM concurrency_lease l WHERE l.holder_id = $1 ORDER BY l.id";

  static final String TASK_LEASES = TASK_LEASES_READ + " FOR UPDATE";

  static final String TASK_TAG_NAMES = "SELECT '" + TagLimitNames.PREFIX
      + "' || t FROM task_run tr, jsonb_array_elements_text(tr.tags) t WHERE tr.id = $1";

  static final String TASK_LEGACY_READ = "SELECT " + LEGACY_COLUMNS + " FROM concurrency_limit v"
      + " WHERE v.tag IN (SELECT t FROM task_run tr, jsonb_array_elements_text(tr.tags) t WHERE tr.id = $1)"
      + " OR $1 = ANY (v.active_slots) ORDER BY v.tag";

  static final String TASK_LEGACY = TASK_LEGACY_READ + " FOR UPDATE";

  /** Tag limits (when {@code $2}) and every limit of the run's leases, in id order (unlocked). */
  static final String TASK_LIMITS_READ = "SELECT " + LIMIT_COLUMNS + " FROM concurrency_limit_v2 c"
      + " WHERE ($2 AND c.name IN (" + TASK_TAG_NAMES + "))"
      + " OR c.id IN (SELECT unnest(l.resource_ids) FROM concurrency_lease l WHERE l.holder_id = $1)"
      + " ORDER BY c.id";

  /** As {@link #TASK_LIMITS_READ}, locked in id order. */
  static final String TASK_LIMITS = TASK_LIMITS_READ + " FOR UPDATE";

  /**
   * A task run's concurrency facts: its leases, legacy rows of its tags, and — when
   * {@code tagLimits} — its tag limits; every limit of its leases is locked too. Issue right after
   * the run-lock statement.
   */
  public static Future<FactRows> loadTaskFacts(SqlConnection c, UUID runId, boolean tagLimits) {
    return loadTaskFacts(c, runId, tagLimits, true);
  }

  /**
   * A task run's concurrency facts as committed at this moment, nothing locked (the rows another
   * transaction holds are read as they were): enough to find that a proposal would WAIT.
   */
  public static Future<FactRows> readTaskFacts(SqlConnection c, UUID runId, boolean tagLimits) {
    return loadTaskFacts(c, runId, tagLimits, false, false);
  }

  /**
   * As above; with {@code lockLimits} false the limit rows are read without a lock (the run's
   * leases and legacy rows are still locked). A decision that takes no slot may rest on such a
   * read — it sees the limits as committed at that moment, as a proposal sent a moment earlier
   * would — but one that takes a slot must load them again locked and decide again.
   */
  public static Future<FactRows> loadTaskFacts(SqlConnection c, UUID runId, boolean tagLimits,
      boolean lockLimits) {
    return loadTaskFacts(c, runId, tagLimits, lockLimits, true);
  }

  private static Future<FactRows> loadTaskFacts(SqlConnection c, UUID runId, boolean tagLimits,
      boolean lockLimits, boolean lockOwn) {
    Future<RowSet<Row>> leases = c.preparedQuery(lockOwn ? TASK_LEASES : TASK_LEASES_READ).execute(Tuple.of(runId));
    Future<RowSet<Row>> legacy = c.preparedQuery(lockOwn ? TASK_LEGACY : TASK_LEGACY_READ).execute(Tuple.of(runId));
    Future<RowSet<Row>> limits = c.preparedQuery(lockLimits ? TASK_LIMITS : TASK_LIMITS_READ)
        .execute(Tuple.of(runId, tagLimits));
    return Future.all(leases, legacy, limits).map(all -> {
      List<ConcurrencyLimitV2> tag = new ArrayList<>();
      for (Row r : limits.result()) {
        ConcurrencyLimitV2 l = limitRow(r);
        if (tagLimits && TagLimitNames.isTagLimit(l.name())) {
          tag.add(l);
        }
      }
      return new FactRows(tag, all(legacy.result(), ConcurrencyRows::legacyRow),
          all(leases.result(), ConcurrencyRows::leaseRow), null);
    });
  }

  /** The lease id named by the flow run's current state, or null. */
  static final String FLOW_STATE_LEASE = "(SELECT (s.state_details ->> 'deployment_concurrency_lease_id')::uuid"
      + " FROM flow_run fr JOIN flow_run_state s ON s.id = fr.state_id WHERE fr.id = $1)";

  static final String FLOW_LEASES = "SELECT " + LEASE_COLUMNS + " FROM concurrency_lease l"
      + " WHERE l.holder_id = $1 OR l.id = " + FLOW_STATE_LEASE + " ORDER BY l.id FOR UPDATE";

  static final SelectList DEPLOYMENT = new SelectList();

  // DEPLOYMENT_<NAME> is the index of the column named <name>
  static final int DEPLOYMENT_ID = DEPLOYMENT.add("d.id");
  static final int DEPLOYMENT_CONCURRENCY_LIMIT_ID = DEPLOYMENT.add("d.concurrency_limit_id");
  static final int DEPLOYMENT_OPTIONS = DEPLOYMENT.add("d.concurrency_options::text AS options");
  static final int DEPLOYMENT_DEPLOYMENT_ID = DEPLOYMENT.add("fr.deployment_id");

  static final String FLOW_DEPLOYMENT = "SELECT " + DEPLOYMENT.sql()
      + " FROM flow_run fr LEFT JOIN deployment d ON d.id = fr.deployment_id WHERE fr.id = $1";

  static final String FLOW_LIMITS = "SELECT " + LIMIT_COLUMNS + " FROM concurrency_limit_v2 c"
      + " WHERE ($2 AND c.id = (SELECT d.concurrency_limit_id FROM flow_run fr JOIN deployment d"
      + "   ON d.id = fr.deployment_id WHERE fr.id = $1))"
      + " OR c.id IN (SELECT unnest(l.resource_ids) FROM concurrency_lease l"
      + "   WHERE l.holder_id = $1 OR l.id = " + FLOW_STATE_LEASE + ")"
      + " ORDER BY c.id FOR UPDATE";

  /**
   * A flow run's concurrency facts: its leases (and the current state's lease), and — when
   * {@code deployment} — its deployment with the linked limit; all limits involved are locked.
   */
  public static Future<FactRows> loadFlowFacts(SqlConnection c, UUID runId, boolean deployment) {
    Future<RowSet<Row>> leases = c.preparedQuery(FLOW_LEASES).execute(Tuple.of(runId));
    Future<RowSet<Row>> dep = deployment ? c.preparedQuery(FLOW_DEPLOYMENT).execute(Tuple.of(runId))
        : Future.succeededFuture(null);
    Future<RowSet<Row>> limits = c.preparedQuery(FLOW_LIMITS).execute(Tuple.of(runId, deployment));
    return Future.all(leases, dep, limits).map(all -> {
      Map<UUID, ConcurrencyLimitV2> byId = new HashMap<>();
      for (Row r : limits.result()) {
        ConcurrencyLimitV2 l = limitRow(r);
        byId.put(l.id(), l);
      }
      DeploymentRow d = null;
      if (dep.result() != null && dep.result().size() > 0) {
        d = deploymentRow(dep.result().iterator().next(), byId);
      }
      return new FactRows(List.of(), List.of(), all(leases.result(), ConcurrencyRows::leaseRow), d);
    });
  }

  /** A row of {@link #FLOW_DEPLOYMENT} with its linked limit from {@code limits}; null when the deployment is gone. */
  private static DeploymentRow deploymentRow(Row r, Map<UUID, ConcurrencyLimitV2> limits) {
    if (r.getUUID(DEPLOYMENT_ID) == null) {
      return null;
    }
    JsonNode opts = JsonCodec.read(r.getString(DEPLOYMENT_OPTIONS));
    boolean cancelNew = opts != null && "CANCEL_NEW".equals(opts.path("collision_strategy").asText());
    Integer grace = opts != null && opts.path("grace_period_seconds").isNumber()
        ? opts.path("grace_period_seconds").asInt() : null;
    UUID limitId = r.getUUID(DEPLOYMENT_CONCURRENCY_LIMIT_ID);
    return new DeploymentRow(r.getUUID(DEPLOYMENT_ID), limitId == null ? null : limits.get(limitId), cancelNew, grace);
  }
}
