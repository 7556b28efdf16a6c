package dev.baton.service;

import dev.baton.domain.ApiVersion;
import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.command.StateCreate;
import dev.baton.filter.Filters;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.SetStateCommand;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code bulk_set_state}: one set-state proposal per matching flow run, each through orchestration
 * (the event bus) in its own transaction, like a single set_state.
 */
public final class BulkSetState {
  /** What one run's proposal came to. */
  public record Entry(UUID flowRunId, OrchestrationResult result) {}

  private final FlowRuns runs;
  private final OrchestrationClient client;

  public BulkSetState(FlowRuns runs, OrchestrationClient client) {
    this.runs = runs;
    this.client = client;
  }

  /**
   * Proposes {@code state} to up to {@code limit} runs matching {@code filter} (by id); a proposal
   * that fails becomes an ABORT entry carrying the failure's message, so the list always has one
   * entry per run.
   */
  public Future<List<Entry>> propose(Filters.FlowRunFilter filter, int limit, StateCreate state, boolean force,
      ApiVersion apiVersion, String clientVersion) {
    return runs.ids(filter, limit).compose(ids -> {
      List<Future<OrchestrationResult>> results = new ArrayList<>(ids.size());
      for (UUID runId : ids) {
        results.add(client.send(SetStateCommand.flow(runId, state, force, apiVersion, clientVersion))
            .recover(t -> Future.succeededFuture(new OrchestrationResult(null, OrchestrationStatus.ABORT,
                OrchestrationDetails.abort(t.getMessage()), false))));
      }
      return Future.join(results).map(done -> {
        List<Entry> entries = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
          entries.add(new Entry(ids.get(i), results.get(i).result()));
        }
        return entries;
      });
    });
  }
}
