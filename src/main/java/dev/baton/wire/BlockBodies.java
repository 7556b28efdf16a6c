package dev.baton.wire;

import static dev.baton.wire.Types.BOOL;
import static dev.baton.wire.Types.OBJECT;
import static dev.baton.wire.Types.STR;
import static dev.baton.wire.Types.UUID_T;
import static dev.baton.wire.Types.enumOf;
import static dev.baton.wire.Types.literal;
import static dev.baton.wire.Types.range;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Blocks.BlockDocumentCreate;
import dev.baton.domain.Blocks.BlockDocumentUpdate;
import dev.baton.domain.Blocks.BlockSchemaCreate;
import dev.baton.domain.Blocks.BlockTypeCreate;
import dev.baton.domain.Blocks.BlockTypeUpdate;
import dev.baton.filter.BlockFilters.DocumentFilter;
import dev.baton.filter.BlockFilters.DocumentQuery;
import dev.baton.filter.BlockFilters.DocumentSort;
import dev.baton.filter.BlockFilters.SchemaFilter;
import dev.baton.filter.BlockFilters.SchemaQuery;
import dev.baton.filter.BlockFilters.TypeFilter;
import dev.baton.filter.BlockFilters.TypeQuery;
import dev.baton.filter.Filters.Op;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The block bodies as Prefect's server validates them (schemas/actions.py, filters.py): block
 * types, schemas, documents, their filters, and {@code PUT /admin/storage}.
 */
public final class BlockBodies {
  private BlockBodies() {}

  /** The schema version Prefect gives a schema created without one. */
  public static final String DEFAULT_SCHEMA_VERSION = "non-versioned";

  private static final String NAME_PATTERN = "^[^/%&><]+$";
  private static final Pattern NAME_RE = Pattern.compile("[^/%&><]+");
  private static final Pattern SLUG_RE = Pattern.compile("[a-z0-9-]*");

  /** Prefect's {@code Name}: a str matching {@code ^[^/%&><]+$} (pydantic string_pattern_mismatch). */
  static final Type<String> NAME = (n, c) -> {
    String s = Types.STR.decode(n, c);
    if (s == null) {
      return null;
    }
    if (!NAME_RE.matcher(s).matches()) {
      c.error("string_pattern_mismatch", "String should match pattern '" + NAME_PATTERN + "'", n,
          Ctx.ctx("pattern", NAME_PATTERN));
      return null;
    }
    return s;
  };

  /** Lowercase letters, numbers and dashes only (Prefect's after-validator), named {@code what}. */
  private static Type<String> dashed(Type<String> base, String what) {
    return base.check(s -> SLUG_RE.matcher(s).matches() ? null
        : what + " must only contain lowercase letters, numbers, and dashes.");
  }

  private static final Type<String> NSTR = STR.nullable();
  private static final Type<List<String>> STRS = Types.list(STR);
  private static final Type<List<UUID>> UUIDS = Types.list(UUID_T);

  // ---- block types -----------------------------------------------------------------------------

  private static String stripped(String url) {
    return url == null ? null : url.strip();
  }

  static final Model<BlockTypeCreate> TYPE_CREATE = Model.<BlockTypeCreate>forbid("BlockTypeCreate")
      .req("name", NAME)
      .req("slug", dashed(STR, "Block type slug"))
      .opt("logo_url", NSTR)
      .opt("documentation_url", NSTR)
      .opt("description", NSTR)
      .opt("code_example", NSTR)
      .build(v -> new BlockTypeCreate(v.get("name"), v.get("slug"), stripped(v.get("logo_url")),
          stripped(v.get("documentation_url")), v.get("description"), v.get("code_example")));

  private static final String[] TYPE_UPDATABLE = {"logo_url", "documentation_url", "description", "code_example"};

  static final Model<BlockTypeUpdate> TYPE_UPDATE = Model.<BlockTypeUpdate>forbid("BlockTypeUpdate")
      .opt("logo_url", NSTR)
      .opt("documentation_url", NSTR)
      .opt("description", NSTR)
      .opt("code_example", NSTR)
      .build(v -> {
        Map<String, String> present = new LinkedHashMap<>();
        for (String k : TYPE_UPDATABLE) {
          if (v.has(k)) {
            present.put(k, v.get(k));
          }
        }
        return new BlockTypeUpdate(present);
      });

