package dev.baton.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.Variable;
import dev.baton.filter.Filters;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.persistence.VariableRepository;
import dev.baton.persistence.filter.FilterSql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.UUID;

/** Workspace variables: create; read, update and delete by name or id; filter and count. */
public final class Variables {
  public static final String NOT_FOUND = "Variable not found.";

  private final Pool pool;

  public Variables(Pool pool) {
    this.pool = pool;
  }

  /** CONFLICT when the name is taken. {@code value} null is JSON null. */
  public Future<Variable> create(String name, JsonNode value, List<String> tags) {
    return VariableRepository.insert(pool, name, value, tags).compose(v -> v != null ? Future.succeededFuture(domain(v))
        : Future.failedFuture(new OrchestrationException(OrchestrationFailure.CONFLICT,
            "A variable with the name " + pyRepr(name) + " already exists.")));
  }

  /** NOT_FOUND when there is no variable of that name. */
  public Future<Variable> byName(String name) {
    return Found.orNotFound(VariableRepository.byName(pool, name), NOT_FOUND).map(Variables::domain);
  }

  /** NOT_FOUND when there is no such variable. */
  public Future<Variable> byId(UUID id) {
    return Found.orNotFound(VariableRepository.byId(pool, id), NOT_FOUND).map(Variables::domain);
  }

  public Future<List<Variable>> list(Filters.VariableRequest q) {
    FilterSql.Where w = FilterSql.variables(q.filter(), "variable", 1);
    return VariableRepository.list(pool, w.sql(), w.params(), FilterSql.orderBy(q.sort(), "variable"), q.limit(),
        q.offset()).map(l -> l.stream().map(Variables::domain).toList());
  }

  /** How many variables {@code f} matches (null: all). */
  public Future<Long> count(Filters.VariableFilter f) {
    FilterSql.Where w = FilterSql.variables(f, "variable", 1);
    return VariableRepository.count(pool, w.sql(), w.params());
  }

  /**
   * Changes only what is given: {@code newName}/{@code tags} when non-null, the value when
   * {@code setValue}. NOT_FOUND when there is no variable of that name.
   */
  public Future<Void> update(String name, String newName, boolean setValue, JsonNode value, List<String> tags) {
    return Found.touched(VariableRepository.updateByName(pool, name, newName, setValue, value, tags), NOT_FOUND);
  }

  /** As {@link #update(String, String, boolean, JsonNode, List)}, by id. */
  public Future<Void> update(UUID id, String newName, boolean setValue, JsonNode value, List<String> tags) {
    return Found.touched(VariableRepository.updateById(pool, id, newName, setValue, value, tags), NOT_FOUND);
  }

  /** NOT_FOUND when there is no variable of that name. */
  public Future<Void> delete(String name) {
    return Found.touched(VariableRepository.deleteByName(pool, name), NOT_FOUND);
  }

  /** NOT_FOUND when there is no such variable. */
  public Future<Void> delete(UUID id) {
    return Found.touched(VariableRepository.deleteById(pool, id), NOT_FOUND);
  }

  /** Python's {@code repr()} of a variable name (names are ASCII letters, digits, {@code -} and {@code _}). */
  static String pyRepr(String name) {
    return "'" + name.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static Variable domain(VariableRepository.Variable v) {
    return new Variable(v.id(), v.created(), v.updated(), v.name(), v.value(), v.tags());
  }
}
