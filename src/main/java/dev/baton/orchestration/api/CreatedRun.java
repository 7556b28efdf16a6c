package dev.baton.orchestration.api;

/**
 * A run ({@code FlowRun} or {@code TaskRun}) as stored after a create command, and whether this
 * command created it (HTTP 201) or found an existing one by its idempotency / natural key (200).
 */
public record CreatedRun<T>(T run, boolean created) {}
