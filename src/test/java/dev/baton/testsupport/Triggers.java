package dev.baton.testsupport;

import static dev.baton.testsupport.Await.await;

import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL row triggers a test installs to make the database misbehave on purpose (refuse a row,
 * take its time storing one, count writes): one plpgsql trigger function and the triggers that call
 * it. {@link #close()} drops them all. Blocking: call it from the test thread.
 */
public final class Triggers implements AutoCloseable {
  private final SqlClient db;
  private final String function;
  /** Each installed trigger as {name, table}. */
  private final List<String[]> triggers = new ArrayList<>();

  private Triggers(SqlClient db, String function) {
    this.db = db;
    this.function = function;
  }

  /**
   * Creates (or replaces) the trigger function {@code function} with the plpgsql {@code body}
   * (a block, {@code BEGIN … END}, optionally after {@code DECLARE …}); add its triggers with
   * {@link #on}.
   */
  public static Triggers function(SqlClient db, String function, String body) {
    await(db.query("CREATE OR REPLACE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        + body + "\n$$").execute());
    return new Triggers(db, function);
  }

  /**
   * A row trigger {@code name} on {@code table} that calls the function: {@code timing} as in
   * {@code CREATE TRIGGER} ({@code "BEFORE INSERT"}, {@code "AFTER INSERT OR UPDATE OR DELETE"}),
   * only for the rows {@code condition} holds for (a {@code WHEN} condition; null = every row),
   * with {@code args} as the function's {@code TG_ARGV}.
   */
  public Triggers on(String table, String name, String timing, String condition, String... args) {
    StringBuilder a = new StringBuilder();
    for (String arg : args) {
      a.append(a.isEmpty() ? "" : ", ").append('\'').append(arg.replace("'", "''")).append('\'');
    }
    await(db.query("CREATE OR REPLACE TRIGGER " + name + " " + timing + " ON " + table + " FOR EACH ROW"
        + (condition == null ? "" : " WHEN (" + condition + ")") + " EXECUTE FUNCTION " + function + "(" + a + ")")
        .execute());
    triggers.add(new String[] {name, table});
    return this;
  }

  /** PostgreSQL refuses (raises an exception on) inserting a row of {@code table} that {@code condition} holds for. */
  public static Triggers refuse(SqlClient db, String name, String table, String condition) {
    return function(db, name, "BEGIN RAISE EXCEPTION 'refused by test'; END")
        .on(table, name, "BEFORE INSERT", condition);
  }

  /** Inserting a row of {@code table} that {@code condition} holds for takes {@code seconds} longer. */
  public static Triggers slow(SqlClient db, String name, String table, String condition, double seconds) {
    return function(db, name, "BEGIN PERFORM pg_sleep(" + seconds + "); RETURN NEW; END")
        .on(table, name, "BEFORE INSERT", condition);
  }

  /** Drops the triggers and the function. */
  @Override
  public void close() {
    StringBuilder sql = new StringBuilder();
    for (String[] t : triggers) {
      sql.append("DROP TRIGGER IF EXISTS ").append(t[0]).append(" ON ").append(t[1]).append("; ");
    }
    sql.append("DROP FUNCTION IF EXISTS ").append(function).append("()");
    await(db.query(sql.toString()).execute());
  }
}
