package dev.baton.config;

import static dev.baton.config.Parsers.intIn;
import static dev.baton.config.Parsers.longIn;
import static dev.baton.config.Parsers.secondsIn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Every setting, with its one default. Each constant is named after its key in
 * {@code conf/baton.json}; {@link ConfigLoader} turns their values into the {@link BatonConfig}
 * records, whose {@code DEFAULTS} are built from these defaults.
 */
final class Settings {

  /** In declaration order, which is the order the file's unknown-setting message lists them in. */
  private static final List<Setting<?>> ALL = new ArrayList<>();

  static final Setting<String> HTTP_HOST = define("http.host", "BATON_HTTP_HOST", "0.0.0.0",
      "a host name or IP address", Parsers::nonBlank);
  static final Setting<Integer> HTTP_PORT = define("http.port", "BATON_HTTP_PORT", 4200,
      "an integer 0..65535 (0 = any free port)", s -> intIn(s, 0, 65535));
  static final Setting<Long> HTTP_BODY_LIMIT_BYTES = define("http.bodyLimitBytes", "BATON_HTTP_BODY_LIMIT",
      10L * 1024 * 1024, "a number of bytes 1024..2147483647", s -> longIn(s, 1024, Integer.MAX_VALUE));

  static final Setting<String> DB_URL = define("db.url", "BATON_DB_URL", null,
      "a URI postgresql://user:password@host:port/database?options (empty = embedded)", Parsers::dbUrl);
  static final Setting<String> DB_DATA_DIR = define("db.dataDir", "BATON_DATA_DIR", ".baton-data",
      "a directory path", Parsers::pathText);
  static final Setting<Integer> DB_EMBEDDED_PORT = define("db.embeddedPort", "BATON_DB_EMBEDDED_PORT", 0,
      "an integer 0..65535 (0 = any free port)", s -> intIn(s, 0, 65535));
  static final Setting<Integer> DB_POOL_SIZE = define("db.poolSize", "BATON_DB_POOL_SIZE", 16,
      "an integer 1..1000", s -> intIn(s, 1, 1000));
  static final Setting<Integer> DB_GROUP_SIZE = define("db.groupSize", "BATON_DB_GROUP_SIZE", 64,
      "an integer 1..1000 (1 = no group commit)", s -> intIn(s, 1, 1000));
  static final Setting<Integer> DB_GROUPS_IN_FLIGHT = define("db.groupsInFlight", "BATON_DB_GROUPS_IN_FLIGHT", 1,
      "an integer 1..1000", s -> intIn(s, 1, 1000));

  static final Setting<Integer> API_DEFAULT_LIMIT = define("api.defaultLimit", "BATON_API_DEFAULT_LIMIT", 200,
      "an integer 1..100000", s -> intIn(s, 1, 100_000));
  static final Setting<Integer> API_MAX_PARAMETER_SIZE = define("api.maxParameterSize", "BATON_MAX_PARAMETER_SIZE",
      524288, "a number of bytes 0..2147483647 (0 = unlimited)", s -> intIn(s, 0, Integer.MAX_VALUE));
  static final Setting<Integer> API_MAX_CACHE_KEY_LENGTH = define("api.maxCacheKeyLength",
      "BATON_MAX_CACHE_KEY_LENGTH", 2000, "an integer 1..1000000", s -> intIn(s, 1, 1_000_000));

  static final Setting<Integer> RUNTIME_EVENT_LOOPS = define("runtime.eventLoops", "BATON_EVENT_LOOPS", 0,
      "an integer 0..1024 (0 = the number of processors)", s -> intIn(s, 0, 1024));
  static final Setting<Integer> RUNTIME_ORCHESTRATION_VERTICLES = define("runtime.orchestrationVerticles",
      "BATON_ORCHESTRATION_VERTICLES", 1, "an integer 1..1024", s -> intIn(s, 1, 1024));
  static final Setting<String> RUNTIME_LOG_LEVEL = define("runtime.logLevel", "BATON_LOG_LEVEL", "INFO",
      "one of TRACE, DEBUG, INFO, WARN, ERROR, OFF", Parsers::logLevel);

