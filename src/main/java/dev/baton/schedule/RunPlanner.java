package dev.baton.schedule;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Deployment;
import dev.baton.domain.DeploymentSchedule;
import dev.baton.domain.Ids;
import dev.baton.domain.Names;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The runs a deployment's active schedules ask for in a window (dispatch.md §1.3, Prefect's
 * {@code _generate_scheduled_flow_runs}): per schedule, its dates from {@code start}, at most
 * {@code maxRuns}, none after {@code end}, stopping as soon as there are {@code minRuns} and the last
 * is at least {@code minTime} after {@code start}. Each run: the deployment's parameters under the
 * schedule's, tags {@code ["auto-scheduled"] + deployment tags}, the deployment's labels with
 * {@code prefect.flow.id} and {@code prefect.deployment.id}, state Scheduled at the date, created by
 * the schedule, and the idempotency key {@code scheduled <deployment id> <schedule id> <date>} that
 * makes inserting it twice a no-op. That key's format never changes (Prefect's #17281: a changed
 * format duplicates every scheduled run once).
 */
public final class RunPlanner {
  private RunPlanner() {}

  /** The scheduling window and its counts. */
  public record Window(Instant start, Instant end, Duration minTime, int minRuns, int maxRuns) {}

  /** One run to insert, with its state. */
  public record PlannedRun(UUID id, UUID stateId, String name, UUID flowId, UUID deploymentId, String deploymentVersion,
      String workQueueName, ObjectNode parameters, UUID infrastructureDocumentId, String idempotencyKey,
      List<String> tags, ObjectNode labels, boolean autoScheduled, Instant scheduledTime, ObjectNode createdBy) {}

  /** The runs of {@code d}'s active {@code schedules} in {@code w}; a schedule that cannot be evaluated throws. */
  public static List<PlannedRun> plan(Deployment d, List<DeploymentSchedule> schedules, Window w, boolean autoScheduled) {
    List<PlannedRun> out = new ArrayList<>();
    Instant far = w.start().plus(w.minTime());
    ObjectNode labels = d.labels() == null ? JsonNodeFactory.instance.objectNode() : d.labels().deepCopy();
    labels.put("prefect.flow.id", d.flowId().toString());
    labels.put("prefect.deployment.id", d.id().toString());
    List<String> tags = new ArrayList<>();
    if (autoScheduled) {
      tags.add("auto-scheduled");
    }
    if (d.tags() != null) {
      tags.addAll(d.tags());
    }
    for (DeploymentSchedule s : schedules) {
      if (!s.active()) {
        continue;
      }
      List<ZonedDateTime> dates = s.schedule().dates(w.start(), w.end(), w.maxRuns(),
          taken -> taken.size() < w.minRuns() || taken.get(taken.size() - 1).toInstant().isBefore(far));
      ObjectNode params = d.parameters() == null ? JsonNodeFactory.instance.objectNode() : d.parameters().deepCopy();
      if (s.parameters() != null) {
        params.setAll(s.parameters());
      }
      ObjectNode createdBy = JsonNodeFactory.instance.objectNode();
      createdBy.put("id", s.id().toString());
      createdBy.put("display_value", s.slug() != null ? s.slug() : s.schedule().kind());
      createdBy.put("type", "SCHEDULE");
      for (ZonedDateTime date : dates) {
        out.add(new PlannedRun(Ids.uuid7(), Ids.uuid7(), Names.slug(), d.flowId(), d.id(), d.version(),
            d.workQueueName(), params, d.infrastructureDocumentId(), idempotencyKey(d.id(), s.id(), date),
            List.copyOf(tags), labels, autoScheduled, date.toInstant(), createdBy));
      }
    }
    return out;
  }

  private static final DateTimeFormatter PY_WHOLE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssxxx");
  private static final DateTimeFormatter PY_MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx");

  /**
   * {@code scheduled <deployment id> <schedule id> <date>}, the date as Python's {@code str()} of
   * an aware datetime in the schedule's zone ({@code 2026-08-21 06:00:00-04:00}, microseconds only
   * when non-zero) — Prefect's key on Python 3.13, kept forever.
   */
  public static String idempotencyKey(UUID deploymentId, UUID scheduleId, ZonedDateTime date) {
    return "scheduled " + deploymentId + " " + scheduleId + " " + pythonStr(date);
  }

  static String pythonStr(ZonedDateTime date) {
    ZonedDateTime d = date.withNano(date.getNano() / 1000 * 1000);
    return d.format(d.getNano() == 0 ? PY_WHOLE : PY_MICROS);
  }
}
