package dev.baton.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.DbTestBase;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Locale;

/**
 * The checks of the row-index ITs ({@code RowIndexIT}, {@code concurrency.ConcurrencyRowIndexIT}):
 * the column names PostgreSQL reports for a statement, and a {@link SelectList}'s index constants
 * against them.
 */
public abstract class SelectListChecks extends DbTestBase {

  /** The column names PostgreSQL reports for {@code sql}, run in a transaction (most statements lock). */
  protected static List<String> columns(String sql, Tuple params) {
    RowSet<Row> rows = inTx(c -> c.preparedQuery(sql).execute(params));
    assertTrue(rows.size() > 0, "the fixture rows are found: " + sql);
    return rows.columnsNames();
  }

  /**
   * Every {@code static final int} of {@code owner} named {@code <prefix><NAME>} is the index of
   * the column named {@code <name>}; returns how many were checked.
   */
  protected static int assertConstants(Class<?> owner, String prefix, List<String> columns) throws Exception {
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
}
