package dev.baton.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.pgclient.PgConnectOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds the {@link BatonConfig}: built-in defaults, then {@code conf/baton.json} (or the file named
 * by {@code BATON_CONFIG}; a missing default file means "defaults"), then {@code BATON_*}
 * environment variables. Every bad value becomes a one-line {@link ConfigException} naming the
 * setting and the accepted form.
 */
public final class ConfigLoader {

  public static final String DEFAULT_CONFIG_FILE = "conf/baton.json";

  private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  /** One setting: where it lives in the file, its variable, its default and its parser. */
  private record Setting(String key, String env, Object defaultValue, String form, Function<String, Object> parse) {}

  private static final List<Setting> SETTINGS = List.of(
      new Setting("http.host", "BATON_HTTP_HOST", "0.0.0.0", "a host name or IP address",
          ConfigLoader::nonBlank),
      new Setting("http.port", "BATON_HTTP_PORT", 4200, "an integer 0..65535 (0 = any free port)",
          s -> intIn(s, 0, 65535)),
      new Setting("http.bodyLimitBytes", "BATON_HTTP_BODY_LIMIT", 10L * 1024 * 1024,
          "a number of bytes 1024..2147483647", s -> (long) intIn(s, 1024, Integer.MAX_VALUE)),
      new Setting("db.url", "BATON_DB_URL", null,
          "a URI postgresql://user:password@host:port/database?options (empty = embedded)",
          ConfigLoader::dbUrl),
      new Setting("db.dataDir", "BATON_DATA_DIR", ".baton-data", "a directory path", ConfigLoader::pathText),
      new Setting("db.embeddedPort", "BATON_DB_EMBEDDED_PORT", 0, "an integer 0..65535 (0 = any free port)",
          s -> intIn(s, 0, 65535)),
      new Setting("db.poolSize", "BATON_DB_POOL_SIZE", 16, "an integer 1..1000", s -> intIn(s, 1, 1000)),
      new Setting("db.groupSize", "BATON_DB_GROUP_SIZE", 64, "an integer 1..1000 (1 = no group commit)",
          s -> intIn(s, 1, 1000)),
      new Setting("db.groupsInFlight", "BATON_DB_GROUPS_IN_FLIGHT", 1, "an integer 1..1000", s -> intIn(s, 1, 1000)),
      new Setting("api.defaultLimit", "BATON_API_DEFAULT_LIMIT", 200, "an integer 1..100000",
          s -> intIn(s, 1, 100_000)),
      new Setting("api.maxParameterSize", "BATON_MAX_PARAMETER_SIZE", 524288,
          "a number of bytes 0..2147483647 (0 = unlimited)", s -> intIn(s, 0, Integer.MAX_VALUE)),
      new Setting("api.maxCacheKeyLength", "BATON_MAX_CACHE_KEY_LENGTH", 2000, "an integer 1..1000000",
          s -> intIn(s, 1, 1_000_000)),
      new Setting("runtime.eventLoops", "BATON_EVENT_LOOPS", 0,
          "an integer 0..1024 (0 = the number of processors)", s -> intIn(s, 0, 1024)),
      new Setting("runtime.orchestrationVerticles", "BATON_ORCHESTRATION_VERTICLES", 1, "an integer 1..1024",
          s -> intIn(s, 1, 1024)),
      new Setting("runtime.logLevel", "BATON_LOG_LEVEL", "INFO", "one of TRACE, DEBUG, INFO, WARN, ERROR, OFF",
          ConfigLoader::logLevel),
      new Setting("services.lateRunsIntervalSeconds", "BATON_LATE_RUNS_INTERVAL_SECONDS", 5.0,
          "a number of seconds 0..86400 (0 = off)", s -> secondsIn(s, 86400)),
      new Setting("services.lateRunsAfterSeconds", "BATON_LATE_RUNS_AFTER_SECONDS", 15.0,
          "a number of seconds 0..86400", s -> secondsIn(s, 86400)),
      new Setting("services.pauseExpirationsIntervalSeconds", "BATON_PAUSE_EXPIRATIONS_INTERVAL_SECONDS", 5.0,
          "a number of seconds 0..86400 (0 = off)", s -> secondsIn(s, 86400)),
      new Setting("services.plannerStatisticsIntervalSeconds", "BATON_PLANNER_STATISTICS_INTERVAL_SECONDS", 5.0,
          "a number of seconds 0..86400 (0 = off)", s -> secondsIn(s, 86400)),
      new Setting("concurrency.tagSlotWaitSeconds", "BATON_CONCURRENCY_TAG_SLOT_WAIT_SECONDS", 10,
          "an integer 0..86400", s -> intIn(s, 0, 86400)),
      new Setting("concurrency.deploymentSlotWaitSeconds", "BATON_CONCURRENCY_DEPLOYMENT_SLOT_WAIT_SECONDS", 30,
          "an integer 0..86400", s -> intIn(s, 0, 86400)),
      new Setting("concurrency.maxSlotWaitSeconds", "BATON_CONCURRENCY_MAX_SLOT_WAIT_SECONDS", 30,
          "an integer 1..86400", s -> intIn(s, 1, 86400)),
      new Setting("concurrency.deploymentLeaseSeconds", "BATON_CONCURRENCY_DEPLOYMENT_LEASE_SECONDS", 300,
          "an integer 1..3600", s -> intIn(s, 1, 3600)),
      new Setting("concurrency.taskLeaseSeconds", "BATON_CONCURRENCY_TASK_LEASE_SECONDS", 100L * 365 * 86400,
          "an integer 1..31536000000", s -> (long) longIn(s, 1, 1000L * 365 * 86400)),
      new Setting("concurrency.reaperIntervalMs", "BATON_CONCURRENCY_REAPER_INTERVAL_MS", 15000,
          "an integer 0..3600000 (0 = no reaper)", s -> intIn(s, 0, 3_600_000)),
      new Setting("concurrency.reaperBatch", "BATON_CONCURRENCY_REAPER_BATCH", 100,
          "an integer 1..10000", s -> intIn(s, 1, 10_000)),
      new Setting("concurrency.waitHoldMs", "BATON_CONCURRENCY_WAIT_HOLD_MS", 1000,
          "an integer 0..60000 (0 = WAITs answered at once)", s -> intIn(s, 0, 60_000)),
      new Setting("concurrency.maxHeldWaits", "BATON_CONCURRENCY_MAX_HELD_WAITS", 0,
          "an integer 0..100000 (0 = half the HTTP in-flight bound)", s -> intIn(s, 0, 100_000)),
      new Setting("runInput.workers", "BATON_RUN_INPUT_WORKERS", 2, "an integer 1..64", s -> intIn(s, 1, 64)),
      new Setting("runInput.maxQueued", "BATON_RUN_INPUT_MAX_QUEUED", 16, "an integer 1..10000",
          s -> intIn(s, 1, 10_000)),
      new Setting("runInput.maxTemplates", "BATON_RUN_INPUT_MAX_TEMPLATES", 1000, "an integer 0..1000000",
          s -> intIn(s, 0, 1_000_000)),
      new Setting("runInput.maxTemplateChars", "BATON_RUN_INPUT_MAX_TEMPLATE_CHARS", 512 * 1024,
          "a number of characters 0..2147483647", s -> intIn(s, 0, Integer.MAX_VALUE)),
      new Setting("runInput.maxRenderedChars", "BATON_RUN_INPUT_MAX_RENDERED_CHARS", 1024 * 1024,
          "a number of characters 0..2147483647", s -> intIn(s, 0, Integer.MAX_VALUE)),
      new Setting("runInput.timeBudgetMs", "BATON_RUN_INPUT_TIME_BUDGET_MS", 2000,
          "a number of milliseconds 1..3600000", s -> intIn(s, 1, 3_600_000)),
      new Setting("overload.maxInFlight", "BATON_MAX_IN_FLIGHT", 0,
          "an integer 0..1000000 (0 = 4 × the pool size)", s -> intIn(s, 0, 1_000_000)),
      new Setting("overload.poolWaitQueue", "BATON_DB_POOL_WAIT_QUEUE", 0,
          "an integer 0..1000000 (0 = 8 × the pool size)", s -> intIn(s, 0, 1_000_000)),
      new Setting("overload.orchestrationMaxInFlight", "BATON_ORCHESTRATION_MAX_IN_FLIGHT", 1024,
          "an integer 1..1000000", s -> intIn(s, 1, 1_000_000)),
      new Setting("overload.statementTimeoutMs", "BATON_DB_STATEMENT_TIMEOUT_MS", 3000,
          "a number of milliseconds 1..3600000", s -> intIn(s, 1, 3_600_000)),
      new Setting("overload.lockTimeoutMs", "BATON_DB_LOCK_TIMEOUT_MS", 2000,
          "a number of milliseconds 0..3600000 (0 = off)", s -> intIn(s, 0, 3_600_000)),
      new Setting("overload.idleInTransactionTimeoutMs", "BATON_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", 10000,
          "a number of milliseconds 0..3600000 (0 = off)", s -> intIn(s, 0, 3_600_000)),
      new Setting("overload.proposalDeadlineMs", "BATON_PROPOSAL_DEADLINE_MS", 5000,
          "a number of milliseconds 1..3600000", s -> intIn(s, 1, 3_600_000)),
      new Setting("overload.busTimeoutMs", "BATON_EVENT_BUS_TIMEOUT_MS", 12000,
          "a number of milliseconds 1..36000000", s -> intIn(s, 1, 36_000_000)),
      new Setting("overload.requestTimeoutMs", "BATON_HTTP_REQUEST_TIMEOUT_MS", 15000,
          "a number of milliseconds 1..36000000", s -> intIn(s, 1, 36_000_000)),
      new Setting("overload.shutdownGraceMs", "BATON_SHUTDOWN_GRACE_MS", 20000,
          "a number of milliseconds 0..3600000", s -> intIn(s, 0, 3_600_000)),
      new Setting("events.retentionDays", "BATON_EVENTS_RETENTION_DAYS", 7, "an integer 1..36500",
          s -> intIn(s, 1, 36_500)),
      new Setting("events.trimIntervalSeconds", "BATON_EVENTS_TRIM_INTERVAL_SECONDS", 3600.0,
          "a number of seconds 0..86400 (0 = off)", s -> secondsIn(s, 86400)),
      new Setting("events.trimBatch", "BATON_EVENTS_TRIM_BATCH", 1000, "an integer 1..100000",
          s -> intIn(s, 1, 100_000)),
      new Setting("events.bufferEvents", "BATON_EVENTS_BUFFER", 10_000, "an integer 1..1000000",
          s -> intIn(s, 1, 1_000_000)),
      new Setting("events.batchSize", "BATON_EVENTS_BATCH_SIZE", 200, "an integer 1..10000",
          s -> intIn(s, 1, 10_000)),
      new Setting("embedding.verticles", "BATON_VERTICLES", List.of(),
          "a comma-separated list of fully qualified Java class names (empty = none)", ConfigLoader::classNames),
      new Setting("security.apiAuthString", "BATON_API_AUTH_STRING", null,
          "any text (empty = no authentication)", s -> s.isEmpty() ? null : s),
      new Setting("security.metricsRequireAuth", "BATON_METRICS_REQUIRE_AUTH", true, "true or false",
          ConfigLoader::bool),
      new Setting("security.corsAllowedOrigins", "BATON_CORS_ALLOWED_ORIGINS", List.of(),
          "a comma-separated list of origins like https://ui.example.com:8443, or * (empty = CORS off)",
          ConfigLoader::origins),
      new Setting("security.corsAllowedMethods", "BATON_CORS_ALLOWED_METHODS",
          BatonConfig.Security.DEFAULTS.corsAllowedMethods(),
          "a comma-separated list of HTTP methods among GET, HEAD, POST, PUT, PATCH, DELETE",
          ConfigLoader::methods),
      new Setting("security.corsAllowedHeaders", "BATON_CORS_ALLOWED_HEADERS",
          BatonConfig.Security.DEFAULTS.corsAllowedHeaders(), "a comma-separated list of header names",
          ConfigLoader::headerNames),
      new Setting("cluster.enabled", "BATON_CLUSTER_ENABLED", false, "true or false", ConfigLoader::bool),
      new Setting("cluster.host", "BATON_CLUSTER_HOST", "127.0.0.1", "a host name or IP address",
          ConfigLoader::nonBlank),
      new Setting("cluster.port", "BATON_CLUSTER_PORT", 5701, "an integer 1..65535", s -> intIn(s, 1, 65535)),
      new Setting("cluster.busPort", "BATON_CLUSTER_BUS_PORT", 0, "an integer 0..65535 (0 = any free port)",
          s -> intIn(s, 0, 65535)),
      new Setting("cluster.members", "BATON_CLUSTER_MEMBERS", List.of(),
          "a comma-separated list of host:port (empty = first member)", ConfigLoader::members),
      new Setting("cluster.name", "BATON_CLUSTER_NAME", "baton", "a name without spaces", ConfigLoader::nonBlank));

