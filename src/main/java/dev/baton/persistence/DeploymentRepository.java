package dev.baton.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Deployment;
import dev.baton.domain.DeploymentStatus;
import dev.baton.domain.command.DeploymentCreate;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Deployments (dispatch.md §1.2): every field Prefect stores, read without their schedules
 * ({@link DeploymentScheduleStore} has those). Status and {@code last_polled} are written by
 * {@link ScheduledRunStore} alone and never touch {@code updated}.
 */
public final class DeploymentRepository {
  private DeploymentRepository() {}

  static final String COLUMNS = """
      id, created, updated, name, flow_id, version, description, paused, tags::text AS tags,
      labels::text AS labels, parameters::text AS parameters, work_pool_name, work_queue_name,
      concurrency_limit, concurrency_limit_id, concurrency_options::text AS concurrency_options,
      path, entrypoint, pull_steps::text AS pull_steps, job_variables::text AS job_variables,
      parameter_openapi_schema::text AS parameter_openapi_schema, enforce_parameter_schema,
      version_info::text AS version_info, storage_document_id, infrastructure_document_id, status, last_polled,
      created_by::text AS created_by, updated_by::text AS updated_by""";

  static Deployment deployment(Row r) {
    return new Deployment(r.getUUID("id"), Rows.instant(r, "created"), Rows.instant(r, "updated"),
        r.getString("name"), r.getUUID("flow_id"), r.getString("version"), r.getString("description"),
        r.getBoolean("paused"), JsonCodec.readStrings(r.getString("tags")),
        JsonCodec.readObject(r.getString("labels")), JsonCodec.readObject(r.getString("parameters")),
        r.getString("work_pool_name"), r.getString("work_queue_name"), r.getInteger("concurrency_limit"),
        r.getUUID("concurrency_limit_id"), JsonCodec.read(r.getString("concurrency_options")),
        r.getString("path"), r.getString("entrypoint"), JsonCodec.read(r.getString("pull_steps")),
        JsonCodec.readObject(r.getString("job_variables")), JsonCodec.read(r.getString("parameter_openapi_schema")),
        r.getBoolean("enforce_parameter_schema"), JsonCodec.read(r.getString("version_info")),
        r.getUUID("storage_document_id"), r.getUUID("infrastructure_document_id"),
        DeploymentStatus.valueOf(r.getString("status")), Rows.instant(r, "last_polled"),
        JsonCodec.read(r.getString("created_by")), JsonCodec.read(r.getString("updated_by")),
        null, List.of());
  }

  /** Insert columns in order; the body key each comes from (null: none, never updated by an upsert). */
  private static final String[][] UPSERT_COLUMNS = {
      {"name", "name"}, {"flow_id", "flow_id"}, {"version", "version"}, {"description", "description"},
      {"paused", "paused"}, {"tags", "tags"}, {"labels", null}, {"parameters", "parameters"},
      {"work_pool_name", "work_pool_name"}, {"work_queue_name", "work_queue_name"},
      {"concurrency_limit", "concurrency_limit"}, {"concurrency_options", "concurrency_options"},
      {"path", "path"}, {"entrypoint", "entrypoint"}, {"pull_steps", "pull_steps"},
      {"job_variables", "job_variables"}, {"parameter_openapi_schema", "parameter_openapi_schema"},
      {"enforce_parameter_schema", "enforce_parameter_schema"}, {"version_info", "version_info"},
      {"storage_document_id", "storage_document_id"}, {"infrastructure_document_id", "infrastructure_document_id"}};
  private static final java.util.Set<String> JSON_COLUMNS = java.util.Set.of("tags", "parameters",
      "concurrency_options", "pull_steps", "job_variables", "parameter_openapi_schema", "version_info");