  static final Setting<Double> SERVICES_LATE_RUNS_INTERVAL_SECONDS = define("services.lateRunsIntervalSeconds",
      "BATON_LATE_RUNS_INTERVAL_SECONDS", 5.0, "a number of seconds 0..86400 (0 = off)", s -> secondsIn(s, 86400));
  static final Setting<Double> SERVICES_LATE_RUNS_AFTER_SECONDS = define("services.lateRunsAfterSeconds",
      "BATON_LATE_RUNS_AFTER_SECONDS", 15.0, "a number of seconds 0..86400", s -> secondsIn(s, 86400));
  static final Setting<Double> SERVICES_PAUSE_EXPIRATIONS_INTERVAL_SECONDS = define(
      "services.pauseExpirationsIntervalSeconds", "BATON_PAUSE_EXPIRATIONS_INTERVAL_SECONDS", 5.0,
      "a number of seconds 0..86400 (0 = off)", s -> secondsIn(s, 86400));
  static final Setting<Double> SERVICES_PLANNER_STATISTICS_INTERVAL_SECONDS = define(
      "services.plannerStatisticsIntervalSeconds", "BATON_PLANNER_STATISTICS_INTERVAL_SECONDS", 5.0,
      "a number of seconds 0..86400 (0 = off)", s -> secondsIn(s, 86400));
  static final Setting<Double> SERVICES_AUTOMATIONS_INTERVAL_SECONDS = define(
      "services.automationsIntervalSeconds", "BATON_AUTOMATIONS_INTERVAL_SECONDS", 5.0,
      "a number of seconds 0..86400 (0 = automations are not evaluated by this instance)", s -> secondsIn(s, 86400));

  static final Setting<Double> SCHEDULER_LOOP_SECONDS = define("scheduler.loopSeconds", "BATON_SCHEDULER_LOOP_SECONDS",
      60.0, "a number of seconds 0..86400 (0 = off in this instance)", s -> secondsIn(s, 86400));
  static final Setting<Double> SCHEDULER_RECENT_LOOP_SECONDS = define("scheduler.recentLoopSeconds",
      "BATON_SCHEDULER_RECENT_LOOP_SECONDS", 5.0, "a number of seconds 0..86400 (0 = off in this instance)",
      s -> secondsIn(s, 86400));
  static final Setting<Integer> SCHEDULER_DEPLOYMENT_BATCH_SIZE = define("scheduler.deploymentBatchSize",
      "BATON_SCHEDULER_DEPLOYMENT_BATCH_SIZE", 100, "an integer 1..10000", s -> intIn(s, 1, 10_000));
  static final Setting<Integer> SCHEDULER_MIN_RUNS = define("scheduler.minRuns", "BATON_SCHEDULER_MIN_RUNS", 3,
      "an integer 0..1000", s -> intIn(s, 0, 1000));
  static final Setting<Integer> SCHEDULER_MAX_RUNS = define("scheduler.maxRuns", "BATON_SCHEDULER_MAX_RUNS", 100,
      "an integer 1..1000", s -> intIn(s, 1, 1000));
  static final Setting<Double> SCHEDULER_MIN_SCHEDULED_TIME_SECONDS = define("scheduler.minScheduledTimeSeconds",
      "BATON_SCHEDULER_MIN_SCHEDULED_TIME_SECONDS", 3600.0, "a number of seconds 0..31536000",
      s -> secondsIn(s, 31_536_000));
  static final Setting<Double> SCHEDULER_MAX_SCHEDULED_TIME_SECONDS = define("scheduler.maxScheduledTimeSeconds",
      "BATON_SCHEDULER_MAX_SCHEDULED_TIME_SECONDS", 8_640_000.0, "a number of seconds 0..315360000",
      s -> secondsIn(s, 315_360_000));
  static final Setting<Integer> SCHEDULER_INSERT_BATCH_SIZE = define("scheduler.insertBatchSize",
      "BATON_SCHEDULER_INSERT_BATCH_SIZE", 500, "an integer 1..100000", s -> intIn(s, 1, 100_000));
  static final Setting<Integer> SCHEDULER_MAX_LATE_RUNS = define("scheduler.maxLateRuns", "BATON_SCHEDULER_MAX_LATE_RUNS",
      1, "an integer 0..100000 (0 = keep every Late run, as Prefect)", s -> intIn(s, 0, 100_000));
  static final Setting<Double> SCHEDULER_STATUS_INTERVAL_SECONDS = define("scheduler.statusIntervalSeconds",
      "BATON_SCHEDULER_STATUS_INTERVAL_SECONDS", 15.0, "a number of seconds 0..86400 (0 = off in this instance)",
      s -> secondsIn(s, 86400));
  static final Setting<Double> SCHEDULER_NOT_READY_AFTER_SECONDS = define("scheduler.notReadyAfterSeconds",
      "BATON_SCHEDULER_NOT_READY_AFTER_SECONDS", 60.0, "a number of seconds 0..86400", s -> secondsIn(s, 86400));

