package dev.baton.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Blocks.BlockDocument;
import dev.baton.domain.Blocks.BlockSchema;
import dev.baton.domain.Blocks.BlockType;
import dev.baton.domain.Blocks.DocumentReference;
import dev.baton.domain.Blocks.SchemaReference;
import dev.baton.filter.BlockFilters.DocumentFilter;
import dev.baton.filter.BlockFilters.DocumentSort;
import dev.baton.filter.BlockFilters.SchemaFilter;
import dev.baton.filter.BlockFilters.TypeFilter;
import dev.baton.filter.Filters.Op;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Block types, block schemas (and the references between nested schemas), block documents (and the
 * references between documents) and the {@code configuration} values, as rows. Document data
 * travels encrypted: this class never sees it in clear.
 */
public final class BlockStore {
  private BlockStore() {}

  // ---- block types -----------------------------------------------------------------------------

  static final String TYPE_COLUMNS = "t.id AS t_id, t.created AS t_created, t.updated AS t_updated, t.name AS t_name,"
      + " t.slug AS t_slug, t.logo_url AS t_logo_url, t.documentation_url AS t_documentation_url,"
      + " t.description AS t_description, t.code_example AS t_code_example, t.is_protected AS t_is_protected";

  static BlockType type(Row r) {
    return new BlockType(r.getUUID("t_id"), Rows.instant(r, "t_created"), Rows.instant(r, "t_updated"),
        r.getString("t_name"), r.getString("t_slug"), r.getString("t_logo_url"), r.getString("t_documentation_url"),
        r.getString("t_description"), r.getString("t_code_example"), r.getBoolean("t_is_protected"));
  }

  static final String INSERT_TYPE = """
      INSERT INTO block_type AS t (id, name, slug, logo_url, documentation_url, description, code_example, is_protected)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      ON CONFLICT (slug) DO NOTHING
      RETURNING """ + " " + TYPE_COLUMNS;

  /** The new type, or null when its slug is taken. */
  public static Future<BlockType> insertType(SqlClient c, BlockType t) {
    return c.preparedQuery(INSERT_TYPE).execute(typeTuple(t)).map(FlowRepository.first(BlockStore::type));
  }

  private static Tuple typeTuple(BlockType t) {
    return Tuple.tuple(List.of(t.id(), t.name(), t.slug())).addValue(t.logoUrl()).addValue(t.documentationUrl())
        .addValue(t.description()).addValue(t.codeExample()).addBoolean(t.isProtected());
  }

  static final String UPSERT_TYPE = """
      INSERT INTO block_type AS t (id, name, slug, logo_url, documentation_url, description, code_example, is_protected)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, logo_url = EXCLUDED.logo_url,
          documentation_url = EXCLUDED.documentation_url, description = EXCLUDED.description,
          code_example = EXCLUDED.code_example, is_protected = EXCLUDED.is_protected, updated = now()
        WHERE (t.name, t.logo_url, t.documentation_url, t.description, t.code_example, t.is_protected)
          IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.logo_url, EXCLUDED.documentation_url, EXCLUDED.description,
                            EXCLUDED.code_example, EXCLUDED.is_protected)""";

  static final String UPSERT_TYPE_METADATA = """
      INSERT INTO block_type AS t (id, name, slug, logo_url, documentation_url, description, code_example, is_protected)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      ON CONFLICT (slug) DO UPDATE SET logo_url = EXCLUDED.logo_url, documentation_url = EXCLUDED.documentation_url,
          description = EXCLUDED.description, code_example = EXCLUDED.code_example, updated = now()
        WHERE (t.logo_url, t.documentation_url, t.description, t.code_example)
          IS DISTINCT FROM (EXCLUDED.logo_url, EXCLUDED.documentation_url, EXCLUDED.description, EXCLUDED.code_example)""";

