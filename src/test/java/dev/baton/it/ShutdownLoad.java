package dev.baton.it;

import static dev.baton.it.ApiClient.state;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Workers looping forced {@code set_state} proposals (RUNNING, PENDING, RUNNING, …: every accepted
 * one writes a state) on their own task runs while a server shuts down. Records every status, and
 * the id of every state acknowledged with 201. A worker stops when told to, or when the server no
 * longer accepts connections.
 */
final class ShutdownLoad {
  final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
  final Set<UUID> acknowledged = ConcurrentHashMap.newKeySet();
  final List<String> unexpected = new CopyOnWriteArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  void start(ApiClient api, List<UUID> taskRuns) {
    for (UUID run : taskRuns) {
      Thread t = new Thread(() -> loop(api, run), "shutdown-load-" + run);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void loop(ApiClient api, UUID run) {
    boolean running = false;
    while (!stop.get()) {
      ApiClient.Response r;
      try {
        r = api.setTaskState(run, state(running ? "PENDING" : "RUNNING"), true);
      } catch (RuntimeException transport) {
        return; // the listener is gone: nothing was accepted on this attempt
      }
      statuses.merge(r.status(), 1, Integer::sum);
      if (r.status() == 201) {
        acknowledged.add(UUID.fromString(r.body().get("state").get("id").asText()));
        running = !running;
      } else if (r.status() == 503) {
        try {
          Thread.sleep(20); // Retry-After, shortened
        } catch (InterruptedException e) {
          return;
        }
      } else {
        unexpected.add(r.status() + " " + r.raw());
      }
    }
  }

  void stop() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(40_000);
    }
  }

  int count(int status) {
    return statuses.getOrDefault(status, 0);
  }
}
