package dev.baton.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.DeploymentSchedule;
import dev.baton.domain.command.ScheduleCreate;
import dev.baton.domain.command.ScheduleUpdate;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.persistence.DeploymentScheduleStore.ScheduleRow;
import dev.baton.schedule.ScheduleJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * What becomes of a deployment's schedules when it is given new ones (dispatch.md §1.2): the rows
 * to delete, to rewrite in place and to insert. Where Prefect deletes every schedule and creates
 * new ones (new ids ⇒ new idempotency keys ⇒ duplicate runs, its #18894), a schedule that matches
 * one the deployment has keeps that one's id: same slug (or {@code replaces} = its old slug),
 * or — without slugs — same schedule, active flag, parameters and max_scheduled_runs.
 */
final class ScheduleReconciliation {
  private ScheduleReconciliation() {}

  /** The writes, applied in this order: deletes, slugs cleared (renames), updates, inserts. */
  record Writes(List<UUID> delete, List<UUID> clearSlugs, List<ScheduleRow> update, List<ScheduleRow> insert) {
    boolean none() {
      return delete.isEmpty() && update.isEmpty() && insert.isEmpty();
    }
  }

  static OrchestrationException invalid(String message) {
    return new OrchestrationException(OrchestrationFailure.INVALID_INPUT, message);
  }

  /** The deployment's schedules become exactly {@code wanted} (upsert; PATCH without slugs). */
  static Writes replace(List<DeploymentSchedule> existing, List<ScheduleCreate> wanted) {
    Map<UUID, DeploymentSchedule> unmatched = new LinkedHashMap<>();
    existing.forEach(e -> unmatched.put(e.id(), e));
    Map<String, DeploymentSchedule> bySlug = new HashMap<>();
    existing.stream().filter(e -> e.slug() != null).forEach(e -> bySlug.put(e.slug(), e));
    List<ScheduleRow> update = new ArrayList<>();
    List<ScheduleRow> insert = new ArrayList<>();
    List<UUID> clear = new ArrayList<>();
    List<ScheduleCreate> loose = new ArrayList<>();
    for (ScheduleCreate w : wanted) {
      String key = w.replaces() != null ? w.replaces() : w.slug();
      DeploymentSchedule e = key == null ? null : bySlug.get(key);
      if (e != null && unmatched.remove(e.id()) != null) {
        ScheduleRow row = new ScheduleRow(e.id(), w.schedule(), w.active(), w.maxScheduledRuns(), params(w.parameters()),
            w.slug());
        if (!same(e, row)) {
          update.add(row);
          if (!Objects.equals(e.slug(), w.slug())) {
            clear.add(e.id());
          }
        }
      } else {
        loose.add(w);
      }
    }
    for (ScheduleCreate w : loose) {
      ScheduleRow fresh = ScheduleRow.fresh(w.schedule(), w.active(), w.maxScheduledRuns(), params(w.parameters()), w.slug());
      DeploymentSchedule twin = w.slug() == null ? unmatched.values().stream()
          .filter(e -> e.slug() == null && same(e, fresh)).findFirst().orElse(null) : null;
      if (twin != null) {
        unmatched.remove(twin.id());
      } else {
        insert.add(fresh);
      }
    }
    return new Writes(List.copyOf(unmatched.keySet()), clear, update, insert);
  }

  /**
   * A PATCH's {@code schedules} (Prefect's rules, its 422 texts): when every existing schedule has
   * a slug, every given one must have one; they are matched by slug (or {@code replaces}) and
   * updated, the others created, and the deployment's other schedules stay; otherwise the given
   * ones replace all (those without {@code schedule} are dropped).
   */
  static Writes patch(List<DeploymentSchedule> existing, List<ScheduleUpdate> given) {
    boolean allGivenHaveSlugs = given.stream().allMatch(s -> s.slug() != null);
    boolean allExistingHaveSlugs = !existing.isEmpty() && existing.stream().allMatch(s -> s.slug() != null);
    if (!allExistingHaveSlugs) {
      List<ScheduleCreate> wanted = new ArrayList<>();
      for (ScheduleUpdate u : given) {
        if (u.schedule() != null) {
          wanted.add(new ScheduleCreate(u.schedule(), u.active() == null || u.active(), u.maxScheduledRuns(),
              u.parameters(), u.slug(), null));
        }
      }
      return replace(existing, wanted);
    }
    if (!allGivenHaveSlugs) {
      throw invalid("Please provide a slug for each schedule in your request to ensure schedules are updated correctly.");
    }
    Map<String, DeploymentSchedule> bySlug = new HashMap<>();
    existing.forEach(e -> bySlug.put(e.slug(), e));
    Set<String> replaced = new HashSet<>();
    for (ScheduleUpdate u : given) {
      if (u.replaces() != null && !replaced.add(u.replaces())) {
        throw invalid("Multiple schedules have 'replaces' targeting the same slug: " + u.replaces());
      }
    }
    for (ScheduleUpdate u : given) {
      if (u.replaces() != null && bySlug.containsKey(u.slug()) && !replaced.contains(u.slug())) {
        throw invalid("Cannot rename schedule from '" + u.replaces() + "' to '" + u.slug() + "': a schedule with slug '"
            + u.slug() + "' already exists.");
      }
    }
    List<ScheduleRow> update = new ArrayList<>();
    List<ScheduleRow> insert = new ArrayList<>();
    List<UUID> clear = new ArrayList<>();
    for (ScheduleUpdate u : given) {
      DeploymentSchedule e = bySlug.get(u.replaces() != null ? u.replaces() : u.slug());
      if (e != null) {
        // Prefect writes the fields given (not null), and the parameters always
        ScheduleRow row = new ScheduleRow(e.id(), u.schedule() != null ? u.schedule() : e.schedule(),
            u.active() != null ? u.active() : e.active(),
            u.maxScheduledRuns() != null ? u.maxScheduledRuns() : e.maxScheduledRuns(), params(u.parameters()), u.slug());
        if (!same(e, row)) {
          update.add(row);
          if (!Objects.equals(e.slug(), u.slug())) {
            clear.add(e.id());
          }
        }
      } else if (u.schedule() != null) {
        insert.add(ScheduleRow.fresh(u.schedule(), u.active() == null || u.active(), u.maxScheduledRuns(),
            params(u.parameters()), u.slug()));
      } else {
        throw invalid("Unable to create new deployment schedules without a schedule configuration.");
      }
    }
    return new Writes(List.of(), clear, update, insert);
  }

  /** {@code PATCH /deployments/{id}/schedules/{sid}}: the given fields over {@code e}, parameters always. */
  static ScheduleRow update(DeploymentSchedule e, ScheduleUpdate u) {
    return new ScheduleRow(e.id(), u.schedule() != null ? u.schedule() : e.schedule(),
        u.active() != null ? u.active() : e.active(),
        u.maxScheduledRuns() != null ? u.maxScheduledRuns() : e.maxScheduledRuns(), params(u.parameters()),
        u.slug() != null ? u.slug() : e.slug());
  }

  static boolean same(DeploymentSchedule e, ScheduleRow r) {
    return e.active() == r.active() && Objects.equals(e.maxScheduledRuns(), r.maxScheduledRuns())
        && Objects.equals(e.slug(), r.slug()) && params(e.parameters()).equals(params(r.parameters()))
        && ScheduleJson.write(e.schedule()).equals(ScheduleJson.write(r.schedule()));
  }

  private static ObjectNode params(ObjectNode p) {
    return p == null ? JsonNodeFactory.instance.objectNode() : p;
  }
}
