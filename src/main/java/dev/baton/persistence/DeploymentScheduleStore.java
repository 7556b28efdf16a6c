package dev.baton.persistence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.DeploymentSchedule;
import dev.baton.domain.Ids;
import dev.baton.schedule.Schedule;
import dev.baton.schedule.ScheduleJson;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Deployment schedules (dispatch.md §1.2): newest-updated first, slugs unique within a deployment. */
public final class DeploymentScheduleStore {
  private DeploymentScheduleStore() {}

  static final String COLUMNS = """
      id, created, updated, deployment_id, schedule::text AS schedule, active, max_scheduled_runs,
      parameters::text AS parameters, slug""";

  static DeploymentSchedule schedule(Row r) {
    return new DeploymentSchedule(r.getUUID("id"), Rows.instant(r, "created"), Rows.instant(r, "updated"),
        r.getUUID("deployment_id"), ScheduleJson.read(JsonCodec.read(r.getString("schedule"))), r.getBoolean("active"),
        r.getInteger("max_scheduled_runs"), JsonCodec.readObject(r.getString("parameters")), r.getString("slug"));
  }

  /** A schedule to write: its id (kept or new), content, and whether it is new. */
  public record ScheduleRow(UUID id, Schedule schedule, boolean active, Integer maxScheduledRuns, ObjectNode parameters,
      String slug) {
    public static ScheduleRow fresh(Schedule schedule, boolean active, Integer maxScheduledRuns, ObjectNode parameters,
        String slug) {
      return new ScheduleRow(Ids.uuid7(), schedule, active, maxScheduledRuns, parameters, slug);
    }
  }

  static final String LIST = "SELECT " + COLUMNS
      + " FROM deployment_schedule WHERE deployment_id = $1 ORDER BY updated DESC, id DESC";

  public static Future<List<DeploymentSchedule>> list(SqlClient c, UUID deploymentId) {
    return c.preparedQuery(LIST).execute(Tuple.of(deploymentId)).map(rows -> {
      List<DeploymentSchedule> out = new ArrayList<>();
      rows.forEach(r -> out.add(schedule(r)));
      return out;
    });
  }

  static final String ALL_OF = "SELECT " + COLUMNS
      + " FROM deployment_schedule WHERE deployment_id = ANY($1::uuid[]) ORDER BY updated DESC, id DESC";

  /** Every schedule of the deployments, by deployment (a list page's in one query). */
  public static Future<Map<UUID, List<DeploymentSchedule>>> of(SqlClient c, List<UUID> deploymentIds) {
    return byDeployment(c, ALL_OF, deploymentIds);
  }

  private static Future<Map<UUID, List<DeploymentSchedule>>> byDeployment(SqlClient c, String sql,
      List<UUID> deploymentIds) {
    return c.preparedQuery(sql).execute(Tuple.of((Object) deploymentIds.toArray(new UUID[0]))).map(rows -> {
      Map<UUID, List<DeploymentSchedule>> out = new HashMap<>();
      rows.forEach(r -> out.computeIfAbsent(r.getUUID("deployment_id"), k -> new ArrayList<>()).add(schedule(r)));
      return out;
    });
  }

  static final String ACTIVE_OF = "SELECT " + COLUMNS
      + " FROM deployment_schedule WHERE deployment_id = ANY($1::uuid[]) AND active ORDER BY updated DESC, id DESC";

  /** The active schedules of the deployments, by deployment. */
  public static Future<Map<UUID, List<DeploymentSchedule>>> activeOf(SqlClient c, List<UUID> deploymentIds) {
    return byDeployment(c, ACTIVE_OF, deploymentIds);
  }

  static final String INSERT = """
      INSERT INTO deployment_schedule (id, deployment_id, schedule, active, max_scheduled_runs, parameters, slug)
      SELECT v.id, $1, v.schedule::jsonb, v.active, v.max_runs, v.parameters::jsonb, v.slug
        FROM unnest($2::uuid[], $3::text[], $4::bool[], $5::int[], $6::text[], $7::text[], $8::int[])
               AS v(id, schedule, active, max_runs, parameters, slug, ord)
       ORDER BY v.ord""";

  /** Inserts the schedules in order (each later one has the later {@code updated}); a duplicate slug fails (unique violation). */
  public static Future<Void> insert(SqlClient c, UUID deploymentId, List<ScheduleRow> schedules) {
    if (schedules.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = schedules.size();
    UUID[] ids = new UUID[n];
    String[] json = new String[n];
    Boolean[] active = new Boolean[n];
    Integer[] max = new Integer[n];
    String[] params = new String[n];
    String[] slugs = new String[n];
    Integer[] ord = new Integer[n];
    for (int i = 0; i < n; i++) {
      ScheduleRow s = schedules.get(i);
      ids[i] = s.id();
      json[i] = JsonCodec.write(ScheduleJson.write(s.schedule()));
      active[i] = s.active();
      max[i] = s.maxScheduledRuns();
      params[i] = JsonCodec.write(JsonCodec.objectOrEmpty(s.parameters()));
      slugs[i] = s.slug();
      ord[i] = i;
    }
    return c.preparedQuery(INSERT).execute(Tuple.of(deploymentId, ids, json, active, max, params, slugs).addValue(ord))
        .mapEmpty();
  }

  static final String UPDATE = """
      UPDATE deployment_schedule SET schedule = $3::text::jsonb, active = $4, max_scheduled_runs = $5,
             parameters = $6::text::jsonb, slug = $7, updated = clock_timestamp()
       WHERE id = $1 AND deployment_id = $2""";

  /** Writes every field of schedule {@code s.id()} of the deployment; true when it exists. */
  public static Future<Boolean> update(SqlClient c, UUID deploymentId, ScheduleRow s) {
    return c.preparedQuery(UPDATE).execute(Tuple.of(s.id(), deploymentId, JsonCodec.write(ScheduleJson.write(s.schedule())),
        s.active(), s.maxScheduledRuns(), JsonCodec.write(JsonCodec.objectOrEmpty(s.parameters())), s.slug()))
        .map(rows -> rows.rowCount() > 0);
  }

  static final String CLEAR_SLUGS = "UPDATE deployment_schedule SET slug = NULL WHERE deployment_id = $1 AND id = ANY($2::uuid[])";

  /** Frees the slugs of schedules about to be renamed, so a swap does not hit the unique slug. */
  public static Future<Void> clearSlugs(SqlClient c, UUID deploymentId, List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return c.preparedQuery(CLEAR_SLUGS).execute(Tuple.of(deploymentId).addValue(ids.toArray(new UUID[0]))).mapEmpty();
  }

  static final String DELETE = "DELETE FROM deployment_schedule WHERE deployment_id = $1 AND id = ANY($2::uuid[])";

  public static Future<Integer> delete(SqlClient c, UUID deploymentId, List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return c.preparedQuery(DELETE).execute(Tuple.of(deploymentId).addValue(ids.toArray(new UUID[0]))).map(rows -> rows.rowCount());
  }
}