  public static Decoded<BlockTypeCreate> typeCreate(JsonNode body) {
    return TYPE_CREATE.decodeBody(body);
  }

  public static Decoded<BlockTypeUpdate> typeUpdate(JsonNode body) {
    return TYPE_UPDATE.decodeBody(body);
  }

  // ---- block schemas ---------------------------------------------------------------------------

  static final Model<BlockSchemaCreate> SCHEMA_CREATE = Model.<BlockSchemaCreate>forbid("BlockSchemaCreate")
      .opt("fields", OBJECT)
      .req("block_type_id", UUID_T)
      .opt("capabilities", STRS, List.of())
      .opt("version", STR, DEFAULT_SCHEMA_VERSION)
      .build(v -> new BlockSchemaCreate(v.get("fields", JsonNodeFactory.instance.objectNode()), v.get("block_type_id"),
          v.get("capabilities"), v.get("version")));

  public static Decoded<BlockSchemaCreate> schemaCreate(JsonNode body) {
    return SCHEMA_CREATE.decodeBody(body);
  }

  // ---- block documents -------------------------------------------------------------------------

  private static final Type<String> DOCUMENT_NAME = dashed(NAME, "Block document name");

  static final Model<BlockDocumentCreate> DOCUMENT_CREATE = Model.<BlockDocumentCreate>forbid("BlockDocumentCreate")
      .opt("name", DOCUMENT_NAME.nullable())
      .opt("data", OBJECT)
      .req("block_schema_id", UUID_T)
      .req("block_type_id", UUID_T)
      .opt("is_anonymous", BOOL, false)
      .build(v -> new BlockDocumentCreate(v.get("name"), v.get("data", JsonNodeFactory.instance.objectNode()),
          v.get("block_schema_id"), v.get("block_type_id"), v.get("is_anonymous")));

  /**
   * BlockDocumentCreate: before any field is validated, a document that is not anonymous must have
   * a name (Prefect's model validator in "before" mode, which sees the raw values: Python truthiness).
   */
  public static Decoded<BlockDocumentCreate> documentCreate(JsonNode body) {
    if (body != null && body.isObject() && !truthy(body.get("is_anonymous")) && !truthy(body.get("name"))) {
      Ctx c = new Ctx("body");
      c.valueError("Names must be provided for block documents.", body);
      return Decoded.invalid(c.errors());
    }
    return DOCUMENT_CREATE.decodeBody(body);
  }

  static boolean truthy(JsonNode n) {
    return dev.baton.domain.Blocks.truthy(n);
  }

  static final Model<BlockDocumentUpdate> DOCUMENT_UPDATE = Model.<BlockDocumentUpdate>forbid("BlockDocumentUpdate")
      .opt("block_schema_id", UUID_T.nullable())
      .opt("data", OBJECT)
      .opt("merge_existing_data", BOOL, true)
      .build(v -> {
        boolean merge = v.get("merge_existing_data");
        ObjectNode data = v.get("data");
        // Prefect dumps the update without unset fields only when merging: a replace without data is {}
        if (data == null && !merge) {
          data = JsonNodeFactory.instance.objectNode();
        }
        return new BlockDocumentUpdate(v.get("block_schema_id"), data, merge);
      });

  public static Decoded<BlockDocumentUpdate> documentUpdate(JsonNode body) {
    return DOCUMENT_UPDATE.decodeBody(body);
  }

  /** A boolean query parameter ({@code null}: absent ⇒ {@code dflt}); a bad one is pydantic's bool_parsing at ["query", name]. */
  public static Decoded<Boolean> queryBool(String name, String raw, boolean dflt) {
    if (raw == null) {
      return Decoded.ok(dflt);
    }
    Ctx c = new Ctx("query");
    c.push(name);
    Boolean v = BOOL.decode(com.fasterxml.jackson.databind.node.TextNode.valueOf(raw), c);
    return c.ok() ? Decoded.ok(v) : Decoded.invalid(c.errors());
  }

  // ---- PUT /admin/storage ----------------------------------------------------------------------

  /** ServerDefaultResultStorageUpdate (extra keys ignored, as its base model does). */
  static final Model<UUID> STORAGE_UPDATE = Model.<UUID>ignore("ServerDefaultResultStorageUpdate")
      .req("default_result_storage_block_id", UUID_T)
      .build(v -> v.get("default_result_storage_block_id"));

