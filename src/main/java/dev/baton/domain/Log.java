package dev.baton.domain;

import java.time.Instant;
import java.util.UUID;

/** A stored log line ({@code POST /logs/}, read back by {@code POST /logs/filter}). */
public record Log(UUID id, Instant created, String name, int level, String message, Instant timestamp, UUID flowRunId,
    UUID taskRunId) {}
