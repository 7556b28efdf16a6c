package dev.baton.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.FlowRun;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.command.FlowRunCreate;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Flow runs (spec/api.md §4.2–4.3). Reads return the run with its current state (and data). */
public final class FlowRunRepository {
  private FlowRunRepository() {}

  static final String INSERT = """
      INSERT INTO flow_run (id, name, flow_id, deployment_id, deployment_version, work_queue_name,
                            work_pool_name, flow_version, parameters, idempotency_key, context,
                            empirical_policy, tags, labels, parent_task_run_id,
                            infrastructure_document_id, job_variables, created_by)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb, $10, $11::text::jsonb, $12::text::jsonb,
              $13::text::jsonb, $14::text::jsonb, $15, $16, $17::text::jsonb, $18::text::jsonb)
      ON CONFLICT (flow_id, idempotency_key) DO NOTHING
      RETURNING id""";

  static final String BY_IDEMPOTENCY_KEY = "SELECT id FROM flow_run WHERE flow_id = $1 AND idempotency_key = $2";

  /**
   * Inserts a run without state (the caller then orchestrates the initial state). With an
   * idempotency key already used for this flow, nothing is inserted and the existing run's id comes
   * back with {@code created = false}. {@code name} and {@code labels} are final (slug and label
   * merging are the caller's); {@code job_variables} null is stored as {@code {}}. An unknown
   * {@code flow_id}, {@code deployment_id} or {@code parent_task_run_id} fails with a foreign-key
   * violation ({@link SqlErrors}).
   */
  public static Future<Upserted<UUID>> insert(SqlClient c, FlowRunCreate cmd, String name, ObjectNode labels,
      String deploymentVersion) {
    UUID id = UUID.randomUUID();
    JsonNode jobVariables = cmd.jobVariables() == null ? JsonCodec.MAPPER.createObjectNode() : cmd.jobVariables();
    Tuple t = Tuple.tuple()
        .addValue(id).addValue(name).addValue(cmd.flowId()).addValue(cmd.deploymentId())
        .addValue(deploymentVersion).addValue(cmd.workQueueName()).addValue(cmd.workPoolName())
        .addValue(cmd.flowVersion()).addValue(JsonCodec.write(JsonCodec.objectOrEmpty(cmd.parameters())))
        .addValue(cmd.idempotencyKey()).addValue(JsonCodec.write(JsonCodec.objectOrEmpty(cmd.context())))
        .addValue(JsonCodec.writeFlowPolicy(cmd.empiricalPolicy())).addValue(JsonCodec.writeStrings(cmd.tags()))
        .addValue(JsonCodec.write(JsonCodec.objectOrEmpty(labels))).addValue(cmd.parentTaskRunId())
        .addValue(cmd.infrastructureDocumentId()).addValue(JsonCodec.write(jobVariables))
        .addValue(cmd.createdBy() == null ? null : JsonCodec.write(cmd.createdBy()));
    return c.preparedQuery(INSERT).execute(t).compose(rows -> {
      if (rows.size() > 0) {
        return Future.succeededFuture(new Upserted<>(rows.iterator().next().getUUID("id"), true));
      }
      return c.preparedQuery(BY_IDEMPOTENCY_KEY).execute(Tuple.of(cmd.flowId(), cmd.idempotencyKey()))
          .map(r -> new Upserted<>(r.iterator().next().getUUID("id"), false));
    });
  }

  static final String GET = """
      SELECT %s, %s
        FROM flow_run fr
        LEFT JOIN flow_run_state s ON s.id = fr.state_id
       WHERE fr.id = $1""".formatted(Rows.FLOW_RUN_COLUMNS, Rows.STATE_COLUMNS);

  /** The run with its current state, or null. */
  public static Future<FlowRun> get(SqlClient c, UUID id) {
    return c.preparedQuery(GET).execute(Tuple.of(id)).map(FlowRepository.first(Rows::flowRun));
  }

  /**
   * The page is cut from {@code flow_run} alone, so {@code where} and {@code orderBy} see only that
   * table: bare column names or {@code flow_run.<col>} (cross-object filters as EXISTS sub-queries
   * correlated on {@code flow_run.id}/{@code flow_run.flow_id}).
   */
  static final String LIST = """
      SELECT %s, %s
        FROM (SELECT flow_run.*, row_number() OVER (ORDER BY %%2$s) AS page_position
                FROM flow_run
               WHERE %%1$s
               ORDER BY %%2$s
               LIMIT $%%3$d OFFSET $%%4$d) fr
        LEFT JOIN flow_run_state s ON s.id = fr.state_id
       ORDER BY fr.page_position""".formatted(Rows.FLOW_RUN_COLUMNS, Rows.STATE_COLUMNS);

