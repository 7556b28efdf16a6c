package dev.baton.domain.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.schedule.Schedule;

/**
 * DeploymentScheduleUpdate: null fields are left as they are, except {@code parameters}, which
 * Prefect always writes ({@code {}} when not given).
 */
public record ScheduleUpdate(Schedule schedule, Boolean active, Integer maxScheduledRuns, ObjectNode parameters,
    String slug, String replaces) {}
