package dev.baton.automations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Automation;
import dev.baton.domain.Event;
import dev.baton.domain.Ids;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.persistence.AutomationStore;
import dev.baton.persistence.DeploymentRepository;
import dev.baton.persistence.ServerEventStore;
import dev.baton.wire.AutomationBodies;
import dev.baton.wire.AutomationRender;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The automations API's writes and reads (spec/automations.md §1): each write one transaction that
 * also relates the automation to the deployments it runs and to its owner, schedules its proactive
 * triggers, emits its lifecycle event ({@code prefect.automation.created|updated|deleted}) and
 * announces the change to every instance's trigger service. Expected failures are {@link
 * OrchestrationException}s (NOT_FOUND, INVALID_INPUT with the text the API answers).
 */
public final class AutomationService {
  public static final String NOT_FOUND = "Automation not found";

  private final Pool pool;
  private final Clock clock;

  public AutomationService(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private static OrchestrationException notFound() {
    return OrchestrationException.notFound(NOT_FOUND);
  }

  /** Creates an automation; its trigger ids are the server's (assigned when the body was decoded). */
  public Future<Automation> create(AutomationBodies.Body b) {
    Instant now = now();
    Automation a = new Automation(Ids.uuid7(), now, now, b.name(), b.description(), b.enabled(), b.tags(),
        b.trigger(), b.actions(), b.actionsOnTrigger(), b.actionsOnResolve());
    return pool.withTransaction(c -> checkJobVariables(c, a.actions())
        .compose(v -> AutomationStore.insert(c, a, now))
        .compose(saved -> written(c, saved, b.ownerResource(), "created").map(saved)));
  }

  /**
   * {@code PUT}: the fields present in the body replace the stored ones (the others keep their
   * values, as Prefect's update does); the trigger's ids are new, so its windows start afresh.
   */
  public Future<Void> replace(UUID id, AutomationBodies.Body b) {
    Instant now = now();
    return pool.withTransaction(c -> AutomationStore.lock(c, id).compose(old -> {
      if (old == null) {
        return Future.failedFuture(notFound());
      }
      Automation a = new Automation(id, old.created(), now, b.present().contains("name") ? b.name() : old.name(),
          b.present().contains("description") ? b.description() : old.description(),
          b.present().contains("enabled") ? b.enabled() : old.enabled(),
          b.present().contains("tags") ? b.tags() : old.tags(), b.trigger(), b.actions(),
          b.present().contains("actions_on_trigger") ? b.actionsOnTrigger() : old.actionsOnTrigger(),
          b.present().contains("actions_on_resolve") ? b.actionsOnResolve() : old.actionsOnResolve());
      return checkJobVariables(c, a.actions())
          .compose(v -> AutomationStore.update(c, a, now))
          .compose(saved -> written(c, saved, null, "updated"));
    }));
  }

  /** {@code PATCH {"enabled": …}}: null leaves it as it is; enabling a looping automation is refused. */
  public Future<Void> setEnabled(UUID id, Boolean enabled) {
    Instant now = now();
    return pool.withTransaction(c -> AutomationStore.lock(c, id).compose(old -> {
      if (old == null) {
        return Future.failedFuture(notFound());
      }
      if (enabled == null) {
        return Future.succeededFuture();
      }
      String loop = AutomationBodies.loopGuard(enabled, old.trigger(), old.actions());
      if (loop != null) {
        return Future.failedFuture(new OrchestrationException(OrchestrationFailure.INVALID_INPUT, loop));
      }
      Automation a = new Automation(id, old.created(), now, old.name(), old.description(), enabled, old.tags(),
          old.trigger(), old.actions(), old.actionsOnTrigger(), old.actionsOnResolve());
      return AutomationStore.update(c, a, now).compose(saved -> written(c, saved, null, "updated"));
    }));
  }

  public Future<Automation> read(UUID id) {
    return AutomationStore.get(pool, id).compose(a -> a == null ? Future.failedFuture(notFound())
        : Future.succeededFuture(a));
  }

  /** Deletes it with its windows, firings and pending actions; emits its last state as the deleted event. */
  public Future<Void> delete(UUID id) {
    return pool.withTransaction(c -> AutomationStore.lock(c, id).compose(old -> {
      if (old == null) {
        return Future.failedFuture(notFound());
      }
      return AutomationStore.delete(c, id)
          .compose(v -> ServerEventStore.insertEvents(c, List.of(lifecycle(old, "deleted", now()))));
    }));
  }

  public Future<List<Automation>> filter(AutomationBodies.Filter f) {
    List<Object> params = new ArrayList<>();
    List<String> conds = new ArrayList<>();
    if (f.nameAny() != null) {
      params.add(f.nameAny().toArray(new String[0]));
      conds.add("a.name = ANY($" + params.size() + ")");
    }
    if (f.createdBefore() != null) {
      params.add(f.createdBefore().atOffset(java.time.ZoneOffset.UTC));
      conds.add("a.created <= $" + params.size());
    }
    if (f.tagsAll() != null) {
      params.add(f.tagsAll().toArray(new String[0]));
      conds.add("a.tags ?& $" + params.size());
    }
    if (f.tagsAny() != null) {
      params.add(f.tagsAny().toArray(new String[0]));
      conds.add("a.tags ?| $" + params.size());
    }
    if (f.tagsIsNull() != null) {
      conds.add(f.tagsIsNull() ? "a.tags = '[]'::jsonb" : "a.tags <> '[]'::jsonb");
    }
    String where = conds.isEmpty() ? "true" : String.join(f.op().equals("or_") ? " OR " : " AND ", conds);
    String order = switch (f.sort()) {
      case "NAME_DESC" -> "a.name DESC, a.id";
      case "CREATED_DESC" -> "a.created DESC, a.id";
      case "UPDATED_DESC" -> "a.updated DESC, a.id";
      default -> "a.name, a.id";
    };
    return AutomationStore.list(pool, where, params, order, f.limit(), f.offset());
  }

  public Future<Long> count() {
    return AutomationStore.count(pool);
  }

  public Future<List<Automation>> relatedTo(String resourceId) {
    return AutomationStore.relatedTo(pool, resourceId);
  }

  /** Deletes the automations {@code resourceId} owns, created up to now (not ones created meanwhile). */
  public Future<Void> deleteOwnedBy(String resourceId) {
    Instant asOf = now();
    return pool.withTransaction(c -> AutomationStore.deleteOwnedBy(c, resourceId, asOf)).mapEmpty();
  }

  /** The relations, the proactive schedule and the lifecycle event of a written automation. */
  private Future<Void> written(SqlConnection c, Automation a, String owner, String what) {
    List<String> deployments = new ArrayList<>();
    for (JsonNode act : a.actions()) {
      if ("run-deployment".equals(act.path("type").asText()) && "selected".equals(act.path("source").asText())
          && act.hasNonNull("deployment_id")) {
        deployments.add("prefect.deployment." + act.get("deployment_id").asText());
      }
    }
    List<UUID> proactive = new ArrayList<>();
    for (Triggers.Trigger t : Triggers.compile(a.trigger()).all()) {
      if (t instanceof Triggers.EventTrigger e && e.proactive()) {
        proactive.add(e.id());
      }
    }
    return Future.all(AutomationStore.relate(c, a.id(), deployments, owner),
        AutomationStore.scheduleProactive(c, a.id(), proactive),
        ServerEventStore.insertEvents(c, List.of(lifecycle(a, what, a.updated())))).mapEmpty();
  }

  /** {@code prefect.automation.<what>}: the automation as resource, its whole JSON as payload. */
  static Event lifecycle(Automation a, String what, Instant at) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode resource = f.objectNode();
    resource.put(Event.RESOURCE_ID, "prefect.automation." + a.id());
    resource.put("prefect.resource.name", a.name());
    return new Event(Ids.uuid7(), at, "prefect.automation." + what, resource, f.arrayNode(),
        AutomationRender.automation(a), null, at);
  }

  /**
   * A selected run-deployment with job variables names a deployment that must exist (404
   * "Deployment not found." otherwise, as Prefect answers).
   */
  private static Future<Void> checkJobVariables(SqlConnection c, ArrayNode actions) {
    List<Future<?>> checks = new ArrayList<>();
    for (JsonNode act : actions) {
      if ("run-deployment".equals(act.path("type").asText()) && act.hasNonNull("deployment_id")
          && act.path("job_variables").isObject() && !act.get("job_variables").isEmpty()) {
        UUID id = UUID.fromString(act.get("deployment_id").asText());
        checks.add(DeploymentRepository.get(c, id).compose(d -> d != null ? Future.succeededFuture()
            : Future.failedFuture(new OrchestrationException(OrchestrationFailure.NOT_FOUND, "Deployment not found."))));
      }
    }
    return Future.all(checks).mapEmpty();
  }
}
