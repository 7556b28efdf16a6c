package dev.baton.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.Variable;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.persistence.VariableRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;

/** Workspace variables by name: create, read, update, delete. */
public final class Variables {
  public static final String NOT_FOUND = "Variable not found";

  private final Pool pool;

  public Variables(Pool pool) {
    this.pool = pool;
  }

  /** CONFLICT when the name is taken. {@code value} null is JSON null. */
  public Future<Variable> create(String name, JsonNode value, List<String> tags) {
    return VariableRepository.insert(pool, name, value, tags).compose(v -> v != null ? Future.succeededFuture(domain(v))
        : Future.failedFuture(new OrchestrationException(OrchestrationFailure.CONFLICT,
            "A variable with the name " + name + " already exists.")));
  }

  /** NOT_FOUND when there is no variable of that name. */
  public Future<Variable> byName(String name) {
    return Found.orNotFound(VariableRepository.byName(pool, name), NOT_FOUND).map(Variables::domain);
  }

  /**
   * Changes only what is given: {@code newName}/{@code tags} when non-null, the value when
   * {@code setValue}. NOT_FOUND when there is no variable of that name.
   */
  public Future<Void> update(String name, String newName, boolean setValue, JsonNode value, List<String> tags) {
    return Found.touched(VariableRepository.updateByName(pool, name, newName, setValue, value, tags), NOT_FOUND);
  }

  /** NOT_FOUND when there is no variable of that name. */
  public Future<Void> delete(String name) {
    return Found.touched(VariableRepository.deleteByName(pool, name), NOT_FOUND);
  }

  private static Variable domain(VariableRepository.Variable v) {
    return new Variable(v.id(), v.created(), v.updated(), v.name(), v.value(), v.tags());
  }
}