  /**
   * Runs matching {@code where} (a SQL condition over table {@code flow_run} using {@code $1..$n}
   * for {@code params}; null or blank = all), ordered by {@code orderBy} (e.g.
   * {@code "id DESC"}, {@code "coalesce(start_time, expected_start_time) ASC, id"}), paged.
   */
  public static Future<List<FlowRun>> list(SqlClient c, String where, List<Object> params, String orderBy,
      int limit, int offset) {
    return Queries.list(c, LIST, where, params, orderBy, limit, offset, Rows::flowRun);
  }

  /** Number of runs matching {@code where} (same rules as {@link #list}). */
  public static Future<Long> count(SqlClient c, String where, List<Object> params) {
    return Queries.count(c, "flow_run", where, params);
  }

  static final String DELETE = "DELETE FROM flow_run WHERE id = $1";

  static final String DELETE_MATCHING = """
      DELETE FROM flow_run WHERE id IN (
        SELECT flow_run.id FROM flow_run WHERE %s ORDER BY flow_run.id LIMIT $%d)
      RETURNING id""";

  /** Deletes up to {@code limit} runs matching {@code where}; returns their ids. */
  public static Future<List<UUID>> deleteMatching(SqlClient c, String where, List<Object> params, int limit) {
    List<Object> all = new ArrayList<>(params);
    all.add(limit);
    String sql = DELETE_MATCHING.formatted(where == null || where.isBlank() ? "true" : where, all.size());
    return c.preparedQuery(sql).execute(Tuple.from(all)).map(rows -> {
      List<UUID> ids = new ArrayList<>(rows.size());
      rows.forEach(r -> ids.add(r.getUUID("id")));
      return ids;
    });
  }

  /** True when the run existed; its states, task runs and inputs go with it. */
  public static Future<Boolean> delete(SqlClient c, UUID id) {
    return c.preparedQuery(DELETE).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  /**
   * {@code PATCH /flow_runs/{id}}: a field that is null is absent (left unchanged); a present
   * {@code Optional.empty()} writes SQL NULL (JSON-object columns get {@code {}}; {@code name} cannot
   * be cleared and is ignored then).
   */
  public record FlowRunPatch(
      Optional<String> name,
      Optional<String> flowVersion,
      Optional<ObjectNode> parameters,
      Optional<FlowRunPolicy> empiricalPolicy,
      Optional<List<String>> tags,
      Optional<String> infrastructurePid,
      Optional<JsonNode> jobVariables) {}

  /** Applies the present fields. True when the run exists. */
  public static Future<Boolean> patch(SqlClient c, UUID id, FlowRunPatch p) {
    List<String> sets = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    params.add(id);
    if (p.name() != null && p.name().isPresent()) {
      params.add(p.name().get());
      sets.add("name = $" + params.size());
    }
    if (p.flowVersion() != null) {
      params.add(p.flowVersion().orElse(null));
      sets.add("flow_version = $" + params.size());
    }
    if (p.parameters() != null) {
      params.add(JsonCodec.write(JsonCodec.objectOrEmpty(p.parameters().orElse(null))));
      sets.add("parameters = $" + params.size() + "::text::jsonb");
    }
    if (p.empiricalPolicy() != null) {
      params.add(JsonCodec.writeFlowPolicy(p.empiricalPolicy().orElse(null)));
      sets.add("empirical_policy = $" + params.size() + "::text::jsonb");
    }
    if (p.tags() != null) {
      params.add(JsonCodec.writeStrings(p.tags().orElse(List.of())));
      sets.add("tags = $" + params.size() + "::text::jsonb");
    }
    if (p.infrastructurePid() != null) {
      params.add(p.infrastructurePid().orElse(null));
      sets.add("infrastructure_pid = $" + params.size());
    }
    if (p.jobVariables() != null) {
      params.add(JsonCodec.write(p.jobVariables().orElse(JsonCodec.MAPPER.createObjectNode())));
      sets.add("job_variables = $" + params.size() + "::text::jsonb");
    }
    String sql = sets.isEmpty()
        ? "SELECT 1 FROM flow_run WHERE id = $1"
        : "UPDATE flow_run SET " + String.join(", ", sets) + ", updated = now() WHERE id = $1";
    return c.preparedQuery(sql).execute(Tuple.from(params))
        .map(rows -> (sets.isEmpty() ? rows.size() : rows.rowCount()) > 0);
  }

  static final String MERGE_LABELS =
      "UPDATE flow_run SET labels = labels || $2::text::jsonb, updated = now() WHERE id = $1";

  /** Merges {@code labels} into the run's labels (given keys win). True when the run exists. */
  public static Future<Boolean> mergeLabels(SqlClient c, UUID id, ObjectNode labels) {
    return c.preparedQuery(MERGE_LABELS).execute(Tuple.of(id, JsonCodec.write(JsonCodec.objectOrEmpty(labels))))
        .map(rows -> rows.rowCount() > 0);
  }
}
