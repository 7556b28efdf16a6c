package dev.baton.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The validated configuration, built once by {@link ConfigLoader} and handed to constructors.
 * Nothing here reads the environment.
 */
public record BatonConfig(Http http, Db db, Api api, Runtime runtime, Services services, Concurrency concurrency,
    Security security) {

  public BatonConfig {
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(services, "services");
    Objects.requireNonNull(concurrency, "concurrency");
    Objects.requireNonNull(security, "security");
  }

  /** With the default security settings. */
  public BatonConfig(Http http, Db db, Api api, Runtime runtime, Services services, Concurrency concurrency) {
    this(http, db, api, runtime, services, concurrency, Security.DEFAULTS);
  }

  /** With the default periodic-service and concurrency settings. */
  public BatonConfig(Http http, Db db, Api api, Runtime runtime) {
    this(http, db, api, runtime, Services.DEFAULTS, Concurrency.DEFAULTS, Security.DEFAULTS);
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
   * API authentication and CORS (docs/operations.md, "Security").
   *
   * @param apiAuthString the secret clients send as {@code Authorization: Basic base64(secret)}
   *     (Prefect's {@code PREFECT_API_AUTH_STRING}); null = no authentication. Never logged:
   *     {@link #toString()} redacts it.
   * @param metricsRequireAuth whether {@code GET /metrics} needs the header too (only matters with
   *     an auth string)
   * @param corsAllowedOrigins origins a browser may call the API from; empty = CORS off (no CORS
   *     headers, no preflight handling), {@code ["*"]} = any origin
   * @param corsAllowedMethods methods announced in preflight answers
   * @param corsAllowedHeaders request headers announced in preflight answers
   */
  public record Security(String apiAuthString, boolean metricsRequireAuth, List<String> corsAllowedOrigins,
      List<String> corsAllowedMethods, List<String> corsAllowedHeaders) {
    public static final Security DEFAULTS = new Security(null, true, List.of(),
        List.of("GET", "POST", "PUT", "PATCH", "DELETE"),
        List.of("Authorization", "Content-Type", "X-PREFECT-API-VERSION"));

    public Security {
      corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
      corsAllowedMethods = List.copyOf(corsAllowedMethods);
      corsAllowedHeaders = List.copyOf(corsAllowedHeaders);
    }

    /** Like the generated one, with the auth string replaced by {@code ***} (or null). */
    @Override
    public String toString() {
      return "Security[apiAuthString=" + (apiAuthString == null ? null : "***")
          + ", metricsRequireAuth=" + metricsRequireAuth + ", corsAllowedOrigins=" + corsAllowedOrigins
          + ", corsAllowedMethods=" + corsAllowedMethods + ", corsAllowedHeaders=" + corsAllowedHeaders + "]";
    }
  }
}
