package dev.baton.wire;

import static dev.baton.wire.TestJson.assertError;
import static dev.baton.wire.TestJson.j;
import static dev.baton.wire.TestJson.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.domain.command.ArtifactCreate;
import dev.baton.domain.command.ArtifactPatch;
import dev.baton.filter.ArtifactFilters.ArtifactFilter;
import dev.baton.filter.ArtifactFilters.ArtifactListRequest;
import dev.baton.filter.ArtifactFilters.ArtifactQuery;
import dev.baton.filter.ArtifactFilters.ArtifactSort;
import dev.baton.filter.Filters.Op;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The /artifacts bodies, as Prefect's ArtifactCreate, ArtifactUpdate and the list/count parameters validate them. */
class ArtifactBodiesTest {
  static final String FR = "0198c2a4-1b2c-7d3e-8f40-123456789abc";
  static final String TR = "0198c2a4-1b2c-7d3e-8f40-123456789abd";

  /** What create_markdown_artifact sends from inside a task (ArtifactCreate, exclude_unset: no metadata_). */
  @Test
  void markdownArtifactFromATask() {
    ArtifactCreate c = ArtifactBodies.create(j("{'key': 'my-report', 'type': 'markdown', 'description': 'The report',"
        + " 'data': '# Hello', 'flow_run_id': '" + FR + "', 'task_run_id': '" + TR + "'}")).value();
    assertEquals("my-report", c.key());
    assertEquals("markdown", c.type());
    assertEquals("The report", c.description());
    assertEquals(j("'# Hello'"), c.data());
    assertNull(c.metadata());
    assertEquals(UUID.fromString(FR), c.flowRunId());
    assertEquals(UUID.fromString(TR), c.taskRunId());
  }

  @Test
  void keylessProgressArtifactOutsideARun() {
    ArtifactCreate c = ArtifactBodies.create(j("{'key': null, 'type': 'progress', 'description': null, 'data': 42.5,"
        + " 'flow_run_id': null, 'task_run_id': null}")).value();
    assertNull(c.key());
    assertEquals(42.5, c.data().doubleValue());
    assertNull(c.flowRunId());
    ArtifactCreate empty = ArtifactBodies.create(j("{}")).value();
    assertNull(empty.key());
    assertNull(empty.data());
    assertEquals("", ArtifactBodies.create(j("{'key': ''}")).value().key(), "an empty key is a key, as in Prefect");
  }

  @Test
  void keyRule() {
    for (String bad : List.of("camelCase", "under_score", "sp ace", "ümlaut", "a/b", "A", "trailing\\n")) {
      ValidationError e = only(ArtifactBodies.create(j("{'key': '" + bad + "'}")));
      assertError(e, "value_error", "body.key");
      assertEquals("Value error, Artifact key must only contain lowercase letters, numbers, and dashes.", e.msg());
    }
    assertError(only(ArtifactBodies.create(j("{'key': 5}"))), "string_type", "body.key");
    assertError(only(ArtifactBodies.create(j("{'key': ['a']}"))), "string_type", "body.key");
    String longest = "k".repeat(ArtifactBodies.MAX_KEY_LENGTH);
    assertEquals(longest, ArtifactBodies.create(j("{'key': '" + longest + "'}")).value().key());
    ValidationError tooLong = only(ArtifactBodies.create(j("{'key': '" + longest + "k'}")));
    assertError(tooLong, "string_too_long", "body.key");
    assertEquals("String should have at most 2000 characters", tooLong.msg());
  }

