package dev.baton.orchestration.api;

import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.State;

/**
 * The answer to a proposal: the state that now holds (or null), the status and its details.
 * {@code stateWritten} tells whether this request wrote {@code state} (HTTP 201) or not (200).
 */
public record OrchestrationResult(
    State state,
    OrchestrationStatus status,
    OrchestrationDetails details,
    boolean stateWritten) {}
