package dev.baton.orchestration.resume;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.config.BatonConfig;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.runinput.ResumeInputCheck;
import dev.baton.runinput.RunInputBudget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ResumeInputCheck} (hydration, Jinja, JSON Schema — CPU work of unbounded size) off the
 * event loops: on a small dedicated worker pool ({@value #POOL_NAME}), unordered, each check within
 * a {@link RunInputBudget}. At most {@code maxQueued} checks are running or waiting at once; past
 * that a check fails at once with UNAVAILABLE (HTTP 503 with Retry-After) instead of queueing
 * without bound.
 */
public final class RunInputWorker {
  private static final Logger LOG = LoggerFactory.getLogger(RunInputWorker.class);
  public static final String POOL_NAME = "baton-run-input";

  /** Whether a warm-up has succeeded in this JVM. */
  private static final AtomicBoolean WARMED = new AtomicBoolean();

  /** Counts of what the worker did, for tests and diagnostics. */
  public record Stats(long checked, long overBudget, long refused, String lastThread) {}

  /** Where checks run: a dedicated worker pool, or the caller context's worker pool. */
  private interface Blocking {
    <T> Future<T> run(Callable<T> job);
  }

  private final Blocking blocking;
  private final int maxQueued;
  private final RunInputBudget budget;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Timer okTimer;
  private final Timer rejectTimer;
  private final Timer overBudgetTimer;
  private final Counter refused;
  private volatile String lastThread;

  /**
   * A dedicated pool of {@code workers} threads shared by every orchestration verticle of
   * {@code vertx}; metrics in {@code registry}.
   */
  public RunInputWorker(Vertx vertx, int workers, int maxQueued, RunInputBudget budget, MeterRegistry registry) {
    this(pool(vertx, workers, budget), maxQueued, budget, registry);
  }

  /** A dedicated pool as configured. */
  public RunInputWorker(Vertx vertx, BatonConfig.RunInput config, MeterRegistry registry) {
    this(vertx, config.workers(), config.maxQueued(), budget(config), registry);
  }

  /** The budget of one check, as configured. */
  public static RunInputBudget budget(BatonConfig.RunInput config) {
    return new RunInputBudget(config.maxTemplates(), config.maxTemplateChars(), config.maxRenderedChars(),
        config.timeBudgetMillis());
  }

  private static Blocking pool(Vertx vertx, int workers, RunInputBudget budget) {
    // a check longer than its budget is abandoned; report only one that is far past it
    long maxExecuteMillis = Math.max(10_000, Math.min(budget.timeMillis(), 3_600_000) * 4);
    WorkerExecutor executor = vertx.createSharedWorkerExecutor(POOL_NAME, workers, maxExecuteMillis, TimeUnit.MILLISECONDS);
    return new Blocking() {
      @Override
      public <T> Future<T> run(Callable<T> job) {
        return executor.executeBlocking(job, false);
      }
    };
  }

  /**
   * Without a pool of its own: checks run on Vert.x's shared worker pool of the calling context
   * (for services built without one, e.g. in tests); metrics in a private registry.
   */
  public static RunInputWorker onCallerContext(int maxQueued, RunInputBudget budget) {
    return new RunInputWorker(new Blocking() {
      @Override
      public <T> Future<T> run(Callable<T> job) {
        Context ctx = Vertx.currentContext();
        if (ctx == null) {
          return Future.failedFuture(new IllegalStateException("run-input checks must be started from a Vert.x context"));
        }
        return ctx.executeBlocking(job, false);
      }
    }, maxQueued, budget, new SimpleMeterRegistry());
  }

  private RunInputWorker(Blocking blocking, int maxQueued, RunInputBudget budget, MeterRegistry registry) {
    if (maxQueued < 1) {
      throw new IllegalArgumentException("maxQueued must be at least 1");
    }
    this.blocking = blocking;
    this.maxQueued = maxQueued;
    this.budget = budget;
    this.okTimer = timer(registry, "ok");
    this.rejectTimer = timer(registry, "reject");
    this.overBudgetTimer = timer(registry, "over_budget");
    this.refused = Counter.builder("baton.run_input.refused")
        .description("Resume run-input checks refused because the run-input worker's queue was full (HTTP 503)")
        .register(registry);
    Gauge.builder("baton.run_input.in_flight", inFlight, AtomicInteger::get)
        .description("Run-input checks running or waiting for a run-input worker")
        .register(registry);
  }

  private static Timer timer(MeterRegistry registry, String outcome) {
    return Timer.builder("baton.run_input.check.duration")
        .description("Time a resume's run-input check (hydration and validation) ran on the run-input worker")
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
  }

  public RunInputBudget budget() {
    return budget;
  }

  /**
   * Checks a run input on a worker; completes on the caller's context. Fails with UNAVAILABLE when
   * {@code maxQueued} checks are already running or waiting.
   */
  public Future<ResumeInputCheck.Outcome> check(Map<String, String> keyset, JsonNode runInput, String schemaValue,
      Map<String, JsonNode> variables) {
    if (inFlight.incrementAndGet() > maxQueued) {
      inFlight.decrementAndGet();
      refused.increment();
      return Future.failedFuture(new OrchestrationException(OrchestrationFailure.UNAVAILABLE,
          "Too many run inputs are being checked; retry later"));
    }
    Future<ResumeInputCheck.Outcome> checked;
    try {
      checked = blocking.run(() -> {
        lastThread = Thread.currentThread().getName();
        long start = System.nanoTime();
        // the time budget starts when a worker takes the job, not while it waits for one
        ResumeInputCheck.Outcome o = ResumeInputCheck.check(keyset, runInput, schemaValue, variables, budget.start());
        Timer t = ResumeInputCheck.overBudget(o) ? overBudgetTimer
            : o instanceof ResumeInputCheck.Reject ? rejectTimer : okTimer;
        t.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return o;
      });
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      return Future.failedFuture(e);
    }
    return checked.andThen(done -> inFlight.decrementAndGet());
  }

  /**
   * Loads and initialises Jinjava and the JSON-Schema validator on a worker
   * ({@link ResumeInputCheck#warmUp}), so that no request pays for it; fails if the warm-up's checks
   * do not give the answers they should.
   */
  public Future<Void> warmUp() {
    if (WARMED.get()) {
      return Future.succeededFuture(); // classes are loaded once per JVM
    }
    long start = System.nanoTime();
    return blocking.run(ResumeInputCheck::warmUp).compose(outcomes -> {
      if (outcomes.size() != 2 || !(outcomes.get(0) instanceof ResumeInputCheck.Ok)
          || !(outcomes.get(1) instanceof ResumeInputCheck.Reject)) {
        return Future.failedFuture(new IllegalStateException("run-input warm-up gave unexpected answers: " + outcomes));
      }
      WARMED.set(true);
      LOG.info("event=run_input_warmed_up ms={}", (System.nanoTime() - start) / 1_000_000);
      return Future.<Void>succeededFuture();
    });
  }

  public Stats stats() {
    return new Stats((long) (okTimer.count() + rejectTimer.count() + overBudgetTimer.count()),
        overBudgetTimer.count(), (long) refused.count(), lastThread);
  }
}
