package dev.baton.wire;

import static dev.baton.wire.Types.BOOL;
import static dev.baton.wire.Types.INT32;
import static dev.baton.wire.Types.STR;
import static dev.baton.wire.Types.UUID_T;
import static dev.baton.wire.Types.enumOf;
import static dev.baton.wire.Types.range;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.command.ArtifactCreate;
import dev.baton.domain.command.ArtifactPatch;
import dev.baton.filter.ArtifactFilters.AnyIds;
import dev.baton.filter.ArtifactFilters.ArtifactFilter;
import dev.baton.filter.ArtifactFilters.ArtifactListRequest;
import dev.baton.filter.ArtifactFilters.ArtifactQuery;
import dev.baton.filter.ArtifactFilters.ArtifactSort;
import dev.baton.filter.ArtifactFilters.Keys;
import dev.baton.filter.ArtifactFilters.Kinds;
import dev.baton.filter.Filters.Op;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The bodies of {@code /api/artifacts}: ArtifactCreate and ArtifactUpdate (extra keys forbidden),
 * and the list and count bodies of artifacts and of artifact collections (FastAPI body
 * parameters: unknown top-level keys ignored, null ≡ absent; the filter objects forbid extra keys).
 */
public final class ArtifactBodies {
  private ArtifactBodies() {}

  private static final Pattern KEY_CHARS = Pattern.compile("[a-z0-9-]*");
  static final String KEY_ERROR = "Artifact key must only contain lowercase letters, numbers, and dashes.";

  /**
   * Longest key: a key is indexed (its collection's unique key, its versions' order), and PostgreSQL
   * refuses an index entry past about 2,700 bytes; a key's characters are one byte each.
   */
  public static final int MAX_KEY_LENGTH = 2000;

  /** Prefect's {@code validate_max_metadata_length}: longer values are cut to this many characters and "...". */
  static final int MAX_METADATA_VALUE_LENGTH = 500;

  /** Prefect's ArtifactKey: lowercase letters, numbers and dashes (any number of them, none too). */
  static final Type<String> KEY = (n, c) -> {
    String s = STR.decode(n, c);
    if (s == null) {
      return null;
    }
    if (!KEY_CHARS.matcher(s).matches()) {
      c.valueError(KEY_ERROR, n);
      return null;
    }
    if (s.length() > MAX_KEY_LENGTH) {
      c.error("string_too_long", "String should have at most " + MAX_KEY_LENGTH + " characters", n,
          Ctx.ctx("max_length", MAX_KEY_LENGTH));
      return null;
    }
    return s;
  };

  /** {@code dict[str, str]}, each value longer than 500 characters cut to 500 and "..." (never an error). */
  static final Type<Map<String, String>> METADATA = Types.STR_MAP.map(ArtifactBodies::cutMetadata);