  /**
   * The insert of a new deployment, or on {@code (flow_id, name)} the update of the columns the body
   * gave (Prefect's {@code exclude_unset}) and of its labels — the flow's labels, then
   * {@code prefect.flow.id}, then the given ones, as Prefect composes them; {@code created} is
   * true when the row was inserted ({@code xmax = 0}).
   */
  static String upsertSql(java.util.Set<String> present) {
    StringBuilder cols = new StringBuilder();
    StringBuilder vals = new StringBuilder();
    List<String> sets = new ArrayList<>();
    for (int i = 0; i < UPSERT_COLUMNS.length; i++) {
      String col = UPSERT_COLUMNS[i][0];
      int n = i + 1;
      cols.append(i == 0 ? "" : ", ").append(col);
      String v = col.equals("labels")
          ? "coalesce((SELECT f.labels FROM flow f WHERE f.id = $2), '{}'::jsonb)"
              + " || jsonb_build_object('prefect.flow.id', $2::text) || $7::text::jsonb"
          : JSON_COLUMNS.contains(col) ? "$" + n + "::text::jsonb" : "$" + n;
      vals.append(i == 0 ? "" : ", ").append(v);
      String key = UPSERT_COLUMNS[i][1];
      if (key == null || present.contains(key) && !col.equals("name") && !col.equals("flow_id")) {
        sets.add(col + " = EXCLUDED." + col);
      }
    }
    sets.add("updated = now()");
    return "INSERT INTO deployment (" + cols + ") VALUES (" + vals + ") ON CONFLICT (flow_id, name) DO UPDATE SET "
        + String.join(", ", sets) + " RETURNING " + COLUMNS + ", (xmax = 0) AS inserted";
  }

  /**
   * Inserts or updates the deployment named {@code (flow_id, name)}. {@code concurrency_limit_id}
   * is kept on update; link the v2 limit with {@link #setConcurrencyLimitId}. An unknown flow fails
   * with a foreign-key violation.
   */
  public static Future<Upserted<Deployment>> upsert(SqlClient c, DeploymentCreate d) {
    Tuple t = Tuple.tuple()
        .addValue(d.name()).addValue(d.flowId()).addValue(d.version()).addValue(d.description())
        .addValue(d.paused()).addValue(JsonCodec.writeStrings(d.tags()))
        .addValue(JsonCodec.write(JsonCodec.objectOrEmpty(d.labels())))
        .addValue(JsonCodec.write(JsonCodec.objectOrEmpty(d.parameters())))
        .addValue(d.workPoolName()).addValue(d.workQueueName()).addValue(d.concurrencyLimit())
        .addValue(JsonCodec.write(d.concurrencyOptions()))
        .addValue(d.path()).addValue(d.entrypoint()).addValue(JsonCodec.write(d.pullSteps()))
        .addValue(JsonCodec.write(JsonCodec.objectOrEmpty(d.jobVariables())))
        .addValue(JsonCodec.write(d.parameterOpenapiSchema())).addValue(d.enforceParameterSchema())
        .addValue(JsonCodec.write(d.versionInfo())).addValue(d.storageDocumentId())
        .addValue(d.infrastructureDocumentId());
    return c.preparedQuery(upsertSql(d.present())).execute(t).map(rows -> {
      Row r = rows.iterator().next();
      return new Upserted<>(deployment(r), r.getBoolean("inserted"));
    });
  }

  static final String GET = "SELECT " + COLUMNS + " FROM deployment WHERE id = $1";

  /** The deployment (without its schedules), or null. */
  public static Future<Deployment> get(SqlClient c, UUID id) {
    return c.preparedQuery(GET).execute(Tuple.of(id)).map(FlowRepository.first(DeploymentRepository::deployment));
  }

  static final String GET_FOR_UPDATE = GET + " FOR NO KEY UPDATE";

  /** The deployment locked against other changes until the transaction ends, or null. */
  public static Future<Deployment> lock(SqlClient c, UUID id) {
    return c.preparedQuery(GET_FOR_UPDATE).execute(Tuple.of(id))
        .map(FlowRepository.first(DeploymentRepository::deployment));
  }

  static final String LIST = "SELECT " + COLUMNS + " FROM deployment WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d";

  /** Deployments matching {@code where} (over table {@code deployment}), ordered by {@code orderBy}. */
  public static Future<List<Deployment>> list(SqlClient c, String where, List<Object> params, String orderBy,
      int limit, int offset) {
    return Queries.list(c, LIST, where, params, orderBy, limit, offset, DeploymentRepository::deployment);
  }

  public static Future<Long> count(SqlClient c, String where, List<Object> params) {
    return Queries.count(c, "deployment", where, params);
  }

  static final String ID_BY_NAME = """
      SELECT d.id FROM deployment d JOIN flow f ON f.id = d.flow_id WHERE f.name = $1 AND d.name = $2""";

