package dev.baton.persistence;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Filtered lists and counts with a caller-supplied WHERE fragment and ORDER BY. */
final class Queries {
  private Queries() {}

  static String whereOrTrue(String where) {
    return where == null || where.isBlank() ? "true" : where;
  }

  /** {@code template} has four slots: where, order by, limit parameter number, offset parameter number. */
  static <T> Future<List<T>> list(SqlClient c, String template, String where, List<Object> params,
      String orderBy, int limit, int offset, Function<Row, T> mapper) {
    List<Object> all = new ArrayList<>(params == null ? List.of() : params);
    int n = all.size();
    all.add(limit);
    all.add(offset);
    String sql = template.formatted(whereOrTrue(where), orderBy == null || orderBy.isBlank() ? "id" : orderBy,
        n + 1, n + 2);
    return c.preparedQuery(sql).execute(Tuple.from(all)).map(rows -> {
      List<T> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(mapper.apply(r)));
      return out;
    });
  }

  static Future<Long> count(SqlClient c, String table, String where, List<Object> params) {
    String sql = "SELECT count(*) AS n FROM " + table + " WHERE " + whereOrTrue(where);
    return c.preparedQuery(sql).execute(Tuple.from(params == null ? List.of() : params))
        .map(rows -> rows.iterator().next().getLong("n"));
  }
}
