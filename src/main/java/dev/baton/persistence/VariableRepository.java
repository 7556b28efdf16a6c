package dev.baton.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Workspace variables (name → JSON value), read by run-input hydration. */
public final class VariableRepository {
  private VariableRepository() {}

  /** One variable. */
  public record Variable(UUID id, Instant created, Instant updated, String name, JsonNode value, List<String> tags) {}

  static final String COLUMNS = "id, created, updated, name, value::text AS value, tags::text AS tags";

  static final String UPSERT = """
      INSERT INTO variable (name, value, tags) VALUES ($1, $2::text::jsonb, $3::text::jsonb)
      ON CONFLICT (name) DO NOTHING
      RETURNING """ + " " + COLUMNS;

  /** Creates a variable; null when the name is taken. */
  public static Future<Variable> insert(SqlClient c, String name, JsonNode value, List<String> tags) {
    return c.preparedQuery(UPSERT)
        .execute(Tuple.of(name, JsonCodec.write(value == null ? JsonNodeFactory.instance.nullNode() : value),
            JsonCodec.writeStrings(tags)))
        .map(FlowRepository.first(VariableRepository::row));
  }

  static final String BY_NAME = "SELECT " + COLUMNS + " FROM variable WHERE name = $1";

  public static Future<Variable> byName(SqlClient c, String name) {
    return c.preparedQuery(BY_NAME).execute(Tuple.of(name)).map(FlowRepository.first(VariableRepository::row));
  }

  /** The update of one variable, {@code $1} naming it (by name or by id). */
  private static final String UPDATE = """
      UPDATE variable
         SET name = coalesce($2, name),
             value = CASE WHEN $3 THEN $4::text::jsonb ELSE value END,
             tags = coalesce($5::text::jsonb, tags),
             updated = now()
       WHERE\s""";

  static final String UPDATE_BY_NAME = UPDATE + "name = $1";

  static final String UPDATE_BY_ID = UPDATE + "id = $1";

  /**
   * Only the given parts change: {@code name}/{@code tags} when non-null, {@code value} when
   * {@code setValue} (null ⇒ JSON null). A rename onto a taken name fails with a unique violation.
   * True when the variable exists.
   */
  public static Future<Boolean> updateByName(SqlClient c, String name, String newName, boolean setValue,
      JsonNode value, List<String> tags) {
    return update(c, UPDATE_BY_NAME, name, newName, setValue, value, tags);
  }

  /** As {@link #updateByName}, by id. */
  public static Future<Boolean> updateById(SqlClient c, UUID id, String newName, boolean setValue, JsonNode value,
      List<String> tags) {
    return update(c, UPDATE_BY_ID, id, newName, setValue, value, tags);
  }

  private static Future<Boolean> update(SqlClient c, String sql, Object key, String newName, boolean setValue,
      JsonNode value, List<String> tags) {
    return c.preparedQuery(sql)
        .execute(Tuple.of(key, newName, setValue,
            setValue ? JsonCodec.write(value == null ? JsonNodeFactory.instance.nullNode() : value) : null,
            tags == null ? null : JsonCodec.writeStrings(tags)))
        .map(rows -> rows.rowCount() > 0);
  }

  static final String DELETE_BY_NAME = "DELETE FROM variable WHERE name = $1";

  public static Future<Boolean> deleteByName(SqlClient c, String name) {
    return c.preparedQuery(DELETE_BY_NAME).execute(Tuple.of(name)).map(rows -> rows.rowCount() > 0);
  }

  static final String LIST = "SELECT " + COLUMNS + " FROM variable WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d";

  /** Variables matching {@code where} (over table {@code variable}), ordered by {@code orderBy}. */
  public static Future<List<Variable>> list(SqlClient c, String where, List<Object> params, String orderBy, int limit,
      int offset) {
    return Queries.list(c, LIST, where, params, orderBy, limit, offset, VariableRepository::row);
  }

  public static Future<Long> count(SqlClient c, String where, List<Object> params) {
    return Queries.count(c, "variable", where, params);
  }

  static final String BY_ID = "SELECT " + COLUMNS + " FROM variable WHERE id = $1";

  public static Future<Variable> byId(SqlClient c, UUID id) {
    return c.preparedQuery(BY_ID).execute(Tuple.of(id)).map(FlowRepository.first(VariableRepository::row));
  }

  static final String DELETE_BY_ID = "DELETE FROM variable WHERE id = $1";

  public static Future<Boolean> deleteById(SqlClient c, UUID id) {
    return c.preparedQuery(DELETE_BY_ID).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  static final String ALL = "SELECT name, value::text AS value FROM variable";

  /** Every variable's value by name (hydration may reference any of them). */
  public static Future<Map<String, JsonNode>> all(SqlClient c) {
    return c.query(ALL).execute().map(rows -> {
      Map<String, JsonNode> out = new HashMap<>();
      rows.forEach(r -> {
        JsonNode value = JsonCodec.read(r.getString("value"));
        // a variable whose value is null exists: it hydrates to JSON null
        out.put(r.getString("name"), value == null ? com.fasterxml.jackson.databind.node.NullNode.instance : value);
      });
      return out;
    });
  }

  static Variable row(Row r) {
    return new Variable(r.getUUID("id"), Rows.instant(r, "created"), Rows.instant(r, "updated"), r.getString("name"),
        JsonCodec.read(r.getString("value")), JsonCodec.readStrings(r.getString("tags")));
  }
}
