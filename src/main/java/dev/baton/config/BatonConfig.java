package dev.baton.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The validated configuration, built once by {@link ConfigLoader} and handed to constructors.
 * Nothing here reads the environment. Each {@code DEFAULTS} is the record built from the defaults
 * of {@link Settings}, where every default is stated.
 */
public record BatonConfig(Http http, Db db, Api api, Runtime runtime, Services services, Concurrency concurrency,
    RunInput runInput, Overload overload, Events events, Security security, Embedding embedding, Cluster cluster,
    Scheduler scheduler) {

  public BatonConfig {
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(services, "services");
    Objects.requireNonNull(concurrency, "concurrency");
    Objects.requireNonNull(runInput, "runInput");
    Objects.requireNonNull(overload, "overload");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(embedding, "embedding");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(scheduler, "scheduler");
  }

  /** With the default scheduler settings. */
  public BatonConfig(Http http, Db db, Api api, Runtime runtime, Services services, Concurrency concurrency,
      RunInput runInput, Overload overload, Events events, Security security, Embedding embedding, Cluster cluster) {
    this(http, db, api, runtime, services, concurrency, runInput, overload, events, security, embedding, cluster,
        Scheduler.DEFAULTS);
  }

  /** Without the {@link Embedding} settings and with the default (off) clustered mode. */
  public BatonConfig(Http http, Db db, Api api, Runtime runtime, Services services, Concurrency concurrency,
      RunInput runInput, Overload overload, Events events, Security security) {
    this(http, db, api, runtime, services, concurrency, runInput, overload, events, security, Embedding.DEFAULTS);
  }

  /** With the default (off) clustered mode. */
  public BatonConfig(Http http, Db db, Api api, Runtime runtime, Services services, Concurrency concurrency,
      RunInput runInput, Overload overload, Events events, Security security, Embedding embedding) {
    this(http, db, api, runtime, services, concurrency, runInput, overload, events, security, embedding,
        Cluster.DEFAULTS);
  }

  /** With the default periodic-service, concurrency, run-input, overload, event and security settings. */
  public BatonConfig(Http http, Db db, Api api, Runtime runtime) {
    this(http, db, api, runtime, Services.DEFAULTS, Concurrency.DEFAULTS);
  }

  /** With the default run-input, overload, event and security settings. */
  public BatonConfig(Http http, Db db, Api api, Runtime runtime, Services services, Concurrency concurrency) {
    this(http, db, api, runtime, services, concurrency, RunInput.DEFAULTS, Overload.DEFAULTS, Events.DEFAULTS,
        Security.DEFAULTS, Embedding.DEFAULTS);
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
   * @param waitHoldMs longest a task run's RUNNING proposal refused for a full tag limit is held
   *     before its WAIT is answered, so that a slot freed meanwhile goes straight to it; 0 = every
   *     WAIT answered at once
   * @param maxHeldWaits most proposals held at once per orchestration verticle; 0 = half the HTTP
   *     in-flight bound
   */
  public record Concurrency(int tagSlotWaitSeconds, int deploymentSlotWaitSeconds, int maxSlotWaitSeconds,
      int deploymentLeaseSeconds, long taskLeaseSeconds, int reaperIntervalMs, int reaperBatch, int waitHoldMs,
      int maxHeldWaits) {
    public static final Concurrency DEFAULTS = ConfigLoader.concurrency(Values.defaults());

    /** {@link #maxHeldWaits}, its default resolved against the HTTP in-flight bound. */
    public int maxHeldWaits(int httpMaxInFlight) {
      return maxHeldWaits > 0 ? maxHeldWaits : Math.max(1, httpMaxInFlight / 2);
    }
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
   * @param plannerStatisticsIntervalMillis how often tables grown past twice their last analyzed
   *     size are analyzed ({@code PlannerStatistics})
   * @param automationsIntervalMillis how often due proactive triggers are evaluated; 0 = this
   *     instance evaluates no trigger and runs no action (another instance on the database does)
   */
  public record Services(long lateRunsIntervalMillis, long lateRunsAfterMillis, long pauseExpirationsIntervalMillis,
      long plannerStatisticsIntervalMillis, long automationsIntervalMillis) {
    public static final Services DEFAULTS = ConfigLoader.services(Values.defaults());
  }

  /**
   * The scheduler (dispatch.md §1.3): the runs deployments' schedules ask for, created ahead.
   *
   * @param loopMillis period of the main pass (every deployment that needs runs); 0 = off here
   * @param recentLoopMillis period of the recent pass (deployments changed in the last
   *     {@code recentLoopMillis} + 1 s); 0 = off here
   * @param deploymentBatchSize deployments per page of a pass
   * @param minRuns runs kept ahead per schedule, at least
   * @param maxRuns runs created per schedule and pass, at most
   * @param minScheduledTimeMillis how far ahead runs are created, at least
   * @param maxScheduledTimeMillis how far ahead runs are created, at most
   * @param insertBatchSize runs inserted per transaction (a deployment's runs are never split)
   * @param maxLateRuns Late auto-scheduled runs kept per schedule (the newest); 0 = all, as Prefect
   * @param statusIntervalMillis period of the not-ready pass; 0 = off here
   * @param notReadyAfterMillis a READY deployment not polled this long becomes NOT_READY
   */
  public record Scheduler(long loopMillis, long recentLoopMillis, int deploymentBatchSize, int minRuns, int maxRuns,
      long minScheduledTimeMillis, long maxScheduledTimeMillis, int insertBatchSize, int maxLateRuns,
      long statusIntervalMillis, long notReadyAfterMillis) {
    public static final Scheduler DEFAULTS = ConfigLoader.scheduler(Values.defaults());
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
    public static final RunInput DEFAULTS = ConfigLoader.runInput(Values.defaults());
  }

  /**
   * Bounds on work in flight, timeouts and shutdown (docs/operations.md: Overload, Timeouts,
   * Shutdown). The timeouts form a chain: a proposal not committed by {@code proposalDeadlineMs}
   * is never committed; the orchestrator answers within deadline + 2 × statement timeout (the
   * write and the COMMIT sent at the deadline's last moment); the event-bus timeout is longer than
   * that, and the HTTP request timeout longer than the event-bus timeout — so a 503 always means
   * "not committed" for a proposal.
   *
   * @param maxInFlight HTTP requests that touch the database (or the event bus) at once, across all
   *     HTTP verticles; past it 503 at once; 0 = 4 × the pool size
   * @param poolWaitQueue requests waiting for a pooled connection, at most; past it UNAVAILABLE;
   *     0 = 8 × the pool size
   * @param orchestrationMaxInFlight proposals (set_state, resume) from any sender, HTTP or a
   *     co-located verticle, accepted by the orchestration verticles and not yet answered; past it
   *     UNAVAILABLE at once
   * @param statementTimeoutMs PostgreSQL {@code statement_timeout} of every pooled connection
   * @param lockTimeoutMs PostgreSQL {@code lock_timeout} (0 = off)
   * @param idleInTransactionTimeoutMs PostgreSQL {@code idle_in_transaction_session_timeout} (0 = off)
   * @param proposalDeadlineMs a proposal not orchestrated (COMMIT not sent) this long after it was
   *     sent is refused: UNAVAILABLE, nothing written
   * @param busTimeoutMs event-bus send timeout of {@code OrchestrationClient}
   * @param requestTimeoutMs HTTP request timeout: 503 past it
   * @param shutdownGraceMs on SIGTERM, how long in-flight requests and proposals may take to finish
   */
  public record Overload(int maxInFlight, int poolWaitQueue, int orchestrationMaxInFlight, int statementTimeoutMs,
      int lockTimeoutMs, int idleInTransactionTimeoutMs, int proposalDeadlineMs, int busTimeoutMs,
      int requestTimeoutMs, int shutdownGraceMs) {
    public static final Overload DEFAULTS = ConfigLoader.overload(Values.defaults());

    /** The HTTP in-flight bound for a pool of {@code poolSize} connections. */
    public int maxInFlight(int poolSize) {
      return maxInFlight > 0 ? maxInFlight : 4 * poolSize;
    }

    /** The pool's wait-queue bound for a pool of {@code poolSize} connections. */
    public int poolWaitQueue(int poolSize) {
      return poolWaitQueue > 0 ? poolWaitQueue : 8 * poolSize;
    }

    /** Why the timeout chain is broken, or null when it holds. */
    public String chainError() {
      long orchestrated = (long) proposalDeadlineMs + 2L * statementTimeoutMs;
      if (busTimeoutMs <= orchestrated) {
        return "BATON_EVENT_BUS_TIMEOUT_MS (" + busTimeoutMs + ") must exceed BATON_PROPOSAL_DEADLINE_MS + 2 × "
            + "BATON_DB_STATEMENT_TIMEOUT_MS (" + orchestrated + ")";
      }
      if (requestTimeoutMs <= busTimeoutMs) {
        return "BATON_HTTP_REQUEST_TIMEOUT_MS (" + requestTimeoutMs + ") must exceed BATON_EVENT_BUS_TIMEOUT_MS ("
            + busTimeoutMs + ")";
      }
      return null;
    }
  }

  /**
   * Prefect 3 events: the event store and the task-run recorder.
   *
   * @param retentionDays events older than this (by {@code occurred}) are trimmed (Prefect: 7)
   * @param trimIntervalMillis how often the trim runs; 0 disables it in this instance
   * @param trimBatch events deleted per trim transaction
   * @param bufferEvents received events not yet committed, at most; past it websockets stop being
   *     read and {@code POST /events} answers 503
   * @param batchSize most events written in one transaction
   */
  public record Events(int retentionDays, long trimIntervalMillis, int trimBatch, int bufferEvents, int batchSize) {
    public static final Events DEFAULTS = ConfigLoader.events(Values.defaults());
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
   * @param encryptionKey the AES-256 key (base64) block document data is encrypted with; null = a
   *     key generated on first use and kept in the database. Never logged.
   */
  public record Security(String apiAuthString, boolean metricsRequireAuth, List<String> corsAllowedOrigins,
      List<String> corsAllowedMethods, List<String> corsAllowedHeaders, String encryptionKey) {
    public static final Security DEFAULTS = ConfigLoader.security(Values.defaults());

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
          + ", corsAllowedMethods=" + corsAllowedMethods + ", corsAllowedHeaders=" + corsAllowedHeaders
          + ", encryptionKey=" + (encryptionKey == null ? null : "***") + "]";
    }
  }

  /**
   * Users' own verticles deployed beside Baton by {@code dev.baton.Main}, once Baton is up (docs/event-bus.md).
   *
   * @param verticles fully qualified class names (public, no-argument constructor) on the class
   *     path, deployed in this order, one instance each; empty = none
   */
  public record Embedding(List<String> verticles) {
    public static final Embedding DEFAULTS = ConfigLoader.embedding(Values.defaults());

    public Embedding {
      verticles = List.copyOf(verticles);
    }
  }

  /**
   * Clustered mode (docs/cluster.md): Vert.x over Hazelcast, so that verticles in other JVMs reach
   * the orchestration consumers over the event bus. Members find each other by TCP-IP only (no
   * multicast, no cloud discovery).
   *
   * @param enabled build a clustered Vert.x; off = a plain one, nothing of Hazelcast starts
   * @param host the interface Hazelcast and the clustered event bus bind to and announce
   * @param port Hazelcast's member port (tried upwards a few ports when taken)
   * @param busPort the clustered event bus's TCP port; 0 = any free port
   * @param members {@code host:port} of other members to join; empty = the first member
   * @param name the Hazelcast cluster name: members with another name never join
   */
  public record Cluster(boolean enabled, String host, int port, int busPort, List<String> members, String name) {
    public static final Cluster DEFAULTS = ConfigLoader.cluster(Values.defaults());

    public Cluster {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(name, "name");
      members = List.copyOf(members);
    }
  }
}
