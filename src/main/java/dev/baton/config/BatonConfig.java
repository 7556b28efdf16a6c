package dev.baton.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The validated configuration, built once by {@link ConfigLoader} and handed to constructors.
 * Nothing here reads the environment.
 */
public record BatonConfig(Http http, Db db, Api api, Runtime runtime, Services services, Concurrency concurrency,
    RunInput runInput) {

  public BatonConfig {
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(services, "services");
    Objects.requireNonNull(concurrency, "concurrency");
    Objects.requireNonNull(runInput, "runInput");
  }

  /** With the default periodic-service, concurrency and run-input settings. */
  public BatonConfig(Http http, Db db, Api api, Runtime runtime) {
    this(http, db, api, runtime, Services.DEFAULTS, Concurrency.DEFAULTS);
  }

  /** With the default run-input settings. */
  public BatonConfig(Http http, Db db, Api api, Runtime runtime, Services services, Concurrency concurrency) {
    this(http, db, api, runtime, services, concurrency, RunInput.DEFAULTS);
  }

  /**
   * Concurrency limits and leases (spec/concurrency.md §5).
   *
   * @param tagSlotWaitSeconds PREFECT_SERVER_TASKS_TAG_CONCURRENCY_SLOT_WAIT_SECONDS
   * @param deploymentSlotWaitSeconds PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS
   * @param maxSlotWaitSeconds PREFECT_SERVER_CONCURRENCY_MAXIMUM_CONCURRENCY_SLOT_WAIT_SECONDS
   * @param deploymentLeaseSeconds PREFECT_SERVER_CONCURRENCY_INITIAL_DEPLOYMENT_LEASE_DURATION
   * @param taskLeaseSeconds TTL of tag-slot leases taken by task orchestration (Prefect: 100 years)
   * @param reaperIntervalMs period of the lease reaper; 0 disables it
   * @param reaperBatch expired leases released per reaper transaction
   */
  public record Concurrency(int tagSlotWaitSeconds, int deploymentSlotWaitSeconds, int maxSlotWaitSeconds,
      int deploymentLeaseSeconds, long taskLeaseSeconds, int reaperIntervalMs, int reaperBatch) {
    public static final Concurrency DEFAULTS = new Concurrency(10, 30, 30, 300, 100L * 365 * 86400, 15000, 100);
  }

  /**
   * @param host interface to listen on
   * @param port TCP port; 0 means "any free port"
   * @param bodyLimitBytes maximum request body size
   */
  public record Http(String host, int port, long bodyLimitBytes) {}

  /**
   * @param url a {@code postgresql://user:pass@host:port/db?…} URI, or null for the embedded server
   * @param dataDir absolute data directory of the embedded server (unused with {@code url})
   * @param embeddedPort port of the embedded server; 0 means "any free port"
   * @param poolSize maximum connections of the shared pool
   * @param groupSize most set-state proposals orchestrated in one transaction (group commit; 1 = off)
   * @param groupsInFlight group transactions each orchestration verticle (one per event loop) runs
   *     at once; proposals arriving past that wait and leave together in the next group
   */
  public record Db(String url, Path dataDir, int embeddedPort, int poolSize, int groupSize, int groupsInFlight) {
    public boolean embedded() {
      return url == null;
    }
  }

  /**
   * @param defaultLimit filter {@code limit} default and maximum (PREFECT_SERVER_API_DEFAULT_LIMIT)
   * @param maxParameterSize maximum serialized size of run parameters in bytes; 0 disables the check
   * @param maxCacheKeyLength maximum task cache key length
   */
  public record Api(int defaultLimit, int maxParameterSize, int maxCacheKeyLength) {}

  /**
   * @param eventLoops Vert.x event-loop threads (and HTTP verticle instances)
   * @param logLevel one of TRACE, DEBUG, INFO, WARN, ERROR, OFF
   * @param orchestrationVerticles orchestration verticle instances; each groups the proposals it
   *     receives on its own, so fewer instances make larger groups
   */
  public record Runtime(int eventLoops, String logLevel, int orchestrationVerticles) {}

  /**
   * Periodic services (0 interval = off).
   *
   * @param lateRunsIntervalMillis how often SCHEDULED runs past their time are marked Late
   * @param lateRunsAfterMillis how long past its scheduled time a run becomes Late
   * @param pauseExpirationsIntervalMillis how often timed-out pauses are failed
   */
  public record Services(long lateRunsIntervalMillis, long lateRunsAfterMillis, long pauseExpirationsIntervalMillis) {
    public static final Services DEFAULTS = new Services(5000, 15000, 5000);
  }

  /**
   * Checking a resume's {@code run_input} (hydration, Jinja, JSON Schema): done on its own small
   * worker pool before the run row is locked, within a budget per request.
   *
   * @param workers threads of the run-input worker pool
   * @param maxQueued checks running or waiting for a worker, at most; past it a resume is answered 503
   * @param maxTemplates most Jinja templates in one run input
   * @param maxTemplateChars most characters of Jinja template text in one run input
   * @param maxRenderedChars most characters of rendered template output in one run input
   * @param timeBudgetMillis most wall-clock milliseconds for one run input's hydration and validation
   */
  public record RunInput(int workers, int maxQueued, int maxTemplates, int maxTemplateChars, int maxRenderedChars,
      int timeBudgetMillis) {
    public static final RunInput DEFAULTS = new RunInput(2, 16, 1000, 512 * 1024, 1024 * 1024, 500);
  }
}
