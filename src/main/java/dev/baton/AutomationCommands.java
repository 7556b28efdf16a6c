package dev.baton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.automations.ActionService;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.domain.command.FlowRunFromDeployment;
import dev.baton.domain.command.StateCreate;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.service.Services;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What automation actions do through the server's own services (the same calls the REST routes
 * make, without HTTP): the composition root hands this to {@link ActionService}.
 */
final class AutomationCommands implements ActionService.Commands {
  private final Services services;

  AutomationCommands(Services services) {
    this.services = services;
  }

  @Override
  public Future<Boolean> deleteFlowRun(UUID id) {
    return services.flowRuns().delete(id).map(true).recover(t -> t instanceof OrchestrationException e
        && e.failure() == OrchestrationFailure.NOT_FOUND ? Future.succeededFuture(false) : Future.failedFuture(t));
  }

  @Override
  public Future<Void> setAutomationEnabled(UUID id, boolean enabled) {
    return services.automations().setEnabled(id, enabled);
  }

  @Override
  public Future<Map.Entry<UUID, String>> runDeployment(UUID deploymentId, JsonNode parameters, JsonNode jobVariables,
      Instant scheduledTime, String idempotencyKey, UUID automationId, String automationName) {
    StateCreate state = new StateCreate(StateType.SCHEDULED, "Scheduled", null, null,
        StateDetails.builder().scheduledTime(scheduledTime).build());
    FlowRunFromDeployment b = new FlowRunFromDeployment(state, null,
        parameters instanceof ObjectNode o ? o : null, null, idempotencyKey,
        null, jobVariables instanceof ObjectNode j ? j : null, null, null, null, null, null);
    // recorded as Prefect records a run an automation's internal call created
    ObjectNode createdBy = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
        .put("id", automationId.toString()).put("type", "AUTOMATION").put("display_value", automationName);
    return services.deployments().createFlowRun(deploymentId, b, null, createdBy)
        .map(c -> Map.entry(c.run().id(), c.run().name()));
  }

  @Override
  public Future<ActionService.BlockRef> blockDocument(UUID id) {
    return services.blocks().documents().get(id, true).map(d -> new ActionService.BlockRef(d.doc().id(),
        d.doc().name(), d.type().slug(), d.schema() == null ? List.of() : d.schema().schema().capabilities(),
        d.data()));
  }

  /** As {@code POST /deployments/{id}/pause_deployment} / {@code resume_deployment}. */
  @Override
  public Future<Void> setDeploymentPaused(UUID deploymentId, boolean paused) {
    return paused ? services.deployments().pause(deploymentId) : services.deployments().resume(deploymentId);
  }
}
