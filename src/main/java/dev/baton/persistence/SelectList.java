package dev.baton.persistence;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A select list defined one column at a time, for rows decoded by index on the hot path. Each
 * {@link #add} returns the column's index and the SQL text is joined from the same entries, so
 * an index constant and the statement it decodes cannot drift apart: declare the list, then one
 * {@code static final int} per column initialised with {@code add(...)}, then the SQL from
 * {@link #sql()} (class initialisation runs in that textual order).
 *
 * <p>{@link #names()} are the column names PostgreSQL reports for the list (the alias after
 * {@code AS}, else the column after the table alias), which {@code RowIndexIT} checks against a
 * real statement.
 */
public final class SelectList {
  private final List<String> columns = new ArrayList<>();
  private final List<String> names = new ArrayList<>();

  /** Appends one column expression (e.g. {@code fr.id} or {@code x::text AS x}); returns its index. */
  public int add(String expression) {
    columns.add(expression);
    names.add(nameOf(expression));
    return columns.size() - 1;
  }

  /** Appends a state table's columns ({@link Rows#stateColumns}); returns the index of the first. */
  int addState(String alias, String prefix) {
    int first = columns.size();
    for (String[] c : Rows.STATE) {
      add(alias + "." + c[0] + " AS " + prefix + c[1]);
    }
    return first;
  }

  /** The comma-separated list. */
  public String sql() {
    return String.join(", ", columns);
  }

  /** The names PostgreSQL reports for the columns, in order. */
  public List<String> names() {
    return Collections.unmodifiableList(names);
  }

  public int size() {
    return columns.size();
  }

  private static String nameOf(String expression) {
    int as = expression.lastIndexOf(" AS ");
    String name = as >= 0 ? expression.substring(as + 4) : expression.substring(expression.lastIndexOf('.') + 1);
    return name.replace("\"", "").trim();
  }
}
