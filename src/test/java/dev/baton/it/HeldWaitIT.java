package dev.baton.it;

import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.it.ApiClient.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Held WAITs over real HTTP and PostgreSQL (BATON_CONCURRENCY_WAIT_HOLD_MS): a RUNNING proposal
 * refused for a full tag limit is held; the holder's COMPLETED hands the slot straight over to it;
 * with no release it is answered WAIT when its hold runs out; the counters stay exact.
 */
class HeldWaitIT {
  static final long HOLD_MS = 3000;
  @ClassServer(env = "BATON_CONCURRENCY_WAIT_HOLD_MS=" + HOLD_MS) static ApiClient api;
  static final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  static double metric(String line) {
    return api.metric(line).orElse(0);
  }

  @Test
  void theHoldersCompletedHandsTheSlotToTheHeldWaiter() throws Exception {
    String tag = "held-" + UUID.randomUUID();
    String id = api.createTagLimit(tag, 1);
    UUID flow = api.createFlowRun(state("RUNNING"));
    UUID holder = api.createTaggedTaskRun(flow, tag);
    UUID waiter = api.createTaggedTaskRun(flow, tag);
    assertEquals("ACCEPT", api.setTaskState(holder, state("RUNNING")).expect(201).text("status"));
    double handedBefore = metric("baton_orchestration_waits_held_ended_total{how=\"handed_over\"}");

    long sent = System.nanoTime();
    Future<Response> held = pool.submit(() -> api.setTaskState(waiter, state("RUNNING")));
    Thread.sleep(300);
    assertFalse(held.isDone(), "the WAIT is held, not answered");
    assertEquals(1.0, metric("baton_orchestration_waits_held"));

    assertEquals("ACCEPT", api.setTaskState(holder, state("COMPLETED")).expect(201).text("status"));
    Response r = held.get(10, TimeUnit.SECONDS);
    long tookMs = (System.nanoTime() - sent) / 1_000_000;
    assertEquals("ACCEPT", r.expect(201).text("status"), r.raw());
    assertEquals("RUNNING", r.text("state", "type"));
    assertTrue(tookMs < HOLD_MS, "answered by the hand-over, not when the hold ran out: " + tookMs + " ms");
    assertEquals(1, api.activeSlots(id), "the waiter holds the slot the holder gave back");
    com.fasterxml.jackson.databind.JsonNode leases = api.get("/api/v2/concurrency_limits/" + id + "/holders").expect(200).body();
    assertEquals(1, leases.size());
    assertEquals(waiter.toString(), leases.get(0).get("holder").get("id").asText());
    assertEquals(handedBefore + 1, metric("baton_orchestration_waits_held_ended_total{how=\"handed_over\"}"));
    assertEquals(0.0, metric("baton_orchestration_waits_held"));

    assertEquals("ACCEPT", api.setTaskState(waiter, state("COMPLETED")).expect(201).text("status"));
    assertEquals(0, api.activeSlots(id));
  }

  @Test
  void withoutAReleaseTheHeldProposalIsAnsweredWaitWhenItsHoldRunsOut() throws Exception {
    String tag = "held-out-" + UUID.randomUUID();
    String id = api.createTagLimit(tag, 1);
    UUID flow = api.createFlowRun(state("RUNNING"));
    UUID holder = api.createTaggedTaskRun(flow, tag);
    UUID waiter = api.createTaggedTaskRun(flow, tag);
    api.setTaskState(holder, state("RUNNING")).expect(201);
    long sent = System.nanoTime();
    Response r = api.setTaskState(waiter, state("RUNNING"));
    long tookMs = (System.nanoTime() - sent) / 1_000_000;
    assertEquals("WAIT", r.expect(200).text("status"), r.raw());
    assertEquals("Concurrency limit reached for tags: " + tag, r.text("details", "reason"));
    assertEquals("PENDING", r.text("state", "type"));
    assertTrue(tookMs >= HOLD_MS - 100 && tookMs < HOLD_MS + 5000, "held for about the hold: " + tookMs + " ms");
    assertEquals(1, api.activeSlots(id));
    api.setTaskState(holder, state("COMPLETED")).expect(201);
    assertEquals(0, api.activeSlots(id));
  }

  /** Many waiters, one slot: each COMPLETED hands the slot to exactly one of them, the oldest first. */
  @Test
  void waitersGetTheSlotOneAtATimeInTheOrderTheyCame() throws Exception {
    String tag = "held-queue-" + UUID.randomUUID();
    String id = api.createTagLimit(tag, 1);
    UUID flow = api.createFlowRun(state("RUNNING"));
    UUID first = api.createTaggedTaskRun(flow, tag);
    api.setTaskState(first, state("RUNNING")).expect(201);
    List<UUID> waiters = new ArrayList<>();
    List<Future<Response>> answers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      UUID w = api.createTaggedTaskRun(flow, tag);
      waiters.add(w);
      answers.add(pool.submit(() -> api.setTaskState(w, state("RUNNING"))));
      Thread.sleep(150); // a known arrival order
    }
    UUID current = first;
    for (int i = 0; i < 3; i++) {
      assertEquals("ACCEPT", api.setTaskState(current, state("COMPLETED")).expect(201).text("status"));
      Response r = answers.get(i).get(HOLD_MS / 2, TimeUnit.MILLISECONDS);
      assertEquals("ACCEPT", r.expect(201).text("status"), "waiter " + i + ": " + r.raw());
      for (int j = i + 1; j < 3; j++) {
        assertFalse(answers.get(j).isDone(), "waiter " + j + " still held");
      }
      assertEquals(1, api.activeSlots(id));
      current = waiters.get(i);
    }
    api.setTaskState(current, state("COMPLETED")).expect(201);
    assertEquals(0, api.activeSlots(id));
  }
}
