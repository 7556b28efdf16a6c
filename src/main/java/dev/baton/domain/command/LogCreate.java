package dev.baton.domain.command;

import java.time.Instant;
import java.util.UUID;

/** One log line to store ({@code POST /api/logs/} entry). */
public record LogCreate(String name, int level, String message, Instant timestamp, UUID flowRunId, UUID taskRunId) {}
