package dev.baton.persistence;

import dev.baton.domain.Flow;
import dev.baton.domain.command.FlowCreate;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** Flows (spec/api.md §4.1). */
public final class FlowRepository {
  private FlowRepository() {}

  static final String INSERT_OR_GET = """
      WITH ins AS (
        INSERT INTO flow (name, tags, labels) VALUES ($1, $2::text::jsonb, $3::text::jsonb)
        ON CONFLICT (name) DO NOTHING
        RETURNING %1$s, true AS inserted)
      SELECT * FROM ins
      UNION ALL
      SELECT %1$s, false AS inserted FROM flow WHERE name = $1 AND NOT EXISTS (SELECT 1 FROM ins)"""
      .formatted(Rows.FLOW_COLUMNS);

  static final String GET_BY_NAME = "SELECT " + Rows.FLOW_COLUMNS + " FROM flow WHERE name = $1";

  /** Inserts the flow, or returns the existing one with that name unchanged. */
  public static Future<Upserted<Flow>> insertOrGet(SqlClient c, FlowCreate cmd) {
    Tuple t = Tuple.of(cmd.name(), JsonCodec.writeStrings(cmd.tags()),
        JsonCodec.write(JsonCodec.objectOrEmpty(cmd.labels())));
    return c.preparedQuery(INSERT_OR_GET).execute(t).compose(rows -> {
      if (rows.size() > 0) {
        Row r = rows.iterator().next();
        return Future.succeededFuture(new Upserted<>(Rows.flow(r), r.getBoolean("inserted")));
      }
      // a concurrent insert committed after this statement's snapshot: read it now
      return getByName(c, cmd.name()).map(f -> new Upserted<>(f, false));
    });
  }

  static final String GET = "SELECT " + Rows.FLOW_COLUMNS + " FROM flow WHERE id = $1";

  /** The flow, or null. */
  public static Future<Flow> get(SqlClient c, UUID id) {
    return c.preparedQuery(GET).execute(Tuple.of(id)).map(first(Rows::flow));
  }

  /** The flow with that name, or null. */
  public static Future<Flow> getByName(SqlClient c, String name) {
    return c.preparedQuery(GET_BY_NAME).execute(Tuple.of(name)).map(first(Rows::flow));
  }

  static final String LIST = "SELECT " + Rows.FLOW_COLUMNS + " FROM flow WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d";

  /**
   * Flows matching {@code where} (a SQL condition over table {@code flow}, bare column names allowed,
   * using {@code $1..$n} for {@code params}), ordered by {@code orderBy}.
   */
  public static Future<List<Flow>> list(SqlClient c, String where, List<Object> params, String orderBy,
      int limit, int offset) {
    return Queries.list(c, LIST, where, params, orderBy, limit, offset, Rows::flow);
  }

  public static Future<Long> count(SqlClient c, String where, List<Object> params) {
    return Queries.count(c, "flow", where, params);
  }

  static final String DELETE = "DELETE FROM flow WHERE id = $1";

  /** True when the flow existed. Its deployments and runs go with it. */
  public static Future<Boolean> delete(SqlClient c, UUID id) {
    return c.preparedQuery(DELETE).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  static final String PATCH_TAGS = "UPDATE flow SET tags = $2::text::jsonb, updated = now() WHERE id = $1";

  /** True when the flow exists. */
  public static Future<Boolean> patchTags(SqlClient c, UUID id, List<String> tags) {
    return c.preparedQuery(PATCH_TAGS).execute(Tuple.of(id, JsonCodec.writeStrings(tags)))
        .map(rows -> rows.rowCount() > 0);
  }

  public static <T> Function<RowSet<Row>, T> first(Function<Row, T> mapper) {
    return rows -> rows.size() == 0 ? null : mapper.apply(rows.iterator().next());
  }
}