  static final Setting<Integer> CONCURRENCY_TAG_SLOT_WAIT_SECONDS = define("concurrency.tagSlotWaitSeconds",
      "BATON_CONCURRENCY_TAG_SLOT_WAIT_SECONDS", 10, "an integer 0..86400", s -> intIn(s, 0, 86400));
  static final Setting<Integer> CONCURRENCY_DEPLOYMENT_SLOT_WAIT_SECONDS = define(
      "concurrency.deploymentSlotWaitSeconds", "BATON_CONCURRENCY_DEPLOYMENT_SLOT_WAIT_SECONDS", 30,
      "an integer 0..86400", s -> intIn(s, 0, 86400));
  static final Setting<Integer> CONCURRENCY_MAX_SLOT_WAIT_SECONDS = define("concurrency.maxSlotWaitSeconds",
      "BATON_CONCURRENCY_MAX_SLOT_WAIT_SECONDS", 30, "an integer 1..86400", s -> intIn(s, 1, 86400));
  static final Setting<Integer> CONCURRENCY_DEPLOYMENT_LEASE_SECONDS = define("concurrency.deploymentLeaseSeconds",
      "BATON_CONCURRENCY_DEPLOYMENT_LEASE_SECONDS", 300, "an integer 1..3600", s -> intIn(s, 1, 3600));
  static final Setting<Long> CONCURRENCY_TASK_LEASE_SECONDS = define("concurrency.taskLeaseSeconds",
      "BATON_CONCURRENCY_TASK_LEASE_SECONDS", 100L * 365 * 86400, "an integer 1..31536000000",
      s -> longIn(s, 1, 1000L * 365 * 86400));
  static final Setting<Integer> CONCURRENCY_REAPER_INTERVAL_MS = define("concurrency.reaperIntervalMs",
      "BATON_CONCURRENCY_REAPER_INTERVAL_MS", 15000, "an integer 0..3600000 (0 = no reaper)",
      s -> intIn(s, 0, 3_600_000));
  static final Setting<Integer> CONCURRENCY_REAPER_BATCH = define("concurrency.reaperBatch",
      "BATON_CONCURRENCY_REAPER_BATCH", 100, "an integer 1..10000", s -> intIn(s, 1, 10_000));
  static final Setting<Integer> CONCURRENCY_WAIT_HOLD_MS = define("concurrency.waitHoldMs",
      "BATON_CONCURRENCY_WAIT_HOLD_MS", 1000, "an integer 0..60000 (0 = WAITs answered at once)",
      s -> intIn(s, 0, 60_000));
  static final Setting<Integer> CONCURRENCY_MAX_HELD_WAITS = define("concurrency.maxHeldWaits",
      "BATON_CONCURRENCY_MAX_HELD_WAITS", 0, "an integer 0..100000 (0 = half the HTTP in-flight bound)",
      s -> intIn(s, 0, 100_000));

  static final Setting<Integer> RUN_INPUT_WORKERS = define("runInput.workers", "BATON_RUN_INPUT_WORKERS", 2,
      "an integer 1..64", s -> intIn(s, 1, 64));
  static final Setting<Integer> RUN_INPUT_MAX_QUEUED = define("runInput.maxQueued", "BATON_RUN_INPUT_MAX_QUEUED", 16,
      "an integer 1..10000", s -> intIn(s, 1, 10_000));
  static final Setting<Integer> RUN_INPUT_MAX_TEMPLATES = define("runInput.maxTemplates",
      "BATON_RUN_INPUT_MAX_TEMPLATES", 1000, "an integer 0..1000000", s -> intIn(s, 0, 1_000_000));
  static final Setting<Integer> RUN_INPUT_MAX_TEMPLATE_CHARS = define("runInput.maxTemplateChars",
      "BATON_RUN_INPUT_MAX_TEMPLATE_CHARS", 512 * 1024, "a number of characters 0..2147483647",
      s -> intIn(s, 0, Integer.MAX_VALUE));
  static final Setting<Integer> RUN_INPUT_MAX_RENDERED_CHARS = define("runInput.maxRenderedChars",
      "BATON_RUN_INPUT_MAX_RENDERED_CHARS", 1024 * 1024, "a number of characters 0..2147483647",
      s -> intIn(s, 0, Integer.MAX_VALUE));
  static final Setting<Integer> RUN_INPUT_TIME_BUDGET_MS = define("runInput.timeBudgetMs",
      "BATON_RUN_INPUT_TIME_BUDGET_MS", 2000, "a number of milliseconds 1..3600000", s -> intIn(s, 1, 3_600_000));

