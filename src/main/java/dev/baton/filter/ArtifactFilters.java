package dev.baton.filter;

import dev.baton.filter.Filters.DeploymentFilter;
import dev.baton.filter.Filters.FlowFilter;
import dev.baton.filter.Filters.FlowRunFilter;
import dev.baton.filter.Filters.Op;
import dev.baton.filter.Filters.Query;
import dev.baton.filter.Filters.TaskRunFilter;
import java.util.List;
import java.util.UUID;

/**
 * The filters of {@code /artifacts/filter}, {@code /count}, {@code /latest/filter} and
 * {@code /latest/count} (Prefect's ArtifactFilter and ArtifactCollectionFilter).
 *
 * <p>As in Prefect, a criterion object that is present counts even when it constrains nothing (it
 * is then TRUE, which matters under {@code "operator": "or_"}); a null one is absent.
 */
public final class ArtifactFilters {
  private ArtifactFilters() {}

  /** {@code {any_}} over a uuid column; {@code any} null = unconstrained. */
  public record AnyIds(List<UUID> any) {}

  /**
   * {@code key: {any_, like_, exists_}}: {@code like_} is a case-insensitive match of
   * {@code %like_%} in which the caller's {@code %} and {@code _} are wildcards (Prefect's
   * documented semantics); empty means unconstrained; {@code exists_} false = keyless.
   */
  public record Keys(List<String> any, String like, Boolean exists) {}

  /** {@code type: {any_, not_any_}}; an empty {@code not_any_} is unconstrained. */
  public record Kinds(List<String> any, List<String> notAny) {}

  /**
   * ArtifactFilter ({@code id} is {@code Artifact.id}) or ArtifactCollectionFilter ({@code id} is
   * its {@code latest_id}); any criterion may be null.
   */
  public record ArtifactFilter(Op op, AnyIds id, Keys key, AnyIds flowRunId, AnyIds taskRunId, Kinds type) {}

  /** ArtifactSort and ArtifactCollectionSort (the same values, in Prefect's order). */
  public enum ArtifactSort { CREATED_DESC, UPDATED_DESC, ID_DESC, KEY_DESC, KEY_ASC }

  /** The filter objects of one request; any may be null. */
  public record ArtifactQuery(ArtifactFilter artifacts, FlowFilter flows, FlowRunFilter flowRuns,
      TaskRunFilter taskRuns, DeploymentFilter deployments) {
    /** The run, flow and deployment filters, as the run filters' SQL takes them. */
    public Query runs() {
      return new Query(flows, flowRuns, taskRuns, deployments, null, null);
    }
  }

  /** A {@code /filter} request: the filters, the sort (default ID_DESC), a page. */
  public record ArtifactListRequest(ArtifactQuery filter, ArtifactSort sort, int limit, int offset) {}
}