  /**
   * A system type registered at start: created, or brought up to date when it differs — all of it
   * for a protected type (Prefect's override), else its metadata (Prefect's register_block_type).
   */
  public static Future<Void> upsertType(SqlClient c, BlockType t, boolean whole) {
    return c.preparedQuery(whole ? UPSERT_TYPE : UPSERT_TYPE_METADATA).execute(typeTuple(t)).mapEmpty();
  }

  static final String TYPE_BY_ID = "SELECT " + TYPE_COLUMNS + " FROM block_type t WHERE t.id = $1";
  static final String TYPE_BY_ID_LOCKED = TYPE_BY_ID + " FOR UPDATE";
  static final String TYPE_BY_SLUG = "SELECT " + TYPE_COLUMNS + " FROM block_type t WHERE t.slug = $1";

  public static Future<BlockType> type(SqlClient c, UUID id) {
    return c.preparedQuery(TYPE_BY_ID).execute(Tuple.of(id)).map(FlowRepository.first(BlockStore::type));
  }

  /** The type, its row locked for the transaction; null when absent. */
  public static Future<BlockType> typeLocked(SqlClient c, UUID id) {
    return c.preparedQuery(TYPE_BY_ID_LOCKED).execute(Tuple.of(id)).map(FlowRepository.first(BlockStore::type));
  }

  public static Future<BlockType> typeBySlug(SqlClient c, String slug) {
    return c.preparedQuery(TYPE_BY_SLUG).execute(Tuple.of(slug)).map(FlowRepository.first(BlockStore::type));
  }

  /** Types matching the filters, by name. */
  public static Future<List<BlockType>> types(SqlClient c, TypeFilter types, SchemaFilter schemas, int limit,
      int offset) {
    Where w = new Where();
    w.and(typeCondition(types, "t", w));
    if (schemas != null) {
      w.and("EXISTS (SELECT 1 FROM block_schema s WHERE s.block_type_id = t.id AND "
          + schemaCondition(schemas, "s", w) + ")");
    }
    String sql = "SELECT " + TYPE_COLUMNS + " FROM block_type t WHERE " + w.sql()
        + " ORDER BY t.name COLLATE \"C\", t.id LIMIT " + w.param(limit) + " OFFSET " + w.param(offset);
    return c.preparedQuery(sql).execute(Tuple.tuple(w.params)).map(rows -> {
      List<BlockType> out = new ArrayList<>();
      rows.forEach(r -> out.add(type(r)));
      return out;
    });
  }

  /** Sets the given columns (raw values); true when the type exists. */
  public static Future<Boolean> updateType(SqlClient c, UUID id, Map<String, String> present) {
    if (present.isEmpty()) {
      return Future.succeededFuture(true);
    }
    List<Object> params = new ArrayList<>();
    params.add(id);
    StringBuilder set = new StringBuilder("updated = now()");
    for (Map.Entry<String, String> e : present.entrySet()) {
      if (!TYPE_UPDATABLE.contains(e.getKey())) {
        throw new IllegalArgumentException(e.getKey());
      }
      params.add(e.getValue());
      set.append(", ").append(e.getKey()).append(" = $").append(params.size()).append("::text");
    }
    return c.preparedQuery("UPDATE block_type SET " + set + " WHERE id = $1").execute(Tuple.tuple(params))
        .map(rows -> rows.rowCount() > 0);
  }

  private static final List<String> TYPE_UPDATABLE = List.of("logo_url", "documentation_url", "description",
      "code_example");

  static final String DELETE_TYPE = "DELETE FROM block_type WHERE id = $1";

