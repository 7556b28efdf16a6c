package dev.baton.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Deployment;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.StateType;
import dev.baton.domain.command.FlowRunCreate;
import dev.baton.domain.command.FlowRunFromDeployment;
import dev.baton.domain.command.StateCreate;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeploymentsTest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private static Deployment deployment(ObjectNode parameters) {
    return new Deployment(UUID.randomUUID(), Instant.EPOCH, Instant.EPOCH, "dep", UUID.randomUUID(), null, null, false,
        List.of("dep-tag"), F.objectNode(), parameters, null, "dep-queue", null, null, null);
  }

  private static FlowRunFromDeployment nothingGiven() {
    return new FlowRunFromDeployment(null, null, null, null, null, null, null, null, null, null, null, null);
  }

  @Test
  void withNothingGivenTheRunTakesTheDeploymentsValuesAndIsScheduled() {
    Deployment d = deployment(F.objectNode().put("a", 1));
    FlowRunCreate c = Deployments.flowRunCreate(d, nothingGiven());
    assertEquals(d.flowId(), c.flowId());
    assertEquals(d.id(), c.deploymentId());
    assertEquals(StateCreate.of(StateType.SCHEDULED), c.state());
    assertEquals(F.objectNode().put("a", 1), c.parameters());
    assertEquals(F.objectNode(), c.context());
    assertEquals(List.of("dep-tag"), c.tags());
    assertEquals("dep-queue", c.workQueueName());
    assertEquals(FlowRunPolicy.DEFAULT, c.empiricalPolicy());
    assertNull(c.name());
    assertNull(c.labels());
    assertNull(c.idempotencyKey());
    assertNull(c.workPoolName());
  }

  @Test
  void givenValuesWinAndParametersAreMergedOverACopy() {
    ObjectNode own = F.objectNode().put("a", 1).put("b", 2);
    Deployment d = deployment(own);
    UUID parent = UUID.randomUUID();
    StateCreate pending = StateCreate.of(StateType.PENDING);
    UUID infra = UUID.randomUUID();
    FlowRunPolicy policy = FlowRunPolicy.normalized(0, 0.0, 3, 5, null, false, null);
    FlowRunCreate c = Deployments.flowRunCreate(d, new FlowRunFromDeployment(pending, "n", F.objectNode().put("b", 3),
        List.of("t", "dep-tag"), "key", "q", F.objectNode().put("j", true), F.objectNode().put("l", "v"), parent,
        F.objectNode().put("c", 1), policy, infra));
    assertEquals(F.objectNode().put("a", 1).put("b", 3), c.parameters());
    assertEquals(F.objectNode().put("a", 1).put("b", 2), own, "the deployment's parameters are not changed");
    assertEquals(pending, c.state());
    assertEquals("n", c.name());
    // Prefect takes the union of the deployment's tags and the run's
    assertEquals(List.of("dep-tag", "t"), c.tags());
    assertEquals(F.objectNode().put("c", 1), c.context(), "the request's context is kept (sweep item 6)");
    assertEquals(policy, c.empiricalPolicy());
    assertEquals(infra, c.infrastructureDocumentId());
    assertEquals("key", c.idempotencyKey());
    assertEquals("q", c.workQueueName());
    assertEquals(F.objectNode().put("j", true), c.jobVariables());
    assertEquals(F.objectNode().put("l", "v"), c.labels());
    assertEquals(parent, c.parentTaskRunId());
  }

  @Test
  void aDeploymentWithoutParametersGivesAnEmptyObject() {
    assertEquals(F.objectNode(), Deployments.flowRunCreate(deployment(null), nothingGiven()).parameters());
  }
}
