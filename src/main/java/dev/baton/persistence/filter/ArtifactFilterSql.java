package dev.baton.persistence.filter;

import dev.baton.filter.ArtifactFilters.AnyIds;
import dev.baton.filter.ArtifactFilters.ArtifactFilter;
import dev.baton.filter.ArtifactFilters.ArtifactQuery;
import dev.baton.filter.ArtifactFilters.ArtifactSort;
import dev.baton.filter.ArtifactFilters.Keys;
import dev.baton.filter.ArtifactFilters.Kinds;
import dev.baton.filter.Filters.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * WHERE and ORDER BY of the artifact queries: over {@code artifact a} for artifacts, over
 * {@code artifact_collection c} joined to its latest version {@code a} for collections. The
 * ArtifactFilter is Prefect's: a present criterion object counts even when empty (TRUE); the run,
 * flow and deployment filters require the named runs to exist and match ({@link FilterSql#namedRuns}).
 */
public final class ArtifactFilterSql {
  private ArtifactFilterSql() {}

  /** WHERE expression for artifacts ({@code a}), placeholders from {@code $1}. */
  public static FilterSql.Where artifacts(ArtifactQuery q) {
    return where(q, "a.id", "a.key");
  }

  /** WHERE expression for collections ({@code c}, latest version {@code a}), placeholders from {@code $1}. */
  public static FilterSql.Where collections(ArtifactQuery q) {
    return where(q, "c.latest_id", "c.key");
  }

  private static FilterSql.Where where(ArtifactQuery q, String idCol, String keyCol) {
    List<Object> params = new ArrayList<>();
    String own = filter(q.artifacts(), idCol, keyCol, params);
    FilterSql.Where runs = FilterSql.namedRuns(q.runs(), "a.flow_run_id", "a.task_run_id", 1 + params.size());
    params.addAll(runs.params());
    String sql = own == null ? runs.sql() : runs.params().isEmpty() && runs.sql().equals("TRUE") ? own
        : "(" + own + ") AND " + runs.sql();
    return new FilterSql.Where(sql, List.copyOf(params));
  }

  /** Artifacts: by their own columns. */
  public static String orderBy(ArtifactSort s) {
    return order(s, "a");
  }

  /** Collections: by the collection's columns. */
  public static String orderByCollection(ArtifactSort s) {
    return order(s, "c");
  }

  /** Prefect's sorts, then the id, so that rows with equal sort values keep one order across pages. */
  private static String order(ArtifactSort s, String t) {
    return switch (s) {
      case CREATED_DESC -> t + ".created DESC, " + t + ".id DESC";
      case UPDATED_DESC -> t + ".updated DESC, " + t + ".id DESC";
      case ID_DESC -> t + ".id DESC";
      case KEY_DESC -> t + ".key DESC, " + t + ".id DESC";
      case KEY_ASC -> t + ".key ASC, " + t + ".id DESC";
    };
  }

  /** Null when there is no filter object. */
  private static String filter(ArtifactFilter f, String idCol, String keyCol, List<Object> params) {
    if (f == null) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    if (f.id() != null) parts.add(ids(f.id(), idCol, params));
    if (f.key() != null) parts.add(keys(f.key(), keyCol, params));
    if (f.flowRunId() != null) parts.add(ids(f.flowRunId(), "a.flow_run_id", params));
    if (f.taskRunId() != null) parts.add(ids(f.taskRunId(), "a.task_run_id", params));
    if (f.type() != null) parts.add(kinds(f.type(), params));
    return join(parts, f.op());
  }

  private static String ids(AnyIds c, String col, List<Object> params) {
    return c.any() == null ? "TRUE" : col + " = ANY(" + p(params, c.any().toArray(new UUID[0]), "uuid[]") + ")";
  }

  private static String keys(Keys k, String col, List<Object> params) {
    List<String> parts = new ArrayList<>();
    if (k.any() != null) parts.add(col + " = ANY(" + p(params, k.any().toArray(new String[0]), "text[]") + ")");
    if (k.like() != null && !k.like().isEmpty()) {
      // Prefect's ilike('%' + like_ + '%'): the caller's % and _ are wildcards
      parts.add(col + " ILIKE ('%' || " + p(params, k.like(), "text") + " || '%')");
    }
    if (k.exists() != null) parts.add(col + (k.exists() ? " IS NOT NULL" : " IS NULL"));
    return join(parts, Op.AND);
  }

  private static String kinds(Kinds k, List<Object> params) {
    List<String> parts = new ArrayList<>();
    if (k.any() != null) parts.add("a.type = ANY(" + p(params, k.any().toArray(new String[0]), "text[]") + ")");
    if (k.notAny() != null && !k.notAny().isEmpty()) {
      parts.add("a.type <> ALL(" + p(params, k.notAny().toArray(new String[0]), "text[]") + ")");
    }
    return join(parts, Op.AND);
  }

  private static String p(List<Object> params, Object v, String cast) {
    params.add(v);
    return "$" + params.size() + "::" + cast;
  }

  /** TRUE when empty, as Prefect's filters. */
  private static String join(List<String> parts, Op op) {
    if (parts.isEmpty()) return "TRUE";
    if (parts.size() == 1) return parts.get(0);
    return "(" + String.join(op == Op.OR ? " OR " : " AND ", parts) + ")";
  }
}
