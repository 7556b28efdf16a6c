package dev.baton.persistence;

import dev.baton.domain.Deployment;
import dev.baton.domain.command.DeploymentCreate;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/** Deployments, as far as run orchestration needs them (spec/api.md §9). */
public final class DeploymentRepository {
  private DeploymentRepository() {}

  static final String COLUMNS = """
      id, created, updated, name, flow_id, version, description, paused, tags::text AS tags,
      labels::text AS labels, parameters::text AS parameters, work_pool_name, work_queue_name,
      concurrency_limit, concurrency_limit_id, concurrency_options::text AS concurrency_options""";

  static Deployment deployment(Row r) {
    return new Deployment(r.getUUID("id"), Rows.instant(r, "created"), Rows.instant(r, "updated"),
        r.getString("name"), r.getUUID("flow_id"), r.getString("version"), r.getString("description"),
        r.getBoolean("paused"), JsonCodec.readStrings(r.getString("tags")),
        JsonCodec.readObject(r.getString("labels")), JsonCodec.readObject(r.getString("parameters")),
        r.getString("work_pool_name"), r.getString("work_queue_name"), r.getInteger("concurrency_limit"),
        r.getUUID("concurrency_limit_id"), JsonCodec.read(r.getString("concurrency_options")));
  }

  /** {@code created} is true when the row was inserted ({@code xmax = 0}), false when updated. */
  static final String UPSERT = """
      INSERT INTO deployment (name, flow_id, version, description, paused, tags, labels, parameters,
                              work_pool_name, work_queue_name, concurrency_limit, concurrency_options)
      VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7::text::jsonb, $8::text::jsonb, $9, $10, $11,
              $12::text::jsonb)
      ON CONFLICT (flow_id, name) DO UPDATE SET
        version = EXCLUDED.version, description = EXCLUDED.description, paused = EXCLUDED.paused,
        tags = EXCLUDED.tags, labels = EXCLUDED.labels, parameters = EXCLUDED.parameters,
        work_pool_name = EXCLUDED.work_pool_name, work_queue_name = EXCLUDED.work_queue_name,
        concurrency_limit = EXCLUDED.concurrency_limit,
        concurrency_options = EXCLUDED.concurrency_options, updated = now()
      RETURNING %s, (xmax = 0) AS inserted""".formatted(COLUMNS);

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
        .addValue(JsonCodec.write(d.concurrencyOptions()));
    return c.preparedQuery(UPSERT).execute(t).map(rows -> {
      Row r = rows.iterator().next();
      return new Upserted<>(deployment(r), r.getBoolean("inserted"));
    });
  }

  static final String GET = "SELECT " + COLUMNS + " FROM deployment WHERE id = $1";

  /** The deployment, or null. */
  public static Future<Deployment> get(SqlClient c, UUID id) {
    return c.preparedQuery(GET).execute(Tuple.of(id)).map(FlowRepository.first(DeploymentRepository::deployment));
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

  static final String DELETE = "DELETE FROM deployment WHERE id = $1";

  /** True when it existed; its runs keep existing with {@code deployment_id = null}. */
  public static Future<Boolean> delete(SqlClient c, UUID id) {
    return c.preparedQuery(DELETE).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }
}
