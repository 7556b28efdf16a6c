package dev.baton.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Artifact;
import dev.baton.domain.ArtifactCollection;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The artifact and artifact_collection tables (V7), and the {@code prefect.artifact-collection.*}
 * events their changes emit.
 *
 * <p><b>Ordering of a key's versions.</b> Every write that changes which version is a key's
 * latest holds the key's collection row locked: a creation takes it in its upsert, a deletion
 * locks it before it looks for the next latest. A new version's {@code created} is read from the
 * clock under that lock and is later than the collection's last {@code updated}, so the newest
 * version by {@code created} (then id) is always the latest, whatever the number of instances
 * creating versions of one key at once.
 *
 * <p><b>Events.</b> As in Prefect: a keyed creation emits {@code prefect.artifact-collection.created}
 * (the key's first version) or {@code .updated}; deleting a key's latest version emits
 * {@code .updated} (the previous version is the latest now) or {@code .deleted} (it was the last).
 * Resource {@code prefect.artifact-collection.<collection id>} named by the key; related: the
 * latest version ({@code latest}), its flow run and task run; payload {@code {key, type, data,
 * description}}. Each is written in the transaction of the change and announced on
 * {@value ServerEventStore#CHANNEL} as {@link ServerEventStore} announces server events, so it is
 * delivered on commit to the {@code /events/out} subscribers of every instance.
 */
public final class ArtifactStore {
  private ArtifactStore() {}

  static final String COLUMNS = """
      a.id, a.created, a.updated, a.key, a.type, a.description, a.data::text AS data,
      a.metadata_::text AS metadata_, a.flow_run_id, a.task_run_id""";

  static final String COLLECTION_COLUMNS = "c.id AS c_id, c.created AS c_created, c.updated AS c_updated, " + COLUMNS;

  /** The artifacts with their key's collection row, for the latest-version queries. */
  static final String COLLECTIONS = "artifact_collection c JOIN artifact a ON a.id = c.latest_id";

  /**
   * One collection event per row of its source ({@code %s}): {@code x} (event_id, occurred,
   * coll_id, event) joined to {@code art}, the version the event names (an artifact row). The body
   * of a statement's {@code ev} CTE; {@link #ANNOUNCE} announces what it inserted.
   */
  static final String EVENT_INSERT = """
      INSERT INTO event (id, occurred, event, resource_id, resource, related_resource_ids, related, payload, received)
      SELECT x.event_id, x.occurred, x.event, 'prefect.artifact-collection.' || x.coll_id::text,
             jsonb_build_object('prefect.resource.id', 'prefect.artifact-collection.' || x.coll_id::text,
                                'prefect.resource.name', art.key),
             array_remove(ARRAY['prefect.artifact.' || art.id::text,
                                'prefect.flow-run.' || art.flow_run_id::text,
                                'prefect.task-run.' || art.task_run_id::text], NULL),
             jsonb_build_array(jsonb_build_object('prefect.resource.id', 'prefect.artifact.' || art.id::text,
                                                  'prefect.resource.role', 'latest'))
               || CASE WHEN art.flow_run_id IS NULL THEN '[]'::jsonb
                       ELSE jsonb_build_array(jsonb_build_object(
                              'prefect.resource.id', 'prefect.flow-run.' || art.flow_run_id::text,
                              'prefect.resource.role', 'flow-run')) END
               || CASE WHEN art.task_run_id IS NULL THEN '[]'::jsonb
                       ELSE jsonb_build_array(jsonb_build_object(
                              'prefect.resource.id', 'prefect.task-run.' || art.task_run_id::text,
                              'prefect.resource.role', 'task-run')) END,
             jsonb_build_object('key', art.key, 'type', art.type, 'data', art.data, 'description', art.description),
             now()
        FROM %s
      RETURNING id""";

  /** The main query's announcement of the rows {@code ev} inserted. */
  static final String ANNOUNCE = "(SELECT count(*) FROM ev CROSS JOIN LATERAL (SELECT pg_notify('"
      + ServerEventStore.CHANNEL + "', '" + ServerEventStore.SERVER_PREFIX + "' || ev.id::text)) n) AS announced";

  // ---- create --------------------------------------------------------------------------------

  static final String INSERT_KEYLESS = """
      INSERT INTO artifact AS a (id, created, updated, key, type, description, data, metadata_, flow_run_id, task_run_id)
      SELECT $1::uuid, t.ts, t.ts, NULL, $2::text, $3::text, $4::text::jsonb, $5::text::jsonb, $6::uuid, $7::uuid
        FROM (SELECT now() AS ts) t
      RETURNING """ + " " + COLUMNS;

  /**
   * A keyed version: the collection upsert locks the key's row (waiting for any other writer of
   * the key) and takes the time, later than the row's last update; the version is inserted with
   * that time; the collection's event follows. {@code $1} collection id (used when the key is new),
   * {@code $2} artifact id, {@code $3} key, {@code $4…$9} the fields, {@code $10} event id.
   */
  static final String INSERT_KEYED = """
      WITH coll AS (
        INSERT INTO artifact_collection AS c (id, created, updated, key, latest_id)
        SELECT $1::uuid, t.ts, t.ts, $3::text, $2::uuid FROM (SELECT clock_timestamp() AS ts) t
        ON CONFLICT (key) DO UPDATE
           SET latest_id = EXCLUDED.latest_id,
               updated = greatest(clock_timestamp(), c.updated + interval '1 microsecond')
        RETURNING c.id, c.updated, c.xmax = 0 AS inserted
      ), art AS (
        INSERT INTO artifact AS a (id, created, updated, key, type, description, data, metadata_, flow_run_id,
                                   task_run_id)
        SELECT $2::uuid, coll.updated, coll.updated, $3::text, $4::text, $5::text, $6::text::jsonb, $7::text::jsonb,
               $8::uuid, $9::uuid
          FROM coll
        RETURNING *
      ), ev AS (""" + EVENT_INSERT.formatted("""
          (SELECT $10::uuid AS event_id, coll.updated AS occurred, coll.id AS coll_id,
                  CASE WHEN coll.inserted THEN 'prefect.artifact-collection.created'
                       ELSE 'prefect.artifact-collection.updated' END AS event FROM coll) x CROSS JOIN art""") + """
      )
      SELECT""" + " " + COLUMNS + ", " + ANNOUNCE + " FROM art a";

  /** Inserts a keyless artifact ({@code a.key()} is ignored); the row as stored. */
  public static Future<Artifact> insertKeyless(SqlClient c, Artifact a) {
    return c.preparedQuery(INSERT_KEYLESS)
        .execute(Tuple.of(a.id(), a.type(), a.description(), JsonCodec.write(a.data()), metadata(a.metadata()),
            a.flowRunId(), a.taskRunId()))
        .map(FlowRepository.first(ArtifactStore::artifact));
  }

  /**
   * Inserts a version of {@code a.key()}, makes it the key's latest and emits the collection's
   * event, in one statement (one transaction); {@code collectionId} names the collection when the
   * key is new. The row as stored ({@code created} = {@code updated} = the collection's time).
   */
  public static Future<Artifact> insertKeyed(SqlClient c, Artifact a, UUID collectionId, UUID eventId) {
    return c.preparedQuery(INSERT_KEYED)
        .execute(Tuple.from(new Object[] {collectionId, a.id(), a.key(), a.type(), a.description(),
            JsonCodec.write(a.data()), metadata(a.metadata()), a.flowRunId(), a.taskRunId(), eventId}))
        .map(FlowRepository.first(ArtifactStore::artifact));
  }

  // ---- read ----------------------------------------------------------------------------------

  static final String BY_ID = "SELECT " + COLUMNS + " FROM artifact a WHERE a.id = $1";

  public static Future<Artifact> get(SqlClient c, UUID id) {
    return c.preparedQuery(BY_ID).execute(Tuple.of(id)).map(FlowRepository.first(ArtifactStore::artifact));
  }

  static final String LATEST_BY_KEY = "SELECT " + COLUMNS + " FROM " + COLLECTIONS + " WHERE c.key = $1";

  /** The latest version of {@code key}, or null when the key has none. */
  public static Future<Artifact> latest(SqlClient c, String key) {
    return c.preparedQuery(LATEST_BY_KEY).execute(Tuple.of(key)).map(FlowRepository.first(ArtifactStore::artifact));
  }

  static final String LIST = "SELECT " + COLUMNS + " FROM artifact a WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d";

  /** A page of artifacts matching {@code where} (over alias {@code a}). */
  public static Future<List<Artifact>> list(SqlClient c, String where, List<Object> params, String orderBy, int limit,
      int offset) {
    return Queries.list(c, LIST, where, params, orderBy, limit, offset, ArtifactStore::artifact);
  }

  public static Future<Long> count(SqlClient c, String where, List<Object> params) {
    return Queries.count(c, "artifact a", where, params);
  }

  static final String LIST_COLLECTIONS = "SELECT " + COLLECTION_COLUMNS + " FROM " + COLLECTIONS
      + " WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d";

  /** A page of collections matching {@code where} (over {@code c}, the collection, and {@code a}, its latest version). */
  public static Future<List<ArtifactCollection>> listCollections(SqlClient c, String where, List<Object> params,
      String orderBy, int limit, int offset) {
    return Queries.list(c, LIST_COLLECTIONS, where, params, orderBy, limit, offset,
        r -> new ArtifactCollection(r.getUUID("c_id"), Rows.instant(r, "c_created"), Rows.instant(r, "c_updated"),
            artifact(r)));
  }

  public static Future<Long> countCollections(SqlClient c, String where, List<Object> params) {
    return Queries.count(c, COLLECTIONS, where, params);
  }

  // ---- update --------------------------------------------------------------------------------

  /**
   * The given fields (a flag per field; a null value clears it) and {@code updated}; the key's
   * collection is updated too when this is its latest version (Prefect's two updates).
   */
  static final String UPDATE = """
      WITH upd AS (
        UPDATE artifact
           SET data = CASE WHEN $2 THEN $3::text::jsonb ELSE data END,
               description = CASE WHEN $4 THEN $5::text ELSE description END,
               metadata_ = CASE WHEN $6 THEN $7::text::jsonb ELSE metadata_ END,
               updated = now()
         WHERE id = $1
        RETURNING id
      ), coll AS (
        UPDATE artifact_collection c SET updated = now() FROM upd WHERE c.latest_id = upd.id RETURNING c.id
      )
      SELECT (SELECT count(*) FROM upd) AS n, (SELECT count(*) FROM coll) AS collections""";

  /** True when the artifact exists. */
  public static Future<Boolean> update(SqlClient c, UUID id, boolean setData, JsonNode data, boolean setDescription,
      String description, boolean setMetadata, Map<String, String> metadata) {
    return c.preparedQuery(UPDATE)
        .execute(Tuple.from(new Object[] {id, setData, setData ? JsonCodec.write(data) : null, setDescription,
            description, setMetadata, setMetadata ? metadata(metadata) : null}))
        .map(rows -> rows.iterator().next().getLong("n") > 0);
  }

  // ---- delete --------------------------------------------------------------------------------

  /** A version being deleted: its key (null: keyless), locked. */
  public record Doomed(String key) {}

  static final String LOCK_ARTIFACT = "SELECT key FROM artifact WHERE id = $1 FOR UPDATE";

  /** Locks the artifact; null when there is none. */
  public static Future<Doomed> lock(SqlClient c, UUID id) {
    return c.preparedQuery(LOCK_ARTIFACT).execute(Tuple.of(id))
        .map(FlowRepository.first(r -> new Doomed(r.getString("key"))));
  }

  /** A key's collection row: its id and latest version. */
  public record Collection(UUID id, UUID latestId) {}

  static final String LOCK_COLLECTION = "SELECT id, latest_id FROM artifact_collection WHERE key = $1 FOR UPDATE";

  /**
   * Locks the key's collection row (waiting for any writer of the key); null when the key has none.
   * Statements after this one see every version committed before the lock was granted.
   */
  public static Future<Collection> lockCollection(SqlClient c, String key) {
    return c.preparedQuery(LOCK_COLLECTION).execute(Tuple.of(key))
        .map(FlowRepository.first(r -> new Collection(r.getUUID("id"), r.getUUID("latest_id"))));
  }

  static final String DELETE = "DELETE FROM artifact WHERE id = $1";

  /** Deletes a version that is not its key's latest (or a keyless artifact). True when it existed. */
  public static Future<Boolean> delete(SqlClient c, UUID id) {
    return c.preparedQuery(DELETE).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  /**
   * Deletes {@code $1}, the latest version of key {@code $4} whose collection {@code $2} the caller
   * has locked (so no other version of the key is being written, and this statement sees every
   * committed one): the collection now names the newest other version, taking its times as Prefect
   * does, and emits {@code .updated}; with no other version the collection goes, emitting
   * {@code .deleted} about the version deleted. {@code $3} event id. (Every part of one statement
   * reads the table as it was before the statement.)
   */
  static final String DELETE_LATEST = """
      WITH nxt AS (
        SELECT a.id, a.created, a.updated FROM artifact a
         WHERE a.key = $4::text AND a.id <> $1::uuid
         ORDER BY a.created DESC, a.id DESC LIMIT 1
      ), repointed AS (
        UPDATE artifact_collection c SET latest_id = nxt.id, created = nxt.created, updated = nxt.updated
          FROM nxt WHERE c.id = $2::uuid
        RETURNING c.id, c.latest_id
      ), removed AS (
        DELETE FROM artifact_collection c WHERE c.id = $2::uuid AND NOT EXISTS (SELECT 1 FROM nxt)
        RETURNING c.id
      ), gone AS (
        DELETE FROM artifact WHERE id = $1::uuid RETURNING id
      ), ev AS (""" + EVENT_INSERT.formatted("""
          (SELECT $3::uuid AS event_id, clock_timestamp() AS occurred, repointed.id AS coll_id,
                  'prefect.artifact-collection.updated' AS event, repointed.latest_id AS art_id FROM repointed
           UNION ALL
           SELECT $3::uuid, clock_timestamp(), removed.id, 'prefect.artifact-collection.deleted', $1::uuid
             FROM removed) x
          JOIN artifact art ON art.id = x.art_id""") + """
      )
      SELECT (SELECT count(*) FROM gone) AS n,""" + " " + ANNOUNCE;

  /** See {@link #DELETE_LATEST}; true when the version existed. */
  public static Future<Boolean> deleteLatest(SqlClient c, UUID id, String key, UUID collectionId, UUID eventId) {
    return c.preparedQuery(DELETE_LATEST).execute(Tuple.of(id, collectionId, eventId, key))
        .map(rows -> rows.iterator().next().getLong("n") > 0);
  }

  // ---- rows ----------------------------------------------------------------------------------

  static Artifact artifact(Row r) {
    return new Artifact(r.getUUID("id"), Rows.instant(r, "created"), Rows.instant(r, "updated"), r.getString("key"),
        r.getString("type"), r.getString("description"), JsonCodec.read(r.getString("data")),
        readMetadata(r.getString("metadata_")), r.getUUID("flow_run_id"), r.getUUID("task_run_id"));
  }

  private static String metadata(Map<String, String> m) {
    if (m == null) {
      return null;
    }
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    m.forEach(o::put);
    return JsonCodec.write(o);
  }

  private static Map<String, String> readMetadata(String text) {
    JsonNode n = JsonCodec.read(text);
    if (n == null || !n.isObject()) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }
}
