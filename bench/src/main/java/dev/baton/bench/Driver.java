package dev.baton.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import java.net.URI;

/**
 * Drives a share of the load from one event loop. Everything here runs on that loop, so its
 * {@link Stats} need no locking; they are read after {@link #done()} completes.
 *
 * <p>Closed loop: the driver's workers share one client with as many keep-alive connections (so
 * each has one) and take runs through their lifecycle back to back; a request's latency is measured
 * from its send time. Open loop:
 * lifecycles start on a fixed schedule whatever is in flight, requests queue for one of the
 * driver's connections, and latency runs from the <em>intended</em> send time (the schedule for a
 * lifecycle's first request, the previous response for the others), so a stalled server cannot
 * hide its stall by slowing the generator down (coordinated omission).
 */
final class Driver extends VerticleBase {
  interface Source {
    /** The next lifecycle, or null when there is none left (set-state-only ran out of runs). */
    Lifecycle next();
  }

  private final Options o;
  private final Window window;
  private final Source source;
  private final String base;
  private final URI server;
  /** The server's own base path (the URL's path, no trailing slash), put before every API path. */
  private final String serverPath;
  private final int workers;        // closed loop: workers here; open loop: connections here
  private final double lifecyclesPerSecond; // open loop only
  final Stats stats = new Stats();
  private final Promise<Void> done = Promise.promise();
  private HttpClient client;
  private int running;
  private long inFlight;
  private boolean schedulingDone;

  Driver(Options o, Window window, Source source, int workers, double lifecyclesPerSecond) {
    this.o = o;
    this.window = window;
    this.source = source;
    this.base = o.apiPrefix;
    this.server = URI.create(o.url);
    String path = server.getRawPath() == null ? "" : server.getRawPath();
    this.serverPath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.workers = workers;
    this.lifecyclesPerSecond = lifecyclesPerSecond;
  }

  /** The event-loop context this driver runs on (valid once deployed). */
  io.vertx.core.Context loop() {
    return context;
  }

  Future<Void> done() {
    return done.future();
  }