  public static Decoded<UUID> storageUpdate(JsonNode body) {
    return STORAGE_UPDATE.decodeBody(body);
  }

  // ---- filters ---------------------------------------------------------------------------------

  private static final Type<Op> OP = literal("and_", "or_").map(s -> s.equals("or_") ? Op.OR : Op.AND);

  /** One criterion object: the values of its keys, present or not. */
  private record Crit(Map<String, Object> values) {
    @SuppressWarnings("unchecked")
    <T> T get(String k) {
      return (T) values.get(k);
    }
  }

  private static Model<Crit> crit(String name, Map<String, Type<?>> keys) {
    Model<Crit> m = Model.forbid(name);
    keys.forEach((k, t) -> m.opt(k, t.nullable()));
    return m.build(v -> {
      Map<String, Object> out = new LinkedHashMap<>();
      keys.keySet().forEach(k -> out.put(k, v.get(k)));
      return new Crit(out);
    });
  }

  static final Model<TypeFilter> TYPE_FILTER = Model.<TypeFilter>forbid("BlockTypeFilter")
      .opt("name", crit("BlockTypeFilterName", Map.of("like_", STR)).nullable())
      .opt("slug", crit("BlockTypeFilterSlug", Map.of("any_", STRS)).nullable())
      .build(v -> {
        Crit name = v.get("name");
        Crit slug = v.get("slug");
        return new TypeFilter(name == null ? null : name.get("like_"), slug == null ? null : slug.get("any_"));
      });

  static final Model<SchemaFilter> SCHEMA_FILTER = Model.<SchemaFilter>forbid("BlockSchemaFilter")
      .opt("operator", OP, Op.AND)
      .opt("block_type_id", crit("BlockSchemaFilterBlockTypeId", Map.of("any_", UUIDS)).nullable())
      .opt("block_capabilities", crit("BlockSchemaFilterCapabilities", Map.of("all_", STRS)).nullable())
      .opt("id", crit("BlockSchemaFilterId", Map.of("any_", UUIDS)).nullable())
      .opt("version", crit("BlockSchemaFilterVersion", Map.of("any_", STRS)).nullable())
      .build(v -> {
        Crit type = v.get("block_type_id");
        Crit caps = v.get("block_capabilities");
        Crit id = v.get("id");
        Crit version = v.get("version");
        return new SchemaFilter(v.get("operator"), type != null, type == null ? null : type.get("any_"),
            caps != null, caps == null ? null : caps.get("all_"), id != null, id == null ? null : id.get("any_"),
            version != null, version == null ? null : version.get("any_"));
      });

  private static final Model<Crit> IS_ANONYMOUS = crit("BlockDocumentFilterIsAnonymous", Map.of("eq_", BOOL));
  private static final Model<Crit> DOCUMENT_NAME_FILTER = crit("BlockDocumentFilterName",
      orderedMap("any_", STRS, "like_", STR));

  static final Model<DocumentFilter> DOCUMENT_FILTER = Model.<DocumentFilter>forbid("BlockDocumentFilter")
      .opt("operator", OP, Op.AND)
      .opt("id", crit("BlockDocumentFilterId", Map.of("any_", UUIDS)).nullable())
      .opt("is_anonymous", IS_ANONYMOUS.nullable())
      .opt("block_type_id", crit("BlockDocumentFilterBlockTypeId", Map.of("any_", UUIDS)).nullable())
      .opt("name", DOCUMENT_NAME_FILTER.nullable())
      .build(v -> {
        Crit id = v.get("id");
        // absent: Prefect's default eq_ = false; given as null: no criterion
        boolean anonGiven = v.has("is_anonymous");
        Crit anon = v.get("is_anonymous");
        Crit type = v.get("block_type_id");
        Crit name = v.get("name");
        return new DocumentFilter(v.get("operator"), id != null, id == null ? null : id.get("any_"),
            anonGiven ? anon != null : true, anonGiven ? (anon == null ? null : anon.get("eq_")) : Boolean.FALSE,
            type != null, type == null ? null : type.get("any_"), name != null,
            name == null ? null : name.get("any_"), name == null ? null : name.get("like_"));
      });

  private static Map<String, Type<?>> orderedMap(String k1, Type<?> t1, String k2, Type<?> t2) {
    Map<String, Type<?>> m = new LinkedHashMap<>();
    m.put(k1, t1);
    m.put(k2, t2);
    return m;
  }

