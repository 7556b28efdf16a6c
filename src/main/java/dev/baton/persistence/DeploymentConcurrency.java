package dev.baton.persistence;

import dev.baton.domain.ConcurrencyLimitV2;
import dev.baton.domain.Deployment;
import dev.baton.persistence.concurrency.LimitStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A deployment's concurrency limit (spec/api.md §9): {@code concurrency_limit = N} owns the v2 limit
 * {@code deployment:<id>} with {@code limit = N}, linked by {@code concurrency_limit_id}; null removes
 * it. Also the deployment PATCH.
 */
public final class DeploymentConcurrency {
  private DeploymentConcurrency() {}

  static final String UPSERT_LIMIT = "INSERT INTO concurrency_limit_v2 AS c (name, \"limit\") VALUES ($1, $2)"
      + " ON CONFLICT (name) DO UPDATE SET \"limit\" = EXCLUDED.\"limit\", updated = clock_timestamp()"
      + " RETURNING c.id";

  /** Makes the deployment's limit match {@code limit} (null = none) and links it. */
  public static Future<Void> sync(SqlClient c, UUID deploymentId, UUID linkedLimitId, Integer limit) {
    if (limit == null) {
      if (linkedLimitId == null) {
        return Future.succeededFuture();
      }
      return DeploymentRepository.setConcurrencyLimitId(c, deploymentId, null)
          .compose(ok -> LimitStore.delete(c, linkedLimitId)).mapEmpty();
    }
    return c.preparedQuery(UPSERT_LIMIT).execute(Tuple.of("deployment:" + deploymentId, limit))
        .compose(rows -> DeploymentRepository.setConcurrencyLimitId(c, deploymentId, rows.iterator().next().getUUID("id")))
        .mapEmpty();
  }

  /** The deployment with its linked limit (null when none), or null. */
  public record WithLimit(Deployment deployment, ConcurrencyLimitV2 limit) {}

  public static Future<WithLimit> get(SqlClient c, UUID id) {
    return DeploymentRepository.get(c, id).compose(d -> {
      if (d == null) {
        return Future.succeededFuture(null);
      }
      if (d.concurrencyLimitId() == null) {
        return Future.succeededFuture(new WithLimit(d, null));
      }
      return LimitStore.get(c, d.concurrencyLimitId()).map(l -> new WithLimit(d, l));
    });
  }

  /** A page of deployments (as {@link DeploymentRepository#list}), each with its linked limit, in two statements. */
  public static Future<List<WithLimit>> list(SqlClient c, String where, List<Object> params, String orderBy, int limit,
      int offset) {
    return DeploymentRepository.list(c, where, params, orderBy, limit, offset).compose(ds -> {
      List<UUID> ids = ds.stream().map(Deployment::concurrencyLimitId).filter(java.util.Objects::nonNull).toList();
      Future<List<ConcurrencyLimitV2>> limits = ids.isEmpty() ? Future.succeededFuture(List.of()) : LimitStore.getAll(c, ids);
      return limits.map(ls -> {
        Map<UUID, ConcurrencyLimitV2> byId = new java.util.HashMap<>();
        ls.forEach(l -> byId.put(l.id(), l));
        return ds.stream().map(d -> new WithLimit(d, d.concurrencyLimitId() == null ? null : byId.get(d.concurrencyLimitId())))
            .toList();
      });
    });
  }

  /** Writes the present columns of a PATCH ({@code concurrency_limit} is synced by the caller). */
  public static Future<Boolean> patch(SqlClient c, UUID id, Map<String, Object> present) {
    return DeploymentRepository.patch(c, id, present);
  }
}
