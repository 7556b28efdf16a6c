package dev.baton.service;

import dev.baton.domain.Artifact;
import dev.baton.domain.ArtifactCollection;
import dev.baton.domain.Ids;
import dev.baton.domain.command.ArtifactCreate;
import dev.baton.domain.command.ArtifactPatch;
import dev.baton.filter.ArtifactFilters.ArtifactListRequest;
import dev.baton.filter.ArtifactFilters.ArtifactQuery;
import dev.baton.persistence.ArtifactStore;
import dev.baton.persistence.filter.ArtifactFilterSql;
import dev.baton.persistence.filter.FilterSql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.UUID;

/**
 * Artifacts and their keys' collections (the latest version of each key): create, read, filter,
 * count, update, delete. A keyed creation and the deletion of a key's latest version emit the
 * collection's {@code prefect.artifact-collection.*} event in their own transaction
 * ({@link ArtifactStore}).
 */
public final class Artifacts {
  public static final String NOT_FOUND = "Artifact not found.";

  private final Pool pool;

  public Artifacts(Pool pool) {
    this.pool = pool;
  }

  /** A new artifact (a time-ordered id); a keyed one becomes its key's latest version. */
  public Future<Artifact> create(ArtifactCreate c) {
    Artifact a = new Artifact(Ids.uuid7(), null, null, c.key(), c.type(), c.description(), c.data(), c.metadata(),
        c.flowRunId(), c.taskRunId());
    return c.key() == null ? ArtifactStore.insertKeyless(pool, a)
        : ArtifactStore.insertKeyed(pool, a, Ids.uuid7(), Ids.uuid7());
  }

  /** NOT_FOUND when there is no such artifact. */
  public Future<Artifact> get(UUID id) {
    return Found.orNotFound(ArtifactStore.get(pool, id), NOT_FOUND);
  }

  /** The latest version of {@code key}; NOT_FOUND when the key has none. */
  public Future<Artifact> latest(String key) {
    return Found.orNotFound(ArtifactStore.latest(pool, key), NOT_FOUND);
  }

  public Future<List<Artifact>> list(ArtifactListRequest q) {
    FilterSql.Where w = ArtifactFilterSql.artifacts(q.filter());
    return ArtifactStore.list(pool, w.sql(), w.params(), ArtifactFilterSql.orderBy(q.sort()), q.limit(), q.offset());
  }

  public Future<Long> count(ArtifactQuery q) {
    FilterSql.Where w = ArtifactFilterSql.artifacts(q);
    return ArtifactStore.count(pool, w.sql(), w.params());
  }

  /** One row per key: its collection, with the latest version. */
  public Future<List<ArtifactCollection>> latestList(ArtifactListRequest q) {
    FilterSql.Where w = ArtifactFilterSql.collections(q.filter());
    return ArtifactStore.listCollections(pool, w.sql(), w.params(), ArtifactFilterSql.orderByCollection(q.sort()),
        q.limit(), q.offset());
  }

  public Future<Long> latestCount(ArtifactQuery q) {
    FilterSql.Where w = ArtifactFilterSql.collections(q);
    return ArtifactStore.countCollections(pool, w.sql(), w.params());
  }

  /** Changes the given fields (and {@code updated}); NOT_FOUND when there is no such artifact. */
  public Future<Void> update(UUID id, ArtifactPatch p) {
    return Found.touched(ArtifactStore.update(pool, id, p.hasData(), p.data(), p.hasDescription(), p.description(),
        p.hasMetadata(), p.metadata()), NOT_FOUND);
  }

  /**
   * Deletes an artifact; when it was its key's latest version, the key's collection names the
   * newest remaining version, or goes with the last one. One transaction: the artifact is locked,
   * then its key's collection (serializing this with every other write of the key), and only then
   * is the next latest looked for. NOT_FOUND when there is no such artifact.
   */
  public Future<Void> delete(UUID id) {
    return Found.touched(pool.withTransaction(c -> ArtifactStore.lock(c, id).compose(doomed -> {
      if (doomed == null) {
        return Future.succeededFuture(false);
      }
      if (doomed.key() == null) {
        return ArtifactStore.delete(c, id);
      }
      return ArtifactStore.lockCollection(c, doomed.key()).compose(coll -> coll != null && id.equals(coll.latestId())
          ? ArtifactStore.deleteLatest(c, id, doomed.key(), coll.id(), Ids.uuid7())
          : ArtifactStore.delete(c, id));
    })), NOT_FOUND);
  }
}
