package dev.baton.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.schedule.Schedule;
import java.time.Instant;
import java.util.UUID;

/**
 * One schedule of a deployment (dispatch.md §1.2): its runs' parameters override the
 * deployment's; {@code maxScheduledRuns} is stored and returned, never used (as in Prefect's OSS
 * scheduler); {@code slug} is unique within the deployment when set.
 */
public record DeploymentSchedule(UUID id, Instant created, Instant updated, UUID deploymentId, Schedule schedule,
    boolean active, Integer maxScheduledRuns, ObjectNode parameters, String slug) {}