  static final Setting<Integer> OVERLOAD_MAX_IN_FLIGHT = define("overload.maxInFlight", "BATON_MAX_IN_FLIGHT", 0,
      "an integer 0..1000000 (0 = 4 × the pool size)", s -> intIn(s, 0, 1_000_000));
  static final Setting<Integer> OVERLOAD_POOL_WAIT_QUEUE = define("overload.poolWaitQueue",
      "BATON_DB_POOL_WAIT_QUEUE", 0, "an integer 0..1000000 (0 = 8 × the pool size)", s -> intIn(s, 0, 1_000_000));
  static final Setting<Integer> OVERLOAD_ORCHESTRATION_MAX_IN_FLIGHT = define("overload.orchestrationMaxInFlight",
      "BATON_ORCHESTRATION_MAX_IN_FLIGHT", 1024, "an integer 1..1000000", s -> intIn(s, 1, 1_000_000));
  static final Setting<Integer> OVERLOAD_STATEMENT_TIMEOUT_MS = define("overload.statementTimeoutMs",
      "BATON_DB_STATEMENT_TIMEOUT_MS", 3000, "a number of milliseconds 1..3600000", s -> intIn(s, 1, 3_600_000));
  static final Setting<Integer> OVERLOAD_LOCK_TIMEOUT_MS = define("overload.lockTimeoutMs",
      "BATON_DB_LOCK_TIMEOUT_MS", 2000, "a number of milliseconds 0..3600000 (0 = off)",
      s -> intIn(s, 0, 3_600_000));
  static final Setting<Integer> OVERLOAD_IDLE_IN_TRANSACTION_TIMEOUT_MS = define(
      "overload.idleInTransactionTimeoutMs", "BATON_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", 10000,
      "a number of milliseconds 0..3600000 (0 = off)", s -> intIn(s, 0, 3_600_000));
  static final Setting<Integer> OVERLOAD_PROPOSAL_DEADLINE_MS = define("overload.proposalDeadlineMs",
      "BATON_PROPOSAL_DEADLINE_MS", 5000, "a number of milliseconds 1..3600000", s -> intIn(s, 1, 3_600_000));
  static final Setting<Integer> OVERLOAD_BUS_TIMEOUT_MS = define("overload.busTimeoutMs",
      "BATON_EVENT_BUS_TIMEOUT_MS", 12000, "a number of milliseconds 1..36000000", s -> intIn(s, 1, 36_000_000));
  static final Setting<Integer> OVERLOAD_REQUEST_TIMEOUT_MS = define("overload.requestTimeoutMs",
      "BATON_HTTP_REQUEST_TIMEOUT_MS", 15000, "a number of milliseconds 1..36000000", s -> intIn(s, 1, 36_000_000));
  static final Setting<Integer> OVERLOAD_SHUTDOWN_GRACE_MS = define("overload.shutdownGraceMs",
      "BATON_SHUTDOWN_GRACE_MS", 20000, "a number of milliseconds 0..3600000", s -> intIn(s, 0, 3_600_000));