  /** The id of the deployment {@code deploymentName} of the flow {@code flowName}, or null. */
  public static Future<UUID> idByName(SqlClient c, String flowName, String deploymentName) {
    return c.preparedQuery(ID_BY_NAME).execute(Tuple.of(flowName, deploymentName))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("id"));
  }

  static final String SET_LIMIT_ID = "UPDATE deployment SET concurrency_limit_id = $2, updated = now() WHERE id = $1";

  /** Links (or with null unlinks) the deployment's v2 concurrency limit. True when it exists. */
  public static Future<Boolean> setConcurrencyLimitId(SqlClient c, UUID id, UUID limitId) {
    return c.preparedQuery(SET_LIMIT_ID).execute(Tuple.of(id, limitId)).map(rows -> rows.rowCount() > 0);
  }

  static final String SET_PAUSED = "UPDATE deployment SET paused = $2, updated = now() WHERE id = $1";

  /** {@code pause_deployment} / {@code resume_deployment}; true when it exists. */
  public static Future<Boolean> setPaused(SqlClient c, UUID id, boolean paused) {
    return c.preparedQuery(SET_PAUSED).execute(Tuple.of(id, paused)).map(rows -> rows.rowCount() > 0);
  }

  static final String TOUCH = "UPDATE deployment SET updated = now() WHERE id = $1";

  /** Bumps {@code updated} (a schedule changed: the scheduler's recent pass looks again). */
  public static Future<Boolean> touch(SqlClient c, UUID id) {
    return c.preparedQuery(TOUCH).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  static final String DELETE = "DELETE FROM deployment WHERE id = $1";

  /** True when it existed; its runs keep existing with {@code deployment_id = null}. */
  public static Future<Boolean> delete(SqlClient c, UUID id) {
    return c.preparedQuery(DELETE).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  /** Writes the present columns of a PATCH ({@code concurrency_limit} is synced by the caller). */
  public static Future<Boolean> patch(SqlClient c, UUID id, Map<String, Object> present) {
    List<String> sets = new ArrayList<>();
    Tuple t = Tuple.tuple().addValue(id);
    for (Map.Entry<String, Object> e : present.entrySet()) {
      String k = e.getKey();
      Object v = e.getValue();
      int n = t.size() + 1;
      switch (k) {
        case "version", "description", "work_pool_name", "work_queue_name", "path", "entrypoint" -> {
          sets.add(k + " = $" + n);
          t.addValue(v);
        }
        case "storage_document_id", "infrastructure_document_id" -> {
          sets.add(k + " = $" + n + "::uuid");
          t.addValue(v);
        }
        case "paused" -> {
          sets.add("paused = coalesce($" + n + ", false)");
          t.addValue(v);
        }
        case "enforce_parameter_schema" -> {
          sets.add("enforce_parameter_schema = coalesce($" + n + ", enforce_parameter_schema)");
          t.addValue(v);
        }
        case "concurrency_limit" -> {
          sets.add("concurrency_limit = $" + n);
          t.addValue(v);
        }
        case "tags" -> {
          sets.add("tags = coalesce($" + n + "::text::jsonb, '[]')");
          t.addValue(v == null ? null : JsonCodec.writeStrings(castList(v)));
        }
        case "labels", "parameters" -> {
          sets.add(k + " = coalesce($" + n + "::text::jsonb, '{}')");
          t.addValue(v == null ? null : JsonCodec.write((JsonNode) v));
        }
        case "job_variables" -> {
          // Prefect writes job variables only when some are given
          if (v instanceof ObjectNode o && !o.isEmpty()) {
            sets.add("job_variables = $" + n + "::text::jsonb");
            t.addValue(JsonCodec.write(o));
          }
        }
        case "concurrency_options", "pull_steps", "parameter_openapi_schema", "version_info" -> {
          sets.add(k + " = $" + n + "::text::jsonb");
          t.addValue(v == null ? null : JsonCodec.write((JsonNode) v));
        }
        default -> { }
      }
    }
    sets.add("updated = now()");
    return c.preparedQuery("UPDATE deployment SET " + String.join(", ", sets) + " WHERE id = $1").execute(t)
        .map(rows -> rows.rowCount() > 0);
  }

  @SuppressWarnings("unchecked")
  private static List<String> castList(Object v) {
    return (List<String>) v;
  }
}