  @Override
  public Future<?> start() {
    if (workers == 0) {
      done.tryComplete();
      return Future.succeededFuture();
    }
    client = Http.measuredClient(vertx, workers, server);
    if (o.openLoop()) {
      startOpenLoop(client);
    } else {
      running = workers;
      for (int i = 0; i < workers; i++) {
        context.runOnContext(v -> nextClosed(client, null, 0));
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return client == null ? Future.succeededFuture() : client.close();
  }

  // ---------------------------------------------------------------------------------------------
  // closed loop

  private void nextClosed(HttpClient c, Lifecycle lc, int step) {
    long now = System.nanoTime();
    boolean inProgress = lc != null && step < lc.steps();
    if (now >= window.end() && !(inProgress && lc.mustFinish(step))) {
      workerStopped();
      return;
    }
    if (!inProgress) {
      lc = source.next();
      step = 0;
      if (lc == null) {
        window.exhausted(now);
        workerStopped();
        return;
      }
    }
    stepClosed(c, lc, step, now);
  }

  private void stepClosed(HttpClient c, Lifecycle l, int s, long intended) {
    send(c, l, s, intended, ok -> nextClosed(c, ok ? l : null, ok ? s + 1 : 0),
        waitMs -> vertx.setTimer(Math.max(1, waitMs), id -> {
          // a WAIT holds nothing: past the window the lifecycle is dropped
          long now = System.nanoTime();
          if (now >= window.end()) {
            workerStopped();
          } else {
            stepClosed(c, l, s, now);
          }
        }));
  }

  private void workerStopped() {
    if (--running == 0) {
      done.tryComplete();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // open loop

  private void startOpenLoop(HttpClient c) {
    long interval = Math.max(1, Math.round(1e9 / lifecyclesPerSecond));
    long[] next = {window.origin};
    vertx.setPeriodic(1, 1, id -> {
      long now = System.nanoTime();
      while (next[0] <= now) {
        if (next[0] >= window.end()) {
          vertx.cancelTimer(id);
          schedulingDone = true;
          maybeDoneOpen();
          return;
        }
        Lifecycle lc = source.next();
        if (lc == null) {
          window.exhausted(next[0]);
          vertx.cancelTimer(id);
          schedulingDone = true;
          maybeDoneOpen();
          return;
        }
        runOpen(c, lc, 0, next[0]);
        next[0] += interval;
      }
    });
  }

  private void runOpen(HttpClient c, Lifecycle lc, int step, long intended) {
    inFlight++;
    send(c, lc, step, intended, ok -> {
      inFlight--;
      long now = System.nanoTime();
      // The next step is due as soon as the previous answer is in (if the window is still open,
      // or if the run holds something only the next steps give back).
      if (ok && step + 1 < lc.steps() && (now < window.end() || lc.mustFinish(step + 1))) {
        runOpen(c, lc, step + 1, now);
      }
      maybeDoneOpen();
    }, waitMs -> vertx.setTimer(Math.max(1, waitMs), id -> {
      // still counted in flight while waiting; the retry is timed from when it is due
      inFlight--;
      long now = System.nanoTime();
      if (now < window.end()) {
        runOpen(c, lc, step, now);
      }
      maybeDoneOpen();
    }));
  }

  private void maybeDoneOpen() {
    if (schedulingDone && inFlight == 0) {
      done.tryComplete();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private interface Next {
    void handle(boolean ok);
  }

  /** An expected WAIT: propose the same step again after {@code waitMs}. */
  private interface Retry {
    void after(long waitMs);
  }

  /**
   * Sends one step; records it when its intended time is inside the window; then {@code next}, or
   * {@code retry} when the answer is an expected WAIT (counted as a wait, not an error).
   */
  private void send(HttpClient c, Lifecycle lc, int step, long intended, Next next, Retry retry) {
    Lifecycle.Request r = lc.request(step, base);
    Http.post(c, serverPath + r.path(), r.body(), o.requestTimeoutMs).onComplete(ar -> {
      long now = System.nanoTime();
      boolean measured = window.contains(intended);
      String cause;
      String sample;
      if (ar.failed()) {
        cause = ar.cause().getClass().getSimpleName();
        sample = String.valueOf(ar.cause().getMessage());
      } else {
        Http.Reply resp = ar.result();
        if (o.shedRetryMaxMs > 0 && (resp.statusCode() == 503 || resp.statusCode() == 429)) {
          // load shed: an error, then the same step again after Retry-After (capped, jittered)
          if (measured) {
            stats.error(r.kind(), resp.statusCode() + " shed (retried)", Http.snippet(resp));
          }
          retry.after(shedWaitMillis(resp.retryAfter()));
          return;
        }
        long waitMs = lc.waitMillis(step, resp);
        if (waitMs >= 0) {
          if (measured) {
            stats.waited(r.kind(), now - intended);
          }
          retry.after(waitMs);
          return;
        }
        cause = lc.check(step, resp, r.expectedStatus());
        sample = cause == null ? null : cause + " — " + Http.snippet(resp);
      }
      if (cause == null) {
        if (measured) {
          stats.ok(r.kind(), now - intended);
          if (step + 1 == lc.steps()) {
            stats.lifecycles++;
          }
        }
        next.handle(true);
      } else {
        if (measured) {
          stats.error(r.kind(), cause, sample);
        }
        next.handle(false);
      }
    });
  }

  /**
   * What Prefect's client waits after a 503/429 (prefect/client/base.py, {@code _send_with_retry}):
   * the answer's Retry-After, read as (possibly fractional) seconds, stretched by a random factor
   * 1..1.2 (its default jitter factor 0.2: never less than the server asked for). Capped by
   * --shed-retry-max-ms. Absent or unreadable: 1 s (Prefect backs off exponentially then; Baton
   * always sends the header).
   */
  private long shedWaitMillis(String retryAfter) {
    double seconds = 1;
    try {
      if (retryAfter != null) {
        seconds = Math.max(0, Double.parseDouble(retryAfter.trim()));
      }
    } catch (NumberFormatException ignored) {
      // an HTTP date or garbage: the default
    }
    double ms = seconds * 1000 * (1 + 0.2 * java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    return Math.max(1, (long) Math.min(ms, o.shedRetryMaxMs));
  }

}