  static Map<String, String> cutMetadata(Map<String, String> m) {
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      int max = MAX_METADATA_VALUE_LENGTH;
      out.put(k, v.codePointCount(0, v.length()) > max ? v.substring(0, v.offsetByCodePoints(0, max)) + "..." : v);
    });
    return out;
  }

  static final Model<ArtifactCreate> CREATE = Model.<ArtifactCreate>forbid("ArtifactCreate")
      .opt("key", KEY.nullable())
      .opt("type", STR.nullable())
      .opt("description", STR.nullable())
      .opt("data", Types.ANY.nullable())
      .opt("metadata_", METADATA.nullable())
      .opt("flow_run_id", UUID_T.nullable())
      .opt("task_run_id", UUID_T.nullable())
      .build(v -> new ArtifactCreate(v.get("key"), v.get("type"), v.get("description"), v.get("data"),
          v.get("metadata_"), v.get("flow_run_id"), v.get("task_run_id")));

  static final Model<ArtifactPatch> UPDATE = Model.<ArtifactPatch>forbid("ArtifactUpdate")
      .opt("data", Types.ANY.nullable())
      .opt("description", STR.nullable())
      .opt("metadata_", METADATA.nullable())
      .build(v -> new ArtifactPatch(v.has("data"), v.get("data"), v.has("description"), v.get("description"),
          v.has("metadata_"), v.get("metadata_")));

  /** {@code POST /artifacts/}. */
  public static Decoded<ArtifactCreate> create(JsonNode body) {
    return CREATE.decodeBody(body);
  }

  /** {@code PATCH /artifacts/{id}}. */
  public static Decoded<ArtifactPatch> update(JsonNode body) {
    return UPDATE.decodeBody(body);
  }

  // ---- filters -------------------------------------------------------------------------------

  private static final Type<List<UUID>> UUIDS = Types.list(UUID_T).nullable();
  private static final Type<List<String>> STRS = Types.list(STR).nullable();

  private static Model<AnyIds> anyIds(String name) {
    return Model.<AnyIds>forbid(name).opt("any_", UUIDS).build(v -> new AnyIds(v.get("any_")));
  }

  /** ArtifactFilter ({@code prefix} "Artifact", {@code id}) or ArtifactCollectionFilter ("ArtifactCollection", {@code latest_id}). */
  private static Model<ArtifactFilter> filter(String prefix, String idKey) {
    String idName = idKey.equals("id") ? "Id" : "LatestId";
    return Model.<ArtifactFilter>forbid(prefix + "Filter")
        .opt("operator", FilterBodies.OP, Op.AND)
        .opt(idKey, anyIds(prefix + "Filter" + idName).nullable())
        .opt("key", Model.<Keys>forbid(prefix + "FilterKey")
            .opt("any_", STRS).opt("like_", STR.nullable()).opt("exists_", BOOL.nullable())
            .build(v -> new Keys(v.get("any_"), v.get("like_"), v.get("exists_"))).nullable())
        .opt("flow_run_id", anyIds(prefix + "FilterFlowRunId").nullable())
        .opt("task_run_id", anyIds(prefix + "FilterTaskRunId").nullable())
        .opt("type", Model.<Kinds>forbid(prefix + "FilterType")
            .opt("any_", STRS).opt("not_any_", STRS)
            .build(v -> new Kinds(v.get("any_"), v.get("not_any_"))).nullable())
        .build(v -> new ArtifactFilter(v.get("operator"), v.get(idKey), v.get("key"), v.get("flow_run_id"),
            v.get("task_run_id"), v.get("type")));
  }

  static final Model<ArtifactFilter> ARTIFACT_FILTER = filter("Artifact", "id");
  static final Model<ArtifactFilter> COLLECTION_FILTER = filter("ArtifactCollection", "latest_id");

  private static <R> Model<R> withFilters(Model<R> m, Model<ArtifactFilter> artifacts) {
    return m.opt("artifacts", artifacts)
        .opt("flow_runs", FilterBodies.FLOW_RUN_FILTER)
        .opt("task_runs", FilterBodies.TASK_RUN_FILTER)
        .opt("flows", FilterBodies.FLOW_FILTER)
        .opt("deployments", FilterBodies.DEPLOYMENT_FILTER);
  }

  private static ArtifactQuery query(Model<?>.Vals v) {
    return new ArtifactQuery(v.get("artifacts"), v.get("flows"), v.get("flow_runs"), v.get("task_runs"),
        v.get("deployments"));
  }

  private record Rest(ArtifactQuery q, ArtifactSort sort, int offset) {}

  private static Model<Rest> list(String name, Model<ArtifactFilter> artifacts) {
    return withFilters(Model.<Rest>embedded(name), artifacts)
        .opt("sort", enumOf(ArtifactSort.class), ArtifactSort.ID_DESC)
        .opt("offset", range(INT32, 0, null), 0)
        .build(v -> new Rest(query(v), v.get("sort"), v.get("offset")));
  }

  private static final Model<Rest> LIST = list("read_artifacts", ARTIFACT_FILTER);
  private static final Model<Rest> LATEST_LIST = list("read_latest_artifacts", COLLECTION_FILTER);
  private static final Model<ArtifactQuery> COUNT =
      withFilters(Model.<ArtifactQuery>embedded("count_artifacts"), ARTIFACT_FILTER).build(ArtifactBodies::query);
  private static final Model<ArtifactQuery> LATEST_COUNT =
      withFilters(Model.<ArtifactQuery>embedded("count_latest_artifacts"), COLLECTION_FILTER)
          .build(ArtifactBodies::query);

  /**
   * {@code POST /artifacts/filter} ({@code latest} false) and {@code /artifacts/latest/filter}
   * (true): the limit rule of every filter endpoint (null/absent ⇒ {@code maxLimit}; out of range:
   * a {@code {"detail": …}} 422 that wins over other errors).
   */
  public static Decoded<ArtifactListRequest> list(JsonNode body, int maxLimit, boolean latest) {
    Ctx c = new Ctx("body");
    FilterBodies.Limit lim = FilterBodies.limit(body, maxLimit, c);
    if (lim.detail() != null) {
      return Decoded.detail(lim.detail());
    }
    Rest r = (latest ? LATEST_LIST : LIST).decode(body, c);
    if (!c.ok()) {
      return Decoded.invalid(c.errors());
    }
    return Decoded.ok(new ArtifactListRequest(r.q(), r.sort(), lim.value(), r.offset()));
  }

  /** {@code POST /artifacts/count} ({@code latest} false) and {@code /artifacts/latest/count} (true). */
  public static Decoded<ArtifactQuery> count(JsonNode body, boolean latest) {
    return (latest ? LATEST_COUNT : COUNT).decodeBody(body);
  }
}