  /** True when the type existed; its schemas and documents go with it. */
  public static Future<Boolean> deleteType(SqlClient c, UUID id) {
    return c.preparedQuery(DELETE_TYPE).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  // ---- block schemas ---------------------------------------------------------------------------

  static final String SCHEMA_COLUMNS = "s.id AS s_id, s.created AS s_created, s.updated AS s_updated,"
      + " s.checksum AS s_checksum, s.fields::text AS s_fields, s.capabilities::text AS s_capabilities,"
      + " s.version AS s_version, s.block_type_id AS s_block_type_id";

  static BlockSchema schema(Row r) {
    return new BlockSchema(r.getUUID("s_id"), Rows.instant(r, "s_created"), Rows.instant(r, "s_updated"),
        r.getString("s_checksum"), JsonCodec.readObject(r.getString("s_fields")),
        JsonCodec.readStrings(r.getString("s_capabilities")), r.getString("s_version"), r.getUUID("s_block_type_id"));
  }

  static final String INSERT_SCHEMA = """
      INSERT INTO block_schema AS s (id, checksum, fields, capabilities, version, block_type_id)
      VALUES ($1, $2, $3::text::jsonb, $4::text::jsonb, $5, $6)
      ON CONFLICT (checksum, version) DO NOTHING
      RETURNING """ + " " + SCHEMA_COLUMNS;

  /** The new schema, or null when one with its checksum and version exists. */
  public static Future<BlockSchema> insertSchema(SqlClient c, UUID id, String checksum, ObjectNode fields,
      List<String> capabilities, String version, UUID blockTypeId) {
    return c.preparedQuery(INSERT_SCHEMA)
        .execute(Tuple.of(id, checksum, JsonCodec.write(fields), JsonCodec.writeStrings(capabilities), version,
            blockTypeId))
        .map(FlowRepository.first(BlockStore::schema));
  }

  static final String SCHEMA_BY_CHECKSUM = "SELECT " + SCHEMA_COLUMNS + " FROM block_schema s WHERE s.checksum = $1"
      + " AND ($2::text IS NULL OR s.version = $2) ORDER BY s.created DESC, s.id DESC LIMIT 1";

  /** The newest schema with that checksum (and version, when given), or null. */
  public static Future<BlockSchema> schemaByChecksum(SqlClient c, String checksum, String version) {
    return c.preparedQuery(SCHEMA_BY_CHECKSUM).execute(Tuple.of(checksum, version))
        .map(FlowRepository.first(BlockStore::schema));
  }

  static final String SCHEMA_BY_ID = "SELECT " + SCHEMA_COLUMNS + " FROM block_schema s WHERE s.id = $1";

  public static Future<BlockSchema> schema(SqlClient c, UUID id) {
    return c.preparedQuery(SCHEMA_BY_ID).execute(Tuple.of(id)).map(FlowRepository.first(BlockStore::schema));
  }

  /** Ids of the schemas matching the filter, newest first. */
  public static Future<List<UUID>> schemaIds(SqlClient c, SchemaFilter filter, int limit, int offset) {
    Where w = new Where();
    if (filter != null) {
      w.and(schemaCondition(filter, "s", w));
    }
    String sql = "SELECT s.id FROM block_schema s WHERE " + w.sql() + " ORDER BY s.created DESC, s.id DESC LIMIT "
        + w.param(limit) + " OFFSET " + w.param(offset);
    return c.preparedQuery(sql).execute(Tuple.tuple(w.params)).map(BlockStore::ids);
  }

  static final String SCHEMA_REFERENCE_CLOSURE = """
      WITH RECURSIVE refs AS (
        SELECT r.parent_block_schema_id, r.name, r.reference_block_schema_id
          FROM block_schema_reference r WHERE r.parent_block_schema_id = ANY($1::uuid[])
        UNION
        SELECT r.parent_block_schema_id, r.name, r.reference_block_schema_id
          FROM block_schema_reference r JOIN refs ON r.parent_block_schema_id = refs.reference_block_schema_id)
      SELECT parent_block_schema_id, name, reference_block_schema_id FROM refs
       ORDER BY parent_block_schema_id, name, reference_block_schema_id""";

  /** Every reference reachable from the schemas {@code ids}. */
  public static Future<List<SchemaReference>> schemaReferenceClosure(SqlClient c, List<UUID> ids) {
    return c.preparedQuery(SCHEMA_REFERENCE_CLOSURE).execute(Tuple.of(ids.toArray(new UUID[0]))).map(rows -> {
      List<SchemaReference> out = new ArrayList<>();
      rows.forEach(r -> out.add(new SchemaReference(r.getUUID(0), r.getString(1), r.getUUID(2))));
      return out;
    });
  }

  static final String SCHEMAS_WITH_TYPES = "SELECT " + SCHEMA_COLUMNS + ", " + TYPE_COLUMNS
      + " FROM block_schema s JOIN block_type t ON t.id = s.block_type_id WHERE s.id = ANY($1::uuid[])";

  /** The schemas {@code ids} and their types. */
  public static Future<List<Object[]>> schemasWithTypes(SqlClient c, List<UUID> ids) {
    return c.preparedQuery(SCHEMAS_WITH_TYPES).execute(Tuple.of(ids.toArray(new UUID[0]))).map(rows -> {
      List<Object[]> out = new ArrayList<>();
      rows.forEach(r -> out.add(new Object[] {schema(r), type(r)}));
      return out;
    });
  }

  static final String INSERT_SCHEMA_REFERENCE = """
      INSERT INTO block_schema_reference (id, name, parent_block_schema_id, reference_block_schema_id)
      VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING""";

  public static Future<Void> insertSchemaReference(SqlClient c, UUID id, SchemaReference r) {
    return c.preparedQuery(INSERT_SCHEMA_REFERENCE).execute(Tuple.of(id, r.name(), r.parentId(), r.referenceId()))
        .mapEmpty();
  }

  static final String CAPABILITIES = "SELECT DISTINCT c FROM block_schema, jsonb_array_elements_text(capabilities) c"
      + " ORDER BY c";

  public static Future<List<String>> capabilities(SqlClient c) {
    return c.query(CAPABILITIES).execute().map(rows -> {
      List<String> out = new ArrayList<>();
      rows.forEach(r -> out.add(r.getString(0)));
      return out;
    });
  }

  static final String DELETE_SCHEMA = "DELETE FROM block_schema WHERE id = $1";

  /** True when the schema existed; its documents go with it. */
  public static Future<Boolean> deleteSchema(SqlClient c, UUID id) {
    return c.preparedQuery(DELETE_SCHEMA).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  // ---- block documents -------------------------------------------------------------------------

  static final String DOCUMENT_COLUMNS = "d.id AS d_id, d.created AS d_created, d.updated AS d_updated,"
      + " d.name AS d_name, d.data::text AS d_data, d.is_anonymous AS d_is_anonymous,"
      + " d.block_type_name AS d_block_type_name, d.block_type_id AS d_block_type_id,"
      + " d.block_schema_id AS d_block_schema_id";

  static BlockDocument document(Row r) {
    return new BlockDocument(r.getUUID("d_id"), Rows.instant(r, "d_created"), Rows.instant(r, "d_updated"),
        r.getString("d_name"), JsonCodec.read(r.getString("d_data")), r.getBoolean("d_is_anonymous"),
        r.getString("d_block_type_name"), r.getUUID("d_block_type_id"), r.getUUID("d_block_schema_id"));
  }

  static final String INSERT_DOCUMENT = """
      INSERT INTO block_document (id, name, data, is_anonymous, block_type_name, block_type_id, block_schema_id)
      VALUES ($1, $2, $3::text::jsonb, $4, $5, $6, $7)
      ON CONFLICT (block_type_id, name) DO NOTHING
      RETURNING id""";

  /** True when inserted; false when the type already has a document of that name. */
  public static Future<Boolean> insertDocument(SqlClient c, UUID id, String name, JsonNode encrypted,
      boolean anonymous, String typeName, UUID typeId, UUID schemaId) {
    return c.preparedQuery(INSERT_DOCUMENT)
        .execute(Tuple.of(id, name, JsonCodec.write(encrypted), anonymous, typeName, typeId, schemaId))
        .map(rows -> rows.size() > 0);
  }

  static final String DOCUMENT_LOCKED = "SELECT " + DOCUMENT_COLUMNS + " FROM block_document d WHERE d.id = $1 FOR UPDATE";

  /** The document, its row locked for the transaction; null when absent. */
  public static Future<BlockDocument> documentLocked(SqlClient c, UUID id) {
    return c.preparedQuery(DOCUMENT_LOCKED).execute(Tuple.of(id)).map(FlowRepository.first(BlockStore::document));
  }

  static final String UPDATE_DOCUMENT = "UPDATE block_document SET data = $2::text::jsonb,"
      + " block_schema_id = coalesce($3, block_schema_id), updated = now() WHERE id = $1";

  public static Future<Void> updateDocument(SqlClient c, UUID id, JsonNode encrypted, UUID schemaId) {
    return c.preparedQuery(UPDATE_DOCUMENT).execute(Tuple.of(id, JsonCodec.write(encrypted), schemaId)).mapEmpty();
  }

  static final String DELETE_DOCUMENT = "DELETE FROM block_document WHERE id = $1";

  /** True when the document existed; references from and to it go with it. */
  public static Future<Boolean> deleteDocument(SqlClient c, UUID id) {
    return c.preparedQuery(DELETE_DOCUMENT).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  /** Ids of the documents matching the filters, in {@code sort} order; {@code limit} null: all. */
  public static Future<List<UUID>> documentIds(SqlClient c, DocumentFilter documents, TypeFilter types,
      SchemaFilter schemas, DocumentSort sort, Integer limit, int offset) {
    Where w = documentWhere(documents, types, schemas);
    String sql = "SELECT d.id FROM block_document d WHERE " + w.sql() + " ORDER BY " + orderBy(sort)
        + (limit == null ? "" : " LIMIT " + w.param(limit)) + " OFFSET " + w.param(offset);
    return c.preparedQuery(sql).execute(Tuple.tuple(w.params)).map(BlockStore::ids);
  }

  public static Future<Long> countDocuments(SqlClient c, DocumentFilter documents, TypeFilter types,
      SchemaFilter schemas) {
    Where w = documentWhere(documents, types, schemas);
    return c.preparedQuery("SELECT count(*) FROM block_document d WHERE " + w.sql()).execute(Tuple.tuple(w.params))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  static final String DOCUMENT_BY_NAME = """
      SELECT d.id FROM block_document d JOIN block_type t ON t.id = d.block_type_id
       WHERE t.slug = $1 AND d.name = $2""";

  /** The id of the document named {@code name} of the type {@code slug}, or null. */
  public static Future<UUID> documentIdByName(SqlClient c, String slug, String name) {
    return c.preparedQuery(DOCUMENT_BY_NAME).execute(Tuple.of(slug, name))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID(0));
  }

  private static String orderBy(DocumentSort sort) {
    return switch (sort) {
      case NAME_DESC -> "d.name COLLATE \"C\" DESC, d.id DESC";
      case NAME_ASC -> "d.name COLLATE \"C\", d.id";
      case BLOCK_TYPE_AND_NAME_ASC -> "d.block_type_name COLLATE \"C\", d.name COLLATE \"C\", d.id";
    };
  }

  private static Where documentWhere(DocumentFilter documents, TypeFilter types, SchemaFilter schemas) {
    Where w = new Where();
    if (documents != null) {
      w.and(documentCondition(documents, w));
    }
    if (types != null) {
      w.and("EXISTS (SELECT 1 FROM block_type t WHERE t.id = d.block_type_id AND " + typeCondition(types, "t", w) + ")");
    }
    if (schemas != null) {
      w.and("EXISTS (SELECT 1 FROM block_schema s WHERE s.id = d.block_schema_id AND "
          + schemaCondition(schemas, "s", w) + ")");
    }
    return w;
  }

  static final String DOCUMENT_REFERENCE_CLOSURE = """
      WITH RECURSIVE refs AS (
        SELECT r.id, r.parent_block_document_id, r.name, r.reference_block_document_id
          FROM block_document_reference r WHERE r.parent_block_document_id = ANY($1::uuid[])
        UNION
        SELECT r.id, r.parent_block_document_id, r.name, r.reference_block_document_id
          FROM block_document_reference r JOIN refs ON r.parent_block_document_id = refs.reference_block_document_id)
      SELECT id, parent_block_document_id, name, reference_block_document_id FROM refs ORDER BY name, id""";

  /** Every reference reachable from the documents {@code ids}. */
  public static Future<List<DocumentReference>> documentReferenceClosure(SqlClient c, List<UUID> ids) {
    return c.preparedQuery(DOCUMENT_REFERENCE_CLOSURE).execute(Tuple.of(ids.toArray(new UUID[0]))).map(rows -> {
      List<DocumentReference> out = new ArrayList<>();
      rows.forEach(r -> out.add(new DocumentReference(r.getUUID(0), r.getUUID(1), r.getString(2), r.getUUID(3))));
      return out;
    });
  }

  static final String DOCUMENTS_WITH_TYPES = "SELECT " + DOCUMENT_COLUMNS + ", " + TYPE_COLUMNS
      + " FROM block_document d JOIN block_type t ON t.id = d.block_type_id WHERE d.id = ANY($1::uuid[])";

  /** The documents {@code ids} with their types, by id. */
  public static Future<Map<UUID, Object[]>> documentsWithTypes(SqlClient c, List<UUID> ids) {
    return c.preparedQuery(DOCUMENTS_WITH_TYPES).execute(Tuple.of(ids.toArray(new UUID[0]))).map(rows -> {
      Map<UUID, Object[]> out = new LinkedHashMap<>();
      rows.forEach(r -> out.put(r.getUUID("d_id"), new Object[] {document(r), type(r)}));
      return out;
    });
  }

  static final String INSERT_DOCUMENT_REFERENCE = """
      INSERT INTO block_document_reference (id, name, parent_block_document_id, reference_block_document_id)
      VALUES ($1, $2, $3, $4)""";

  public static Future<Void> insertDocumentReference(SqlClient c, DocumentReference r) {
    return c.preparedQuery(INSERT_DOCUMENT_REFERENCE).execute(Tuple.of(r.id(), r.name(), r.parentId(), r.referenceId()))
        .mapEmpty();
  }

  static final String DELETE_DOCUMENT_REFERENCE = "DELETE FROM block_document_reference WHERE id = $1";

  public static Future<Void> deleteDocumentReference(SqlClient c, UUID id) {
    return c.preparedQuery(DELETE_DOCUMENT_REFERENCE).execute(Tuple.of(id)).mapEmpty();
  }

  static final String DOCUMENT_REFERENCES = "SELECT id, parent_block_document_id, name, reference_block_document_id"
      + " FROM block_document_reference WHERE parent_block_document_id = $1 ORDER BY name";

  /** The references a document holds. */
  public static Future<List<DocumentReference>> documentReferences(SqlClient c, UUID parent) {
    return c.preparedQuery(DOCUMENT_REFERENCES).execute(Tuple.of(parent)).map(rows -> {
      List<DocumentReference> out = new ArrayList<>();
      rows.forEach(r -> out.add(new DocumentReference(r.getUUID(0), r.getUUID(1), r.getString(2), r.getUUID(3))));
      return out;
    });
  }

  static final String REACHES = """
      WITH RECURSIVE reach AS (
        SELECT unnest($1::uuid[]) AS id
        UNION
        SELECT r.reference_block_document_id FROM block_document_reference r JOIN reach ON r.parent_block_document_id = reach.id)
      SELECT EXISTS (SELECT 1 FROM reach WHERE id = $2)""";

  /** Whether {@code target} is one of {@code from} or reachable from them along references. */
  public static Future<Boolean> reaches(SqlClient c, List<UUID> from, UUID target) {
    return c.preparedQuery(REACHES).execute(Tuple.of(from.toArray(new UUID[0]), target))
        .map(rows -> rows.iterator().next().getBoolean(0));
  }

  static final String EXISTING_DOCUMENTS = "SELECT id FROM block_document WHERE id = ANY($1::uuid[]) FOR KEY SHARE";

  /** Which of {@code ids} exist (locked against deletion for the transaction). */
  public static Future<List<UUID>> existingDocuments(SqlClient c, List<UUID> ids) {
    return c.preparedQuery(EXISTING_DOCUMENTS).execute(Tuple.of(ids.toArray(new UUID[0]))).map(BlockStore::ids);
  }

  /** Serializes transactions that add document references (so two cannot close a cycle together). */
  public static Future<Void> lockReferenceGraph(SqlClient c) {
    return c.query("SELECT pg_advisory_xact_lock(hashtext('baton.block_document_reference'))").execute().mapEmpty();
  }

  // ---- configuration ---------------------------------------------------------------------------

  static final String CONFIG_GET = "SELECT value::text FROM configuration WHERE key = $1";

  /** The configuration value under {@code key}, or null. */
  public static Future<JsonNode> config(SqlClient c, String key) {
    return c.preparedQuery(CONFIG_GET).execute(Tuple.of(key))
        .map(rows -> rows.size() == 0 ? null : JsonCodec.read(rows.iterator().next().getString(0)));
  }

  static final String CONFIG_PUT = """
      INSERT INTO configuration (key, value) VALUES ($1, $2::text::jsonb)
      ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated = now()""";

  public static Future<Void> putConfig(SqlClient c, String key, JsonNode value) {
    return c.preparedQuery(CONFIG_PUT).execute(Tuple.of(key, JsonCodec.write(value))).mapEmpty();
  }

  static final String CONFIG_PUT_IF_ABSENT = """
      WITH ins AS (INSERT INTO configuration (key, value) VALUES ($1, $2::text::jsonb)
                   ON CONFLICT (key) DO NOTHING RETURNING value)
      SELECT value::text FROM ins UNION ALL SELECT value::text FROM configuration WHERE key = $1
       AND NOT EXISTS (SELECT 1 FROM ins)""";

  /** Stores {@code value} unless {@code key} has one; returns the value that holds. */
  public static Future<JsonNode> putConfigIfAbsent(SqlClient c, String key, JsonNode value) {
    return c.preparedQuery(CONFIG_PUT_IF_ABSENT).execute(Tuple.of(key, JsonCodec.write(value)))
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture(JsonCodec.read(rows.iterator().next().getString(0)))
            : config(c, key)); // inserted by a transaction that committed after this statement began
  }

  static final String CONFIG_DELETE = "DELETE FROM configuration WHERE key = $1";

  public static Future<Void> deleteConfig(SqlClient c, String key) {
    return c.preparedQuery(CONFIG_DELETE).execute(Tuple.of(key)).mapEmpty();
  }

  static final String CLEAR_DANGLING_STORAGE = """
      DELETE FROM configuration c WHERE c.key = $1 AND NOT EXISTS (
        SELECT 1 FROM block_document d WHERE d.id::text = c.value->>'default_result_storage_block_id')""";

  /** Removes the default result storage setting when the document it names is gone. */
  public static Future<Void> clearDanglingStorage(SqlClient c, String key) {
    return c.preparedQuery(CLEAR_DANGLING_STORAGE).execute(Tuple.of(key)).mapEmpty();
  }

  // ---- filter SQL ------------------------------------------------------------------------------

  private static List<UUID> ids(io.vertx.sqlclient.RowSet<Row> rows) {
    List<UUID> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.getUUID(0)));
    return out;
  }

