package dev.baton.domain;

/** A deployment with the v2 concurrency limit it owns ({@code deployment:<id>}); {@code limit} null when none. */
public record DeploymentWithLimit(Deployment deployment, ConcurrencyLimitV2 limit) {}
