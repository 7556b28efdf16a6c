package dev.baton.automations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Event;
import dev.baton.domain.Ids;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.domain.command.StateCreate;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.persistence.ServerEventStore;
import dev.baton.persistence.TriggerStore;
import dev.baton.persistence.TriggerStore.QueuedAction;
import dev.baton.runinput.JinjaTemplates;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the actions of automation firings (spec/automations.md §3), in every instance: an action is
 * claimed from {@code automation_action} with a lease ({@code SKIP LOCKED}), run through the same
 * orchestration and services as an API call, and removed from the queue in the transaction that
 * records its {@code prefect.automation.action.triggered} and {@code …executed}/{@code …failed}
 * events. An instance that dies mid-action lets the lease pass and another runs it again (at least
 * once); run-deployment is idempotent per action (its idempotency key), so a firing runs a deployment
 * once. An unexpected error is retried on a later claim, three attempts in all.
 */
public final class ActionService extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ActionService.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final int LEASE_SECONDS = 60;
  private static final int MAX_ATTEMPTS = 3;
  private static final Pattern FLOW_RUN = Pattern.compile("prefect\\.flow-run\\.([0-9a-fA-F-]{36})");

  /** What the actions need besides the orchestration client: the server's own commands. */
  public interface Commands {
    /** {@code DELETE /flow_runs/{id}}: false when there was no such run. */
    Future<Boolean> deleteFlowRun(UUID id);

    /** Enables or disables an automation (its PATCH); fails NOT_FOUND when there is none. */
    Future<Void> setAutomationEnabled(UUID id, boolean enabled);

    /**
     * Creates a flow run of a deployment ({@code POST /deployments/{id}/create_flow_run}) scheduled
     * at {@code scheduledTime}, created by the automation; the new run's id and name. NOT_FOUND when
     * the deployment is gone.
     */
    Future<Map.Entry<UUID, String>> runDeployment(UUID deploymentId, JsonNode parameters, JsonNode jobVariables,
        Instant scheduledTime, String idempotencyKey, UUID automationId, String automationName);

    /** Pauses or resumes a deployment; NOT_FOUND when there is none. */
    Future<Void> setDeploymentPaused(UUID deploymentId, boolean paused);

    /**
     * A block document with its secrets ({@code GET /block_documents/{id}?include_secrets=true}),
     * its type's slug and its schema's capabilities; NOT_FOUND when there is none.
     */
    Future<BlockRef> blockDocument(UUID id);
  }

  /** A block document as actions use it. */
  public record BlockRef(UUID id, String name, String typeSlug, List<String> capabilities, JsonNode data) {}

  /** An action that could not be done, with the reason its failed event gives. */
  static final class Failed extends Exception {
    final ObjectNode details;

    Failed(String reason, ObjectNode details) {
      super(reason, null, false, false);
      this.details = details;
    }

    Failed(String reason) {
      this(reason, F.objectNode());
    }
  }

  private final Pool pool;
  private final PgConnectOptions connectOptions;
  private final OrchestrationClient client;
  private final Commands commands;
  private final long tickMillis;
  private Outbound outbound;
  private final Counter executed;
  private final Counter failed;
  private PgSubscriber subscriber;
  /** Set on stop: work still finishing then (the pool closing under it) is not reported. */
  private volatile boolean stopped;
  private boolean running;
  private boolean again;
  private long timer = -1;

  public ActionService(Pool pool, PgConnectOptions connectOptions, OrchestrationClient client, Commands commands,
      MeterRegistry registry, long tickMillis) {
    this.pool = pool;
    this.connectOptions = connectOptions;
    this.client = client;
    this.commands = commands;
    this.tickMillis = tickMillis;
    this.executed = Counter.builder("baton.automations.actions").tag("outcome", "executed")
        .description("Automation actions run").register(registry);
    this.failed = Counter.builder("baton.automations.actions").tag("outcome", "failed")
        .description("Automation actions run").register(registry);
  }

  @Override
  public Future<?> start() {
    subscriber = PgSubscriber.subscriber(vertx, new PgConnectOptions(connectOptions))
        .reconnectPolicy(retries -> Math.min(5_000L, 100L << Math.min(retries, 6)));
    subscriber.channel(TriggerStore.ACTIONS_CHANNEL).handler(payload -> runQueued());
    outbound = new Outbound(vertx);
    return subscriber.connect().onSuccess(v -> timer = vertx.setPeriodic(tickMillis, id -> runQueued()));
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    Future<Void> closed = outbound == null ? Future.succeededFuture() : outbound.close();
    return subscriber == null ? closed : Future.all(closed, subscriber.close());
  }

  private void runQueued() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    pool.withTransaction(c -> TriggerStore.claimActions(c, 10, LEASE_SECONDS)).compose(claimed -> {
      // the claimed actions run at once: a slow webhook (at most its timeout, 30 s) delays no other
      // action, and the batch ends well within the lease
      List<Future<Void>> runs = new java.util.ArrayList<>();
      for (QueuedAction a : claimed) {
        runs.add(run(a).recover(t -> {
          if (!stopped) {
            LOG.warn("event=automation_action_failed_unexpectedly action_id={} error=\"{}\"", a.id(), t.toString());
          }
          return Future.succeededFuture();
        }));
      }
      return Future.join(runs).map(claimed.size());
    }).onComplete(ar -> {
      running = false;
      if (ar.failed()) {
        if (!stopped) {
          LOG.warn("event=automation_actions_claim_failed error=\"{}\"", ar.cause().toString());
        }
      } else if (ar.result() > 0 || again) {
        runQueued();
      }
    });
  }

  /** Runs one claimed action and records its outcome (or leaves it for a later attempt). */
  private Future<Void> run(QueuedAction q) {
    JsonNode ta = q.triggeredAction();
    JsonNode action = ta.path("action");
    ObjectNode details = F.objectNode();
    return execute(ta, action, details).transform(ar -> {
      if (ar.succeeded()) {
        executed.increment();
        return finish(q, ta, action, details, null);
      }
      if (ar.cause() instanceof Failed f) {
        failed.increment();
        details.setAll(f.details);
        return finish(q, ta, action, details, f.getMessage());
      }
      if (q.attempts() >= MAX_ATTEMPTS) {
        failed.increment();
        return finish(q, ta, action, details, "Action failed after " + MAX_ATTEMPTS + " attempts: "
            + ar.cause().getMessage());
      }
      return Future.failedFuture(ar.cause()); // the lease passes, and it is tried again
    });
  }

  /** The action's two events and its removal from the queue, in one transaction. */
  private Future<Void> finish(QueuedAction q, JsonNode ta, JsonNode action, ObjectNode details, String reason) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Instant triggered = Instant.parse(ta.path("triggered").asText(now.toString()));
    ObjectNode resource = F.objectNode();
    JsonNode automation = ta.path("automation");
    resource.put(Event.RESOURCE_ID, "prefect.automation." + automation.path("id").asText());
    resource.put("prefect.resource.name", automation.path("name").asText());
    resource.put("prefect.trigger-type", automation.path("trigger").path("type").asText("event"));
    if ("event".equals(automation.path("trigger").path("type").asText("event"))) {
      resource.put("prefect.posture", automation.path("trigger").path("posture").asText());
    }
    ArrayNode related = F.arrayNode();
    if (details.has("related")) {
      related.addAll((ArrayNode) details.remove("related"));
    }
    if (ta.hasNonNull("automation_triggered_event_id")) {
      ObjectNode r = related.addObject();
      r.put(Event.RESOURCE_ID, "prefect.event." + ta.get("automation_triggered_event_id").asText());
      r.put(Event.RESOURCE_ROLE, "automation-triggered-event");
    }
    JsonNode event = ta.path("triggering_event");
    UUID follows = null;
    if (event.hasNonNull("id")) {
      ObjectNode r = related.addObject();
      r.put(Event.RESOURCE_ID, "prefect.event." + event.get("id").asText());
      r.put(Event.RESOURCE_ROLE, "triggering-event");
      Instant occurred = instant(event.path("occurred"));
      if (occurred != null && Duration.between(occurred, triggered).abs().compareTo(Duration.ofMinutes(5)) < 0) {
        follows = UUID.fromString(event.get("id").asText());
      }
    }
    ObjectNode payload = F.objectNode();
    payload.put("action_index", q.index());
    payload.put("action_type", action.path("type").asText());
    payload.put("invocation", q.id().toString());
    Event first = new Event(Ids.uuid7(), triggered, "prefect.automation.action.triggered", resource, related,
        payload, follows, now);
    ObjectNode result = payload.deepCopy();
    result.setAll(details);
    if (reason != null) {
      result.put("reason", reason);
    }
    Event second = new Event(Ids.uuid7(), now, "prefect.automation.action." + (reason == null ? "executed" : "failed"),
        resource, related, result, first.id(), now);
    return pool.withTransaction(c -> ServerEventStore.insertEvents(c, List.of(first, second))
        .compose(v -> TriggerStore.actionDone(c, q.id())));
  }

  // ---- the actions ------------------------------------------------------------------------

  private Future<Void> execute(JsonNode ta, JsonNode action, ObjectNode details) {
    String type = action.path("type").asText();
    UUID automationId = UUID.fromString(ta.path("automation").path("id").asText());
    try {
      switch (type) {
        case "do-nothing":
          return Future.succeededFuture();
        case "cancel-flow-run":
          return setState(ta, type, details, new StateCreate(StateType.CANCELLING, "Cancelling",
              "Cancelled by Automation " + automationId, null, StateDetails.EMPTY), false);
        case "change-flow-run-state": {
          StateType to = StateType.valueOf(action.path("state").asText());
          String message = action.hasNonNull("message") ? action.get("message").asText()
              : "State changed by Automation " + automationId;
          return setState(ta, type, details, new StateCreate(to, action.hasNonNull("name") ? action.get("name").asText()
              : null, message, null, StateDetails.EMPTY), action.path("force").asBoolean(false));
        }
        case "suspend-flow-run":
          return setState(ta, type, details, new StateCreate(StateType.PAUSED, "Suspended",
              "Suspended by Automation " + automationId, null, StateDetails.builder().pauseReschedule(true)
              .pauseTimeout(Instant.now().plusSeconds(3600).truncatedTo(ChronoUnit.MICROS)).build()), false);
        case "resume-flow-run": {
          UUID run = flowRun(ta, details);
          return client.resumeFlowRun(run, null, null, null).recover(t -> failure(type, t)).compose(r -> {
            if (r.status() != OrchestrationStatus.ACCEPT) {
              return Future.failedFuture(new Failed("Failed to resume flow run: " + reason(r)));
            }
            return Future.succeededFuture();
          });
        }
        case "delete-flow-run": {
          UUID run = flowRun(ta, details);
          return commands.deleteFlowRun(run).compose(found -> found ? Future.<Void>succeededFuture()
              : Future.failedFuture(new Failed("Unexpected status from '" + type + "' action: 404")));
        }
        case "pause-automation", "resume-automation": {
          UUID target = target(ta, action, "automation_id", "automation", details);
          return commands.setAutomationEnabled(target, type.equals("resume-automation")).recover(t -> failure(type, t));
        }
        case "pause-deployment", "resume-deployment": {
          UUID target = target(ta, action, "deployment_id", "deployment", details);
          return commands.setDeploymentPaused(target, type.equals("pause-deployment")).recover(t -> failure(type, t));
        }
        case "run-deployment":
          return runDeployment(ta, action, details, automationId);
        case "send-notification":
          return sendNotification(ta, action, details);
        case "call-webhook":
          return callWebhook(ta, action, details);
        default:
          return Future.failedFuture(new Failed("Action '" + type + "' is not available on this server"));
      }
    } catch (Failed f) {
      return Future.failedFuture(f);
    }
  }

  /** The block an action names, related to its events as {@code block} and {@code block-type}. */
  private Future<BlockRef> block(String type, JsonNode action, ObjectNode details) {
    UUID id = UUID.fromString(action.path("block_document_id").asText());
    return commands.blockDocument(id).recover(t -> failure(type, t)).map(b -> {
      ArrayNode related = related(details);
      related.addObject().put(Event.RESOURCE_ID, "prefect.block-document." + b.id())
          .put(Event.RESOURCE_ROLE, "block").put("prefect.resource.name", b.name());
      related.addObject().put(Event.RESOURCE_ID, "prefect.block-type." + b.typeSlug())
          .put(Event.RESOURCE_ROLE, "block-type");
      return b;
    });
  }

  private Future<Void> sendNotification(JsonNode ta, JsonNode action, ObjectNode details) {
    return block("send-notification", action, details).compose(b -> {
      if (!b.capabilities().contains("notify")) {
        return Future.failedFuture(new Failed("The referenced block was not a notification block"));
      }
      String subject;
      String body;
      Map<String, Object> ctx = Templates.context(ta);
      try {
        subject = Templates.render(action.path("subject").asText("Prefect automated notification"), ctx);
        body = Templates.render(action.path("body").asText(""), ctx);
      } catch (JinjaTemplates.InvalidTemplate e) {
        details.put("template_error", e.getMessage());
        return Future.failedFuture(new Failed("Notification failed"));
      }
      OutboundRequests.Request request;
      try {
        request = OutboundRequests.notification(b.typeSlug(), b.data(), subject, body);
      } catch (OutboundRequests.Invalid e) {
        return Future.failedFuture(new Failed("The notification block was invalid: " + e.getMessage()));
      } catch (OutboundRequests.Unsupported e) {
        details.put("notification_log", e.getMessage());
        return Future.failedFuture(new Failed("Notification failed"));
      }
      return outbound.send(request).transform(ar -> {
        if (ar.succeeded() && ar.result().status() < 300) {
          return Future.succeededFuture();
        }
        details.put("notification_log", ar.succeeded()
            ? "HTTP " + ar.result().status() + ": " + OutboundRequests.truncatedTo(1000, ar.result().body())
            : ar.cause().toString());
        return Future.failedFuture(new Failed("Notification failed"));
      });
    });
  }

  private Future<Void> callWebhook(JsonNode ta, JsonNode action, ObjectNode details) {
    return block("call-webhook", action, details).compose(b -> {
      if (!"webhook".equals(b.typeSlug())) {
        return Future.failedFuture(new Failed("The referenced block was not a webhook block"));
      }
      String payload;
      try {
        payload = Templates.render(action.path("payload").asText(""), Templates.context(ta));
      } catch (JinjaTemplates.InvalidTemplate e) {
        return Future.failedFuture(new Failed("Webhook call failed: " + e.getMessage()));
      }
      OutboundRequests.Request request;
      try {
        request = OutboundRequests.webhook(b.data(), payload);
      } catch (OutboundRequests.Invalid e) {
        return Future.failedFuture(new Failed("The webhook block was invalid: " + e.getMessage()));
      }
      return outbound.send(request).transform(ar -> {
        if (ar.failed()) {
          return Future.failedFuture(new Failed("Webhook call failed: " + ar.cause()));
        }
        // any answer is a call made: its status, body and (unredacted) headers are recorded
        Outbound.Response r = ar.result();
        details.put("status_code", r.status());
        details.put("response_body", OutboundRequests.truncatedTo(1000, r.body()));
        ObjectNode headers = details.putObject("response_headers");
        r.headers().forEach((k, v) -> {
          if (!OutboundRequests.redacted(k)) {
            headers.put(k, v);
          }
        });
        return Future.succeededFuture();
      });
    });
  }

  private Future<Void> runDeployment(JsonNode ta, JsonNode action, ObjectNode details, UUID automationId)
      throws Failed {
    UUID deployment = target(ta, action, "deployment_id", "deployment", details);
    JsonNode parameters;
    try {
      parameters = Templates.parameters(action.get("parameters"), Templates.context(ta));
    } catch (JinjaTemplates.InvalidTemplate e) {
      throw new Failed("Unable to create flow run from deployment: " + e.getMessage());
    }
    double after = action.path("schedule_after").asDouble(0);
    Instant at = Instant.now().plusNanos((long) (after * 1e9)).truncatedTo(ChronoUnit.MICROS);
    String key = "automation " + automationId + ", action " + ta.path("action_index").asInt() + ", invocation "
        + ta.path("id").asText();
    return commands.runDeployment(deployment, parameters, action.get("job_variables"), at, key, automationId,
            ta.path("automation").path("name").asText())
        .recover(t -> failure("run-deployment", t))
        .map(run -> {
          ObjectNode r = related(details).addObject();
          r.put(Event.RESOURCE_ID, "prefect.flow-run." + run.getKey());
          r.put(Event.RESOURCE_ROLE, "flow-run");
          r.put("prefect.resource.name", run.getValue());
          return null;
        });
  }

  /** A set_state of the inferred flow run through orchestration; a non-ACCEPT answer is a failure. */
  private Future<Void> setState(JsonNode ta, String type, ObjectNode details, StateCreate state, boolean force)
      throws Failed {
    UUID run = flowRun(ta, details);
    return client.setFlowRunState(run, state, force, null, null).recover(t -> failure(type, t)).compose(r -> {
      details.put("status_code", r.stateWritten() ? 201 : 200);
      if (r.status() != OrchestrationStatus.ACCEPT) {
        return Future.failedFuture(new Failed("Failed to set state: " + reason(r)));
      }
      return Future.succeededFuture();
    });
  }

  private static String reason(OrchestrationResult r) {
    return r.details() == null || r.details().reason() == null ? r.status().name() : r.details().reason();
  }

  /** An orchestration failure as Prefect's actions word an HTTP error. */
  private static <T> Future<T> failure(String type, Throwable t) {
    if (t instanceof OrchestrationException e) {
      int status = switch (e.failure()) {
        case NOT_FOUND -> 404;
        case INVALID_INPUT -> 422;
        case CONFLICT -> 409;
        case UNAVAILABLE -> 503;
        default -> 500;
      };
      if (e.failure() == OrchestrationFailure.UNAVAILABLE) {
        return Future.failedFuture(t); // retried on a later attempt
      }
      if (status == 422 || status == 409) {
        return Future.failedFuture(new Failed("Validation error occurred for '" + type + "' - " + e.getMessage()));
      }
      return Future.failedFuture(new Failed("Unexpected status from '" + type + "' action: " + status));
    }
    return Future.failedFuture(t);
  }

  /** The flow run an action applies to (spec §3.3): the triggering label, else the event's first flow run. */
  private static UUID flowRun(JsonNode ta, ObjectNode details) throws Failed {
    String label = ta.path("triggering_labels").path("prefect.resource.id").asText("");
    java.util.regex.Matcher m = FLOW_RUN.matcher(label);
    UUID id = m.matches() ? UUID.fromString(m.group(1)) : null;
    if (id == null) {
      JsonNode event = ta.path("triggering_event");
      id = firstOfKind(event, "prefect.flow-run");
    }
    if (id == null) {
      throw new Failed("No flow run could be inferred");
    }
    ObjectNode r = related(details).addObject();
    r.put(Event.RESOURCE_ID, "prefect.flow-run." + id);
    r.put(Event.RESOURCE_ROLE, "target");
    return id;
  }

  /** The selected id, or (source "inferred") the first resource of the kind in the triggering event. */
  private static UUID target(JsonNode ta, JsonNode action, String idField, String kind, ObjectNode details)
      throws Failed {
    UUID id;
    if ("inferred".equals(action.path("source").asText())) {
      JsonNode event = ta.path("triggering_event");
      if (!event.isObject()) {
        throw new Failed("No event to infer the " + kind.replace('-', ' '));
      }
      id = firstOfKind(event, "prefect." + kind);
      if (id == null) {
        throw new Failed("No " + kind.replace('-', ' ') + " could be inferred");
      }
    } else {
      id = UUID.fromString(action.get(idField).asText());
    }
    ObjectNode r = related(details).addObject();
    r.put(Event.RESOURCE_ID, "prefect." + kind + "." + id);
    r.put(Event.RESOURCE_ROLE, "target");
    return id;
  }

  private static UUID firstOfKind(JsonNode event, String prefix) {
    if (!event.isObject()) {
      return null;
    }
    UUID id = idOfKind(event.path("resource").path(Event.RESOURCE_ID).asText(""), prefix);
    if (id != null) {
      return id;
    }
    for (JsonNode r : event.path("related")) {
      id = idOfKind(r.path(Event.RESOURCE_ID).asText(""), prefix);
      if (id != null) {
        return id;
      }
    }
    return null;
  }

  private static UUID idOfKind(String resourceId, String prefix) {
    if (!resourceId.startsWith(prefix + ".")) {
      return null;
    }
    try {
      return UUID.fromString(resourceId.substring(prefix.length() + 1));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static ArrayNode related(ObjectNode details) {
    return details.has("related") ? (ArrayNode) details.get("related") : details.putArray("related");
  }

  private static Instant instant(JsonNode n) {
    try {
      return n.isTextual() ? Instant.parse(n.asText()) : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
