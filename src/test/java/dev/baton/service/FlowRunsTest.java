package dev.baton.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.StateType;
import dev.baton.domain.command.FlowRunPatch;
import dev.baton.persistence.FlowRunRepository;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FlowRunsTest {
  private static final UUID DEPLOYMENT = UUID.randomUUID();

  @Test
  void jobVariablesChangeOnlyOnAScheduledRunOfADeployment() {
    assertNull(FlowRuns.jobVariablesRefusal(StateType.SCHEDULED, DEPLOYMENT));
    assertEquals("Flow run state is required to update job variables but none exists",
        FlowRuns.jobVariablesRefusal(null, DEPLOYMENT));
    assertEquals("Job variables for a flow run in state RUNNING cannot be updated",
        FlowRuns.jobVariablesRefusal(StateType.RUNNING, DEPLOYMENT));
    assertEquals("Job variables for a flow run in state PENDING cannot be updated",
        FlowRuns.jobVariablesRefusal(StateType.PENDING, null), "the state is checked before the deployment");
    assertEquals("A deployment for the flow run could not be found", FlowRuns.jobVariablesRefusal(StateType.SCHEDULED, null));
  }

  @Test
  void aPatchWritesWhatWasSentAndAnExplicitNullNameBecomesASlug() {
    ObjectNode params = JsonNodeFactory.instance.objectNode().put("x", 1);
    FlowRunRepository.FlowRunPatch row = FlowRuns.row(new FlowRunPatch(null, Optional.empty(), Optional.of(params), null,
        Optional.of(List.of("a")), null, Optional.empty()));
    assertNull(row.name(), "a name not sent stays unchanged");
    assertEquals(Optional.empty(), row.flowVersion(), "a null sent clears the column");
    assertEquals(Optional.of(params), row.parameters());
    assertNull(row.empiricalPolicy());
    assertEquals(Optional.of(List.of("a")), row.tags());
    assertNull(row.infrastructurePid());
    assertEquals(Optional.empty(), row.jobVariables());

    assertEquals(Optional.of("given"), FlowRuns.row(patchName(Optional.of("given"))).name());
    String slug = FlowRuns.row(patchName(Optional.empty())).name().orElseThrow();
    assertFalse(slug.isBlank());
    assertTrue(slug.contains("-"), slug);
  }

  private static FlowRunPatch patchName(Optional<String> name) {
    return new FlowRunPatch(name, null, null, null, null, null, null);
  }
}