  static final Setting<Integer> EVENTS_RETENTION_DAYS = define("events.retentionDays", "BATON_EVENTS_RETENTION_DAYS",
      7, "an integer 1..36500", s -> intIn(s, 1, 36_500));
  static final Setting<Double> EVENTS_TRIM_INTERVAL_SECONDS = define("events.trimIntervalSeconds",
      "BATON_EVENTS_TRIM_INTERVAL_SECONDS", 3600.0, "a number of seconds 0..86400 (0 = off)",
      s -> secondsIn(s, 86400));
  static final Setting<Integer> EVENTS_TRIM_BATCH = define("events.trimBatch", "BATON_EVENTS_TRIM_BATCH", 1000,
      "an integer 1..100000", s -> intIn(s, 1, 100_000));
  static final Setting<Integer> EVENTS_BUFFER_EVENTS = define("events.bufferEvents", "BATON_EVENTS_BUFFER", 10_000,
      "an integer 1..1000000", s -> intIn(s, 1, 1_000_000));
  static final Setting<Integer> EVENTS_BATCH_SIZE = define("events.batchSize", "BATON_EVENTS_BATCH_SIZE", 200,
      "an integer 1..10000", s -> intIn(s, 1, 10_000));

  static final Setting<List<String>> EMBEDDING_VERTICLES = define("embedding.verticles", "BATON_VERTICLES",
      List.of(), "a comma-separated list of fully qualified Java class names (empty = none)", Parsers::classNames);

  static final Setting<String> SECURITY_API_AUTH_STRING = define("security.apiAuthString", "BATON_API_AUTH_STRING",
      null, "any text (empty = no authentication)", s -> s.isEmpty() ? null : s);
  static final Setting<Boolean> SECURITY_METRICS_REQUIRE_AUTH = define("security.metricsRequireAuth",
      "BATON_METRICS_REQUIRE_AUTH", true, "true or false", Parsers::bool);
  static final Setting<List<String>> SECURITY_CORS_ALLOWED_ORIGINS = define("security.corsAllowedOrigins",
      "BATON_CORS_ALLOWED_ORIGINS", List.of(),
      "a comma-separated list of origins like https://ui.example.com:8443, or * (empty = CORS off)",
      Parsers::origins);
  static final Setting<List<String>> SECURITY_CORS_ALLOWED_METHODS = define("security.corsAllowedMethods",
      "BATON_CORS_ALLOWED_METHODS", List.of("GET", "POST", "PUT", "PATCH", "DELETE"),
      "a comma-separated list of HTTP methods among GET, HEAD, POST, PUT, PATCH, DELETE", Parsers::methods);
  static final Setting<List<String>> SECURITY_CORS_ALLOWED_HEADERS = define("security.corsAllowedHeaders",
      "BATON_CORS_ALLOWED_HEADERS", List.of("Authorization", "Content-Type", "X-PREFECT-API-VERSION"),
      "a comma-separated list of header names", Parsers::headerNames);

  static final Setting<String> SECURITY_ENCRYPTION_KEY = define("security.encryptionKey", "BATON_ENCRYPTION_KEY",
      null, "base64 of 32 bytes (empty = a key generated and kept in the database)", Parsers::encryptionKey);

  static final Setting<Boolean> CLUSTER_ENABLED = define("cluster.enabled", "BATON_CLUSTER_ENABLED", false,
      "true or false", Parsers::bool);
  static final Setting<String> CLUSTER_HOST = define("cluster.host", "BATON_CLUSTER_HOST", "127.0.0.1",
      "a host name or IP address", Parsers::nonBlank);
  static final Setting<Integer> CLUSTER_PORT = define("cluster.port", "BATON_CLUSTER_PORT", 5701,
      "an integer 1..65535", s -> intIn(s, 1, 65535));
  static final Setting<Integer> CLUSTER_BUS_PORT = define("cluster.busPort", "BATON_CLUSTER_BUS_PORT", 0,
      "an integer 0..65535 (0 = any free port)", s -> intIn(s, 0, 65535));
  static final Setting<List<String>> CLUSTER_MEMBERS = define("cluster.members", "BATON_CLUSTER_MEMBERS", List.of(),
      "a comma-separated list of host:port (empty = first member)", Parsers::members);
  static final Setting<String> CLUSTER_NAME = define("cluster.name", "BATON_CLUSTER_NAME", "baton",
      "a name without spaces", Parsers::nonBlank);

  private Settings() {}

  /** Every setting above, in declaration order. */
  static List<Setting<?>> all() {
    return Collections.unmodifiableList(ALL);
  }

  private static <T> Setting<T> define(String key, String env, T defaultValue, String form,
      Function<String, T> parser) {
    Setting<T> s = new Setting<>(key, env, defaultValue, form, parser);
    ALL.add(s);
    return s;
  }
}