  @Test
  void otherFieldsAndExtraKeys() {
    assertError(only(ArtifactBodies.create(j("{'type': 3}"))), "string_type", "body.type");
    assertError(only(ArtifactBodies.create(j("{'description': {}}"))), "string_type", "body.description");
    assertError(only(ArtifactBodies.create(j("{'flow_run_id': 'nope'}"))), "uuid_parsing", "body.flow_run_id");
    assertError(only(ArtifactBodies.create(j("{'task_run_id': 7}"))), "uuid_type", "body.task_run_id");
    assertError(only(ArtifactBodies.create(j("{'metadata_': {'a': 1}}"))), "string_type", "body.metadata_.a");
    assertError(only(ArtifactBodies.create(j("{'metadata_': []}"))), "dict_type", "body.metadata_");
    assertError(only(ArtifactBodies.create(j("{'id': '" + FR + "'}"))), "extra_forbidden", "body.id");
    assertError(only(ArtifactBodies.create(j("{'metadata': {}}"))), "extra_forbidden", "body.metadata");
    assertError(only(ArtifactBodies.create(j("[]"))), "model_attributes_type", "body"); // Prefect 3.8 (FastAPI, pydantic 2): a list where a model is
    assertError(only(ArtifactBodies.create(null)), "missing", "body");
    assertError(only(ArtifactBodies.create(j("{'data': {'k': 'a\\u0000'}}"))), "value_error", "body.data.k");
  }

  /** Prefect's validate_max_metadata_length: values past 500 characters are cut to 500 and "...". */
  @Test
  void longMetadataValuesAreCut() {
    String v500 = "é".repeat(500);
    ArtifactCreate c = ArtifactBodies.create(j("{'metadata_': {'short': 'x', 'exact': '" + v500 + "', 'long': '"
        + v500 + "z'}}")).value();
    assertEquals(Map.of("short", "x", "exact", v500, "long", v500 + "..."), c.metadata());
    String emoji = "\uD83D\uDE00".repeat(501);
    Map<String, String> m = ArtifactBodies.update(j("{'metadata_': {'e': '" + emoji + "'}}")).value().metadata();
    assertEquals("\uD83D\uDE00".repeat(500) + "...", m.get("e"), "characters, not UTF-16 units");
  }

  /** What update_progress_artifact sends: ArtifactUpdate, exclude_unset. */
  @Test
  void progressUpdate() {
    ArtifactPatch p = ArtifactBodies.update(j("{'data': 75.0}")).value();
    assertTrue(p.hasData());
    assertEquals(75.0, p.data().doubleValue());
    assertFalse(p.hasDescription());
    assertFalse(p.hasMetadata());
    ArtifactPatch d = ArtifactBodies.update(j("{'data': 80.0, 'description': 'almost'}")).value();
    assertTrue(d.hasDescription());
    assertEquals("almost", d.description());
    ArtifactPatch clear = ArtifactBodies.update(j("{'description': null, 'data': null}")).value();
    assertTrue(clear.hasDescription() && clear.hasData());
    assertNull(clear.description());
    assertNull(clear.data());
    assertFalse(ArtifactBodies.update(j("{}")).value().hasData());
    assertError(only(ArtifactBodies.update(j("{'key': 'x'}"))), "extra_forbidden", "body.key");
    assertError(only(ArtifactBodies.update(j("{'description': 1}"))), "string_type", "body.description");
    assertError(only(ArtifactBodies.update(null)), "missing", "body");
  }

  /** Artifact.get(key) in a sync client: offset None, limit 1, UPDATED_DESC. */
  @Test
  void artifactGetBody() {
    ArtifactListRequest q = ArtifactBodies.list(j("{'artifacts': {'key': {'any_': ['my-report']}}, 'flow_runs': null,"
        + " 'task_runs': null, 'limit': 1, 'offset': null, 'sort': 'UPDATED_DESC'}"), 200, false).value();
    assertEquals(1, q.limit());
    assertEquals(0, q.offset());
    assertEquals(ArtifactSort.UPDATED_DESC, q.sort());
    assertEquals(List.of("my-report"), q.filter().artifacts().key().any());
    assertNull(q.filter().flowRuns());
    ArtifactListRequest none = ArtifactBodies.list(j("{'artifacts': {'key': {'any_': null}}, 'limit': 1,"
        + " 'offset': 0, 'sort': 'UPDATED_DESC'}"), 200, false).value();
    assertNull(none.filter().artifacts().key().any());
  }