  /** A condition being built with its parameters ({@code $1..}). */
  private static final class Where {
    final List<Object> params = new ArrayList<>();
    private final List<String> parts = new ArrayList<>();

    String param(Object v) {
      params.add(v);
      return "$" + params.size();
    }

    void and(String condition) {
      parts.add(condition);
    }

    String sql() {
      return parts.isEmpty() ? "TRUE" : "(" + String.join(") AND (", parts) + ")";
    }
  }

  /** The conditions of one criterion object, AND-ed; TRUE when it has none. */
  private static String all(List<String> conds) {
    return conds.isEmpty() ? "TRUE" : "(" + String.join(" AND ", conds) + ")";
  }

  private static String combine(Op op, List<String> criteria) {
    return criteria.isEmpty() ? "TRUE" : "(" + String.join(op == Op.OR ? " OR " : " AND ", criteria) + ")";
  }

  private static String typeCondition(TypeFilter f, String t, Where w) {
    if (f == null) {
      return "TRUE";
    }
    List<String> conds = new ArrayList<>();
    if (f.nameLike() != null && !f.nameLike().isEmpty()) {
      conds.add(t + ".name ILIKE '%' || " + w.param(f.nameLike()) + "::text || '%'");
    }
    if (f.slugAny() != null) {
      conds.add(t + ".slug = ANY(" + w.param(f.slugAny().toArray(new String[0])) + "::text[])");
    }
    return all(conds);
  }