  private ConfigLoader() {}

  /** Loads from the process environment, relative to the current working directory. */
  public static BatonConfig load() {
    return load(System.getenv(), Path.of("").toAbsolutePath());
  }

  /**
   * Loads with an explicit environment and working directory (relative paths, including the
   * config file and the data directory, are resolved against {@code workingDir}).
   */
  public static BatonConfig load(Map<String, String> env, Path workingDir) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Setting s : SETTINGS) {
      values.put(s.key(), s.defaultValue());
    }
    applyFile(values, env, workingDir);
    for (Setting s : SETTINGS) {
      String raw = env.get(s.env());
      if (raw != null) {
        values.put(s.key(), parse(s, raw.trim(), s.env()));
      }
    }
    return build(values, workingDir);
  }

  private static void applyFile(Map<String, Object> values, Map<String, String> env, Path workingDir) {
    String explicit = env.get("BATON_CONFIG");
    Path file;
    try {
      file = workingDir.resolve(explicit == null || explicit.isBlank() ? DEFAULT_CONFIG_FILE : explicit.trim());
    } catch (InvalidPathException e) {
      throw new ConfigException("BATON_CONFIG: expected a file path, got \"" + explicit + "\"");
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      if (explicit == null || explicit.isBlank()) {
        return; // no file: built-in defaults
      }
      throw new ConfigException("BATON_CONFIG: file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("config file " + file + ": cannot be read (" + e.getMessage() + ")");
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException("config file " + file + ": not valid JSON (line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException("config file " + file + ": expected a JSON object with sections "
          + "http, db, api, runtime, services, concurrency, runInput, overload, events, security, embedding, cluster");
    }
    Map<String, Setting> byKey = new LinkedHashMap<>();
    SETTINGS.forEach(s -> byKey.put(s.key(), s));
    for (Iterator<Map.Entry<String, JsonNode>> sections = root.fields(); sections.hasNext(); ) {
      Map.Entry<String, JsonNode> section = sections.next();
      if (!section.getValue().isObject()) {
        throw new ConfigException("config file " + file + ": \"" + section.getKey()
            + "\" must be an object; known sections are http, db, api, runtime, services, concurrency, runInput, overload, events, security, embedding, cluster");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = section.getValue().fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = section.getKey() + "." + e.getKey();
        Setting s = byKey.get(key);
        if (s == null) {
          throw new ConfigException("config file " + file + ": unknown setting \"" + key + "\"; known: "
              + String.join(", ", byKey.keySet()));
        }
        JsonNode v = e.getValue();
        String where = "config file " + file + ": \"" + key + "\"";
        if (v.isNull()) {
          values.put(key, parse(s, "", where));
        } else if (v.isTextual() || v.isNumber() || v.isBoolean()) {
          values.put(key, parse(s, v.asText().trim(), where));
        } else {
          throw new ConfigException(where + ": expected " + s.form());
        }
      }
    }
  }

  private static Object parse(Setting s, String raw, String where) {
    try {
      return s.parse().apply(raw);
    } catch (IllegalArgumentException e) {
      String shown = raw.length() > 80 ? raw.substring(0, 80) + "…" : raw;
      if (s.key().equals("db.url")) {
        shown = redactPassword(shown);
      }
      throw new ConfigException(where + ": expected " + s.form() + ", got \"" + shown + "\"");
    }
  }

  private static BatonConfig build(Map<String, Object> v, Path workingDir) {
    int eventLoops = (Integer) v.get("runtime.eventLoops");
    if (eventLoops == 0) {
      eventLoops = Runtime.getRuntime().availableProcessors();
    }
    Path dataDir = workingDir.resolve((String) v.get("db.dataDir")).toAbsolutePath().normalize();
    BatonConfig.Overload overload = new BatonConfig.Overload((Integer) v.get("overload.maxInFlight"),
        (Integer) v.get("overload.poolWaitQueue"), (Integer) v.get("overload.orchestrationMaxInFlight"),
        (Integer) v.get("overload.statementTimeoutMs"), (Integer) v.get("overload.lockTimeoutMs"),
        (Integer) v.get("overload.idleInTransactionTimeoutMs"), (Integer) v.get("overload.proposalDeadlineMs"),
        (Integer) v.get("overload.busTimeoutMs"), (Integer) v.get("overload.requestTimeoutMs"),
        (Integer) v.get("overload.shutdownGraceMs"));
    if (overload.chainError() != null) {
      throw new ConfigException(overload.chainError());
    }
    return new BatonConfig(
        new BatonConfig.Http((String) v.get("http.host"), (Integer) v.get("http.port"),
            (Long) v.get("http.bodyLimitBytes")),
        new BatonConfig.Db((String) v.get("db.url"), dataDir, (Integer) v.get("db.embeddedPort"),
            (Integer) v.get("db.poolSize"), (Integer) v.get("db.groupSize"), (Integer) v.get("db.groupsInFlight")),
        new BatonConfig.Api((Integer) v.get("api.defaultLimit"), (Integer) v.get("api.maxParameterSize"),
            (Integer) v.get("api.maxCacheKeyLength")),
        new BatonConfig.Runtime(eventLoops, (String) v.get("runtime.logLevel"),
            (Integer) v.get("runtime.orchestrationVerticles")),
        new BatonConfig.Services(toMillis(v.get("services.lateRunsIntervalSeconds")),
            toMillis(v.get("services.lateRunsAfterSeconds")),
            toMillis(v.get("services.pauseExpirationsIntervalSeconds")),
            toMillis(v.get("services.plannerStatisticsIntervalSeconds"))),
        new BatonConfig.Concurrency((Integer) v.get("concurrency.tagSlotWaitSeconds"),
            (Integer) v.get("concurrency.deploymentSlotWaitSeconds"), (Integer) v.get("concurrency.maxSlotWaitSeconds"),
            (Integer) v.get("concurrency.deploymentLeaseSeconds"), (Long) v.get("concurrency.taskLeaseSeconds"),
            (Integer) v.get("concurrency.reaperIntervalMs"), (Integer) v.get("concurrency.reaperBatch"),
            (Integer) v.get("concurrency.waitHoldMs"), (Integer) v.get("concurrency.maxHeldWaits")),
        new BatonConfig.RunInput((Integer) v.get("runInput.workers"), (Integer) v.get("runInput.maxQueued"),
            (Integer) v.get("runInput.maxTemplates"), (Integer) v.get("runInput.maxTemplateChars"),
            (Integer) v.get("runInput.maxRenderedChars"), (Integer) v.get("runInput.timeBudgetMs")),
        overload,
        new BatonConfig.Events((Integer) v.get("events.retentionDays"), toMillis(v.get("events.trimIntervalSeconds")),
            (Integer) v.get("events.trimBatch"), (Integer) v.get("events.bufferEvents"),
            (Integer) v.get("events.batchSize")),
        new BatonConfig.Security((String) v.get("security.apiAuthString"),
            (Boolean) v.get("security.metricsRequireAuth"), strings(v.get("security.corsAllowedOrigins")),
            strings(v.get("security.corsAllowedMethods")), strings(v.get("security.corsAllowedHeaders"))),
        new BatonConfig.Embedding(strings(v.get("embedding.verticles"))),
        new BatonConfig.Cluster((Boolean) v.get("cluster.enabled"), (String) v.get("cluster.host"),
            (Integer) v.get("cluster.port"), (Integer) v.get("cluster.busPort"), strings(v.get("cluster.members")),
            (String) v.get("cluster.name")));
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object list) {
    return (List<String>) list;
  }

  // ---- parsers: throw IllegalArgumentException, the caller words the message ----

  private static Object nonBlank(String s) {
    if (s.isEmpty() || s.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException();
    }
    return s;
  }

  /** {@code host:port,host:port}: TCP-IP members of the cluster to join (IPv6 in brackets). */
  private static Object members(String s) {
    List<String> out = new java.util.ArrayList<>();
    for (String part : s.split(",", -1)) {
      String m = part.trim();
      if (m.isEmpty()) {
        if (s.isBlank()) {
          continue;
        }
        throw new IllegalArgumentException();
      }
      int colon = m.lastIndexOf(':');
      if (colon <= 0 || m.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException();
      }
      String host = m.substring(0, colon);
      if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
        throw new IllegalArgumentException();
      }
      intIn(m.substring(colon + 1), 1, 65535);
      out.add(m);
    }
    return List.copyOf(out);
  }

  private static long toMillis(Object seconds) {
    return Math.round(((Number) seconds).doubleValue() * 1000);
  }

  private static Object secondsIn(String s, double max) {
    double v;
    try {
      v = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException();
    }
    if (!(v >= 0 && v <= max)) {
      throw new IllegalArgumentException();
    }
    return v;
  }

  private static int intIn(String s, int min, int max) {
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException();
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException();
    }
    return (int) v;
  }

  private static long longIn(String s, long min, long max) {
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException();
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException();
    }
    return v;
  }

  private static Object bool(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException();
    };
  }

  private static final java.util.regex.Pattern CLASS_NAME =
      java.util.regex.Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*");

  /** Comma-separated Java class names (checked for form here; for presence when deployed). */
  private static Object classNames(String s) {
    List<String> list = items(s);
    for (String c : list) {
      if (!CLASS_NAME.matcher(c).matches()) {
        throw new IllegalArgumentException();
      }
    }
    return list;
  }

  /** Comma-separated items, blanks around commas ignored; empty text = empty list. */
  private static List<String> items(String s) {
    if (s.isBlank()) {
      return List.of();
    }
    List<String> out = new java.util.ArrayList<>();
    for (String part : s.split(",", -1)) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw new IllegalArgumentException();
      }
      if (!out.contains(p)) {
        out.add(p);
      }
    }
    return List.copyOf(out);
  }

  private static final java.util.regex.Pattern ORIGIN =
      java.util.regex.Pattern.compile("https?://[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|https?://\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");
  private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
  private static final Set<String> CORS_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

  /** {@code *} alone, or origins as a browser sends them: scheme, host, optional port; no path. */
  private static Object origins(String s) {
    List<String> list = items(s);
    if (list.contains("*")) {
      if (list.size() != 1) {
        throw new IllegalArgumentException();
      }
      return list;
    }
    for (String o : list) {
      if (!ORIGIN.matcher(o).matches()) {
        throw new IllegalArgumentException();
      }
    }
    return list;
  }

  private static Object methods(String s) {
    List<String> list = items(s).stream().map(m -> m.toUpperCase(Locale.ROOT)).distinct().toList();
    if (list.isEmpty() || !CORS_METHODS.containsAll(list)) {
      throw new IllegalArgumentException();
    }
    return list;
  }

  private static Object headerNames(String s) {
    List<String> list = items(s);
    for (String h : list) {
      if (!TOKEN.matcher(h).matches()) {
        throw new IllegalArgumentException();
      }
    }
    return list;
  }

  private static Object pathText(String s) {
    if (s.isEmpty()) {
      throw new IllegalArgumentException();
    }
    try {
      Path.of(s);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException();
    }
    return s;
  }

  private static Object logLevel(String s) {
    String up = s.toUpperCase(Locale.ROOT);
    if (up.equals("WARNING")) {
      up = "WARN";
    }
    if (!LOG_LEVELS.contains(up)) {
      throw new IllegalArgumentException();
    }
    return up;
  }

  private static Object dbUrl(String s) {
    if (s.isEmpty()) {
      return null;
    }
    if (!(s.startsWith("postgresql://") || s.startsWith("postgres://"))) {
      throw new IllegalArgumentException();
    }
    try {
      PgConnectOptions o = PgConnectOptions.fromUri(s);
      if (o.getHost() == null || o.getHost().isBlank()) {
        throw new IllegalArgumentException();
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException();
    }
    return s;
  }

  /** {@code postgresql://u:secret@h/db} → {@code postgresql://u:***@h/db}, for messages. */
  static String redactPassword(String url) {
    return url.replaceFirst("^(postgres(?:ql)?://[^:/@]*):[^@/]*@", "$1:***@");
  }
}
