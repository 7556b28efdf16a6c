package dev.baton.persistence.filter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.filter.ArtifactFilters.AnyIds;
import dev.baton.filter.ArtifactFilters.ArtifactFilter;
import dev.baton.filter.ArtifactFilters.ArtifactQuery;
import dev.baton.filter.ArtifactFilters.ArtifactSort;
import dev.baton.filter.ArtifactFilters.Keys;
import dev.baton.filter.ArtifactFilters.Kinds;
import dev.baton.filter.Filters.Ids;
import dev.baton.filter.Filters.Op;
import dev.baton.filter.Filters.TaskRunFilter;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ArtifactFilterSqlTest {
  static final UUID A = UUID.fromString("0198c2a4-1b2c-7d3e-8f40-123456789abc");

  static ArtifactQuery only(ArtifactFilter f) {
    return new ArtifactQuery(f, null, null, null, null);
  }

  @Test
  void noFilterIsTrue() {
    assertEquals("TRUE", ArtifactFilterSql.artifacts(only(null)).sql());
    assertEquals("TRUE", ArtifactFilterSql.artifacts(only(new ArtifactFilter(Op.AND, null, null, null,
        null, null))).sql());
  }

  /** Prefect: a present, empty criterion is TRUE, so under or_ it matches everything. */
  @Test
  void emptyCriteriaAreTrue() {
    ArtifactFilter f = new ArtifactFilter(Op.OR, new AnyIds(null), null, null, null, new Kinds(List.of("result"), List.of()));
    FilterSql.Where w = ArtifactFilterSql.artifacts(only(f));
    assertEquals("(TRUE OR a.type = ANY($1::text[]))", w.sql());
    assertArrayEquals(new String[] {"result"}, (String[]) w.params().get(0));
  }

  @Test
  void keysTypesAndIdsOfArtifactsAndCollections() {
    ArtifactFilter f = new ArtifactFilter(Op.AND, new AnyIds(List.of(A)), new Keys(List.of("k"), "a_%", false),
        new AnyIds(List.of()), null, new Kinds(null, List.of("result")));
    FilterSql.Where w = ArtifactFilterSql.artifacts(only(f));
    assertEquals("(a.id = ANY($1::uuid[]) AND (a.key = ANY($2::text[]) AND a.key ILIKE ('%' || $3::text || '%')"
        + " AND a.key IS NULL) AND a.flow_run_id = ANY($4::uuid[]) AND a.type <> ALL($5::text[]))", w.sql());
    assertEquals("a_%", w.params().get(2), "the caller's wildcards are kept");
    FilterSql.Where c = ArtifactFilterSql.collections(only(f));
    assertEquals(w.sql().replace("a.id =", "c.latest_id =").replace("a.key", "c.key"), c.sql());
  }

  @Test
  void runFiltersNumberOnAndRequireTheRun() {
    ArtifactFilter f = new ArtifactFilter(Op.AND, new AnyIds(List.of(A)), null, null, null, null);
    TaskRunFilter t = new TaskRunFilter(Op.AND, new Ids(Op.AND, List.of(A), null, null), null, null, null, null, null, null,
        null, null);
    FilterSql.Where w = ArtifactFilterSql.artifacts(new ArtifactQuery(f, null, null, t, null));
    assertEquals("(a.id = ANY($1::uuid[])) AND EXISTS (SELECT 1 FROM task_run t WHERE t.id = a.task_run_id"
        + " AND t.id = ANY($2::uuid[]))", w.sql());
    assertEquals(2, w.params().size());
  }

  @Test
  void sortsBreakTiesById() {
    assertEquals("a.key ASC, a.id DESC", ArtifactFilterSql.orderBy(ArtifactSort.KEY_ASC));
    assertEquals("a.id DESC", ArtifactFilterSql.orderBy(ArtifactSort.ID_DESC));
    assertEquals("c.updated DESC, c.id DESC", ArtifactFilterSql.orderByCollection(ArtifactSort.UPDATED_DESC));
  }
}
