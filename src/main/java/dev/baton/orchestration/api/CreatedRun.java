package dev.baton.orchestration.api;

/**
 * A run ({@code FlowRun} or {@code TaskRun}) or a {@code Flow} as stored after a create command,
 * and whether this command created it (HTTP 201) or found an existing one by its idempotency key,
 * natural key or name (200).
 */
public record CreatedRun<T>(T run, boolean created) {}