  static String schemaCondition(SchemaFilter f, String s, Where w) {
    List<String> criteria = new ArrayList<>();
    if (f.hasBlockTypeId()) {
      criteria.add(f.blockTypeIdAny() == null ? "TRUE"
          : s + ".block_type_id = ANY(" + w.param(f.blockTypeIdAny().toArray(new UUID[0])) + "::uuid[])");
    }
    if (f.hasCapabilities()) {
      criteria.add(f.capabilitiesAll() == null || f.capabilitiesAll().isEmpty() ? "TRUE"
          : s + ".capabilities @> " + w.param(JsonCodec.writeStrings(f.capabilitiesAll())) + "::text::jsonb");
    }
    if (f.hasId()) {
      criteria.add(f.idAny() == null ? "TRUE" : s + ".id = ANY(" + w.param(f.idAny().toArray(new UUID[0])) + "::uuid[])");
    }
    if (f.hasVersion()) {
      criteria.add(f.versionAny() == null ? "TRUE"
          : s + ".version = ANY(" + w.param(f.versionAny().toArray(new String[0])) + "::text[])");
    }
    return combine(f.operator(), criteria);
  }

  private static String documentCondition(DocumentFilter f, Where w) {
    List<String> criteria = new ArrayList<>();
    if (f.hasId()) {
      criteria.add(f.idAny() == null ? "TRUE" : "d.id = ANY(" + w.param(f.idAny().toArray(new UUID[0])) + "::uuid[])");
    }
    if (f.hasIsAnonymous()) {
      criteria.add(f.isAnonymous() == null ? "TRUE" : "d.is_anonymous = " + w.param(f.isAnonymous()) + "::boolean");
    }
    if (f.hasBlockTypeId()) {
      criteria.add(f.blockTypeIdAny() == null ? "TRUE"
          : "d.block_type_id = ANY(" + w.param(f.blockTypeIdAny().toArray(new UUID[0])) + "::uuid[])");
    }
    if (f.hasName()) {
      List<String> conds = new ArrayList<>();
      if (f.nameAny() != null) {
        conds.add("d.name = ANY(" + w.param(f.nameAny().toArray(new String[0])) + "::text[])");
      }
      if (f.nameLike() != null && !f.nameLike().isEmpty()) {
        conds.add("d.name ILIKE '%' || " + w.param(f.nameLike()) + "::text || '%'");
      }
      criteria.add(all(conds));
    }
    return combine(f.operator(), criteria);
  }
}