  private record TypeRest(TypeFilter types, SchemaFilter schemas, int offset) {}

  private static final Model<TypeRest> TYPE_LIST = Model.<TypeRest>embedded("block_types")
      .opt("block_types", TYPE_FILTER)
      .opt("block_schemas", SCHEMA_FILTER)
      .opt("offset", range(Types.INT32, 0, null), 0)
      .build(v -> new TypeRest(v.get("block_types"), v.get("block_schemas"), v.get("offset", 0)));

  /** {@code POST /block_types/filter}: {@code {block_types, block_schemas, limit, offset}}. */
  public static Decoded<TypeQuery> typeQuery(JsonNode body, int maxLimit) {
    Ctx c = new Ctx("body");
    FilterBodies.Limit lim = FilterBodies.limit(body, maxLimit, c);
    if (lim.detail() != null) {
      return Decoded.detail(lim.detail());
    }
    TypeRest r = TYPE_LIST.decode(body, c);
    return c.ok() ? Decoded.ok(new TypeQuery(r.types(), r.schemas(), lim.value(), r.offset())) : Decoded.invalid(c.errors());
  }

  private record SchemaRest(SchemaFilter schemas, int offset) {}

  private static final Model<SchemaRest> SCHEMA_LIST = Model.<SchemaRest>embedded("block_schemas")
      .opt("block_schemas", SCHEMA_FILTER)
      .opt("offset", range(Types.INT32, 0, null), 0)
      .build(v -> new SchemaRest(v.get("block_schemas"), v.get("offset", 0)));

  /** {@code POST /block_schemas/filter}: {@code {block_schemas, limit, offset}}. */
  public static Decoded<SchemaQuery> schemaQuery(JsonNode body, int maxLimit) {
    Ctx c = new Ctx("body");
    FilterBodies.Limit lim = FilterBodies.limit(body, maxLimit, c);
    if (lim.detail() != null) {
      return Decoded.detail(lim.detail());
    }
    SchemaRest r = SCHEMA_LIST.decode(body, c);
    return c.ok() ? Decoded.ok(new SchemaQuery(r.schemas(), lim.value(), r.offset())) : Decoded.invalid(c.errors());
  }

  private static final Model<DocumentQuery> DOCUMENT_LIST = Model.<DocumentQuery>embedded("block_documents")
      .opt("block_documents", DOCUMENT_FILTER)
      .opt("block_types", TYPE_FILTER)
      .opt("block_schemas", SCHEMA_FILTER)
      .opt("include_secrets", BOOL, false)
      .opt("sort", enumOf(DocumentSort.class), DocumentSort.NAME_ASC)
      .opt("offset", range(Types.INT32, 0, null), 0)
      .build(v -> new DocumentQuery(v.get("block_documents", DocumentFilter.NOT_ANONYMOUS), v.get("block_types"),
          v.get("block_schemas"), v.get("include_secrets"), v.get("sort"), null, v.get("offset", 0)));

  /** {@code POST /block_documents/filter}: filters, {@code include_secrets}, {@code sort}, {@code limit}, {@code offset}. */
  public static Decoded<DocumentQuery> documentQuery(JsonNode body, int maxLimit) {
    Ctx c = new Ctx("body");
    FilterBodies.Limit lim = FilterBodies.limit(body, maxLimit, c);
    if (lim.detail() != null) {
      return Decoded.detail(lim.detail());
    }
    DocumentQuery q = DOCUMENT_LIST.decode(body, c);
    return c.ok() ? Decoded.ok(new DocumentQuery(q.documents(), q.types(), q.schemas(), q.includeSecrets(), q.sort(),
        lim.value(), q.offset())) : Decoded.invalid(c.errors());
  }

  private static final Model<DocumentQuery> DOCUMENT_COUNT = Model.<DocumentQuery>embedded("block_documents_count")
      .opt("block_documents", DOCUMENT_FILTER)
      .opt("block_types", TYPE_FILTER)
      .opt("block_schemas", SCHEMA_FILTER)
      .build(v -> new DocumentQuery(v.get("block_documents", DocumentFilter.NOT_ANONYMOUS), v.get("block_types"),
          v.get("block_schemas"), false, DocumentSort.NAME_ASC, null, 0));

  /** {@code POST /block_documents/count}. */
  public static Decoded<DocumentQuery> documentCount(JsonNode body) {
    return DOCUMENT_COUNT.decodeBody(body);
  }
}
