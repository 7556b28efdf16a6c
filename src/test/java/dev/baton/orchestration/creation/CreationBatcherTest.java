package dev.baton.orchestration.creation;

import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.domain.TaskRun;
import dev.baton.domain.command.TaskRunCreate;
import dev.baton.orchestration.creation.RunCreation.Created;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Group formation of {@link CreationBatcher} on an event loop, with a recording stand-in for the
 * database side (no database: what a group does there is {@code GroupedTaskRunCreationIT}'s).
 */
class CreationBatcherTest {
  private Vertx vertx;
  private Context loop;
  private final List<List<TaskRunCreate>> groups = new ArrayList<>();
  private final List<List<Promise<Created<TaskRun>>>> answers = new ArrayList<>();
  private final List<TaskRunCreate> alone = new ArrayList<>();
  private final List<Integer> sizes = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close(), Duration.ofSeconds(10));
  }

  private List<Future<Created<TaskRun>>> group(List<TaskRunCreate> creates) {
    groups.add(List.copyOf(creates));
    List<Promise<Created<TaskRun>>> ps = new ArrayList<>();
    List<Future<Created<TaskRun>>> fs = new ArrayList<>();
    for (int i = 0; i < creates.size(); i++) {
      Promise<Created<TaskRun>> p = Promise.promise();
      ps.add(p);
      fs.add(p.future());
    }
    answers.add(ps);
    return fs;
  }

  private CreationBatcher batcher(int maxGroupSize) {
    return new CreationBatcher(c -> {
      alone.add(c);
      return Future.succeededFuture(new Created<>(null, true));
    }, this::group, maxGroupSize, 1, sizes::add);
  }

  /** Runs {@code work} on the event loop and waits for it. */
  private <T> T onLoop(Supplier<T> work) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    loop.runOnContext(v -> {
      try {
        done.complete(work.get());
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    return done.get(10, TimeUnit.SECONDS);
  }

  private static TaskRunCreate create(UUID id, UUID flowRun, String key, List<String> tags) {
    return new TaskRunCreate(id, null, null, flowRun, key, "0", null, null, null, null, tags, null, null);
  }

  private void answer(int g) throws Exception {
    onLoop(() -> {
      answers.get(g).forEach(p -> p.complete(new Created<>(null, true)));
      return null;
    });
  }

  @Test
  void anIdleBatcherSendsACreationAtOnceAndQueuesTheRestForOneGroup() throws Exception {
    CreationBatcher b = batcher(64);
    UUID flowRun = UUID.randomUUID();
    Future<Created<TaskRun>> first = onLoop(() -> b.createTaskRun(create(null, flowRun, "a", List.of())));
    assertEquals(1, groups.size(), "no timer: the first creation left at once");
    List<Future<Created<TaskRun>>> queued = onLoop(() -> {
      List<Future<Created<TaskRun>>> fs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        fs.add(b.createTaskRun(create(null, flowRun, "k" + i, List.of())));
      }
      return fs;
    });
    assertEquals(1, groups.size(), "queued while the first group is in flight");
    answer(0);
    assertTrue(first.succeeded());
    assertEquals(2, groups.size());
    assertEquals(List.of("k0", "k1", "k2", "k3", "k4"), groups.get(1).stream().map(TaskRunCreate::taskKey).toList());
    queued.forEach(f -> assertFalse(f.isComplete()));
    answer(1);
    queued.forEach(f -> assertTrue(f.succeeded()));
    assertTrue(alone.isEmpty());
  }

  @Test
  void aRepeatedIdOrNaturalKeyWaitsForTheNextGroup() throws Exception {
    CreationBatcher b = batcher(64);
    UUID flowRun = UUID.randomUUID();
    UUID id = UUID.randomUUID();
    onLoop(() -> b.createTaskRun(create(null, flowRun, "busy", List.of())));
    onLoop(() -> {
      b.createTaskRun(create(null, flowRun, "same", List.of()));
      b.createTaskRun(create(id, flowRun, "x", List.of()));
      b.createTaskRun(create(null, flowRun, "same", List.of()));   // same natural key
      b.createTaskRun(create(id, flowRun, "y", List.of()));        // same id
      b.createTaskRun(create(null, null, "same", List.of()));      // another flow run (none): another key
      b.createTaskRun(create(null, null, "same", List.of()));      // same key, null flow run
      return null;
    });
    answer(0);
    assertEquals(List.of("same", "x", "same"), groups.get(1).stream().map(TaskRunCreate::taskKey).toList());
    answer(1);
    assertEquals(List.of("same", "y", "same"), groups.get(2).stream().map(TaskRunCreate::taskKey).toList());
    assertEquals(3, groups.size());
  }

  @Test
  void groupsHoldAtMostMaxGroupSizeTaggedCreationsIncluded() throws Exception {
    CreationBatcher b = batcher(3);
    UUID flowRun = UUID.randomUUID();
    onLoop(() -> b.createTaskRun(create(null, flowRun, "busy", List.of())));
    onLoop(() -> {
      for (int i = 0; i < 4; i++) {
        b.createTaskRun(create(null, flowRun, "k" + i, List.of()));
      }
      b.createTaskRun(create(null, flowRun, "tagged", List.of("t")));
      return null;
    });
    assertTrue(alone.isEmpty());
    answer(0);
    assertEquals(3, groups.get(1).size());
    answer(1);
    assertEquals(List.of("k3", "tagged"), groups.get(2).stream().map(TaskRunCreate::taskKey).toList());
    assertEquals(List.of(1, 3, 2), sizes, "every group's size is told");
  }

  @Test
  void offAnEventLoopACreationGoesAlone() {
    CreationBatcher b = batcher(64);
    b.createTaskRun(create(null, UUID.randomUUID(), "k", List.of()));
    assertEquals(1, alone.size());
    assertTrue(groups.isEmpty());
    assertEquals(List.of(1), sizes);
  }
}