  @Test
  void listDefaultsAndLimits() {
    ArtifactListRequest d = ArtifactBodies.list(null, 200, false).value();
    assertEquals(200, d.limit());
    assertEquals(0, d.offset());
    assertEquals(ArtifactSort.ID_DESC, d.sort());
    assertNull(d.filter().artifacts());
    ArtifactListRequest n = ArtifactBodies.list(j("{'limit': null, 'sort': null, 'unknown': 1}"), 200, true).value();
    assertEquals(200, n.limit());
    assertEquals(ArtifactSort.ID_DESC, n.sort());
    assertEquals("Invalid limit: must be less than or equal to 200.",
        ArtifactBodies.list(j("{'limit': 201}"), 200, false).detail());
    assertEquals("Invalid limit: must be greater than or equal to 0.",
        ArtifactBodies.list(j("{'limit': -1}"), 200, true).detail());
    assertError(only(ArtifactBodies.list(j("{'offset': -1}"), 200, false)), "greater_than_equal", "body.offset");
    ValidationError sort = only(ArtifactBodies.list(j("{'sort': 'NAME_ASC'}"), 200, false));
    assertError(sort, "enum", "body.sort");
    assertEquals("Input should be 'CREATED_DESC', 'UPDATED_DESC', 'ID_DESC', 'KEY_DESC' or 'KEY_ASC'", sort.msg());
  }

  @Test
  void artifactAndCollectionFilters() {
    ArtifactFilter f = ArtifactBodies.list(j("{'artifacts': {'operator': 'or_', 'id': {'any_': ['" + FR + "']},"
        + " 'key': {'like_': 'rep', 'exists_': true}, 'flow_run_id': {'any_': []}, 'task_run_id': {},"
        + " 'type': {'any_': ['table'], 'not_any_': ['result']}}}"), 200, false).value().filter().artifacts();
    assertEquals(Op.OR, f.op());
    assertEquals(List.of(UUID.fromString(FR)), f.id().any());
    assertEquals("rep", f.key().like());
    assertTrue(f.key().exists());
    assertEquals(List.of(), f.flowRunId().any());
    assertNull(f.taskRunId().any(), "present and empty");
    assertEquals(List.of("result"), f.type().notAny());
    // the collection filter names latest_id, not id
    ArtifactFilter c = ArtifactBodies.list(j("{'artifacts': {'latest_id': {'any_': ['" + FR + "']}}}"), 200, true)
        .value().filter().artifacts();
    assertEquals(List.of(UUID.fromString(FR)), c.id().any());
    assertError(only(ArtifactBodies.list(j("{'artifacts': {'latest_id': {}}}"), 200, false)), "extra_forbidden",
        "body.artifacts.latest_id");
    assertError(only(ArtifactBodies.list(j("{'artifacts': {'id': {}}}"), 200, true)), "extra_forbidden",
        "body.artifacts.id");
    assertError(only(ArtifactBodies.list(j("{'artifacts': {'key': {'not_any_': ['x']}}}"), 200, false)),
        "extra_forbidden", "body.artifacts.key.not_any_");
    assertError(only(ArtifactBodies.list(j("{'artifacts': {'operator': 'xor_'}}"), 200, false)), "enum",
        "body.artifacts.operator");
    assertError(only(ArtifactBodies.count(j("{'artifacts': {'id': {'any_': ['x']}}}"), false)), "uuid_parsing",
        "body.artifacts.id.any_.0");
    assertError(only(ArtifactBodies.count(j("{'flow_runs': {'nope': 1}}"), true)), "extra_forbidden",
        "body.flow_runs.nope");
  }

  @Test
  void countBodies() {
    ArtifactQuery q = ArtifactBodies.count(j("{'artifacts': {'type': {'any_': ['table']}}, 'flow_runs': {'id':"
        + " {'any_': ['" + FR + "']}}, 'task_runs': null, 'flows': {}, 'deployments': null}"), false).value();
    assertEquals(List.of("table"), q.artifacts().type().any());
    assertEquals(List.of(UUID.fromString(FR)), q.flowRuns().id().any());
    assertNull(q.taskRuns());
    assertTrue(q.flows() != null);
    assertNull(ArtifactBodies.count(null, true).value().artifacts());
  }
}
