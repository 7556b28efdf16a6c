package dev.baton.domain.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.schedule.Schedule;

/**
 * A schedule given with a deployment or to {@code POST /deployments/{id}/schedules}
 * (DeploymentScheduleCreate); {@code replaces} names the slug an existing schedule had (a rename).
 */
public record ScheduleCreate(Schedule schedule, boolean active, Integer maxScheduledRuns, ObjectNode parameters,
    String slug, String replaces) {

  /** The same schedule under a PATCH's slug path: what a {@link ScheduleUpdate} creates. */
  public static ScheduleCreate of(ScheduleUpdate u) {
    return new ScheduleCreate(u.schedule(), u.active() == null || u.active(), u.maxScheduledRuns(), u.parameters(),
        u.slug(), u.replaces());
  }
}
