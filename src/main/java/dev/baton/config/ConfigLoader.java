package dev.baton.config;

import static dev.baton.config.Settings.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the {@link BatonConfig}: the defaults of {@link Settings}, then {@code conf/baton.json}
 * (or the file named by {@code BATON_CONFIG}; a missing default file means "defaults"), then
 * {@code BATON_*} environment variables. Every bad value becomes a one-line {@link ConfigException}
 * naming the setting and the accepted form.
 */
public final class ConfigLoader {

  public static final String DEFAULT_CONFIG_FILE = "conf/baton.json";

  private static final String SECTIONS =
      "http, db, api, runtime, services, scheduler, concurrency, runInput, overload, events, security, embedding, cluster";

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
    Values values = Values.defaults();
    applyFile(values, env, workingDir);
    for (Setting<?> s : Settings.all()) {
      String raw = env.get(s.env());
      if (raw != null) {
        set(values, s, raw.trim(), s.env());
      }
    }
    return build(values, workingDir);
  }

  private static void applyFile(Values values, Map<String, String> env, Path workingDir) {
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
      throw new ConfigException("config file " + file + ": expected a JSON object with sections " + SECTIONS);
    }
    Map<String, Setting<?>> byKey = new LinkedHashMap<>();
    Settings.all().forEach(s -> byKey.put(s.key(), s));
    for (Iterator<Map.Entry<String, JsonNode>> sections = root.fields(); sections.hasNext(); ) {
      Map.Entry<String, JsonNode> section = sections.next();
      if (!section.getValue().isObject()) {
        throw new ConfigException("config file " + file + ": \"" + section.getKey()
            + "\" must be an object; known sections are " + SECTIONS);
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = section.getValue().fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = section.getKey() + "." + e.getKey();
        Setting<?> s = byKey.get(key);
        if (s == null) {
          throw new ConfigException("config file " + file + ": unknown setting \"" + key + "\"; known: "
              + String.join(", ", byKey.keySet()));
        }
        JsonNode v = e.getValue();
        String where = "config file " + file + ": \"" + key + "\"";
        if (v.isNull()) {
          set(values, s, "", where);
        } else if (v.isTextual() || v.isNumber() || v.isBoolean()) {
          set(values, s, v.asText().trim(), where);
        } else {
          throw new ConfigException(where + ": expected " + s.form());
        }
      }
    }
  }

  /** Sets {@code s} to the value {@code raw} stands for; {@code where} names it in the message. */
  private static <T> void set(Values values, Setting<T> s, String raw, String where) {
    try {
      values.set(s, s.parser().apply(raw));
    } catch (IllegalArgumentException e) {
      String shown = raw.length() > 80 ? raw.substring(0, 80) + "…" : raw;
      if (s == DB_URL) {
        shown = redactPassword(shown);
      } else if (s == SECURITY_ENCRYPTION_KEY) {
        shown = "***";
      }
      throw new ConfigException(where + ": expected " + s.form() + ", got \"" + shown + "\"");
    }
  }

  private static BatonConfig build(Values v, Path workingDir) {
    BatonConfig.Overload overload = overload(v);
    if (overload.chainError() != null) {
      throw new ConfigException(overload.chainError());
    }
    int eventLoops = v.get(RUNTIME_EVENT_LOOPS);
    if (eventLoops == 0) {
      eventLoops = Runtime.getRuntime().availableProcessors();
    }
    Path dataDir = workingDir.resolve(v.get(DB_DATA_DIR)).toAbsolutePath().normalize();
    return new BatonConfig(
        new BatonConfig.Http(v.get(HTTP_HOST), v.get(HTTP_PORT), v.get(HTTP_BODY_LIMIT_BYTES)),
        new BatonConfig.Db(v.get(DB_URL), dataDir, v.get(DB_EMBEDDED_PORT), v.get(DB_POOL_SIZE),
            v.get(DB_GROUP_SIZE), v.get(DB_GROUPS_IN_FLIGHT)),
        new BatonConfig.Api(v.get(API_DEFAULT_LIMIT), v.get(API_MAX_PARAMETER_SIZE), v.get(API_MAX_CACHE_KEY_LENGTH)),
        new BatonConfig.Runtime(eventLoops, v.get(RUNTIME_LOG_LEVEL), v.get(RUNTIME_ORCHESTRATION_VERTICLES)),
        services(v), concurrency(v), runInput(v), overload, events(v), security(v), embedding(v), cluster(v),
        scheduler(v));
  }

  // ---- the sections that have DEFAULTS: BatonConfig builds those with Values.defaults() ----

  static BatonConfig.Services services(Values v) {
    return new BatonConfig.Services(millis(v.get(SERVICES_LATE_RUNS_INTERVAL_SECONDS)),
        millis(v.get(SERVICES_LATE_RUNS_AFTER_SECONDS)), millis(v.get(SERVICES_PAUSE_EXPIRATIONS_INTERVAL_SECONDS)),
        millis(v.get(SERVICES_PLANNER_STATISTICS_INTERVAL_SECONDS)), millis(v.get(SERVICES_AUTOMATIONS_INTERVAL_SECONDS)));
  }

  static BatonConfig.Scheduler scheduler(Values v) {
    return new BatonConfig.Scheduler(millis(v.get(SCHEDULER_LOOP_SECONDS)), millis(v.get(SCHEDULER_RECENT_LOOP_SECONDS)),
        v.get(SCHEDULER_DEPLOYMENT_BATCH_SIZE), v.get(SCHEDULER_MIN_RUNS), v.get(SCHEDULER_MAX_RUNS),
        millis(v.get(SCHEDULER_MIN_SCHEDULED_TIME_SECONDS)), millis(v.get(SCHEDULER_MAX_SCHEDULED_TIME_SECONDS)),
        v.get(SCHEDULER_INSERT_BATCH_SIZE), v.get(SCHEDULER_MAX_LATE_RUNS),
        millis(v.get(SCHEDULER_STATUS_INTERVAL_SECONDS)), millis(v.get(SCHEDULER_NOT_READY_AFTER_SECONDS)));
  }

  static BatonConfig.Concurrency concurrency(Values v) {
    return new BatonConfig.Concurrency(v.get(CONCURRENCY_TAG_SLOT_WAIT_SECONDS),
        v.get(CONCURRENCY_DEPLOYMENT_SLOT_WAIT_SECONDS), v.get(CONCURRENCY_MAX_SLOT_WAIT_SECONDS),
        v.get(CONCURRENCY_DEPLOYMENT_LEASE_SECONDS), v.get(CONCURRENCY_TASK_LEASE_SECONDS),
        v.get(CONCURRENCY_REAPER_INTERVAL_MS), v.get(CONCURRENCY_REAPER_BATCH), v.get(CONCURRENCY_WAIT_HOLD_MS),
        v.get(CONCURRENCY_MAX_HELD_WAITS));
  }

  static BatonConfig.RunInput runInput(Values v) {
    return new BatonConfig.RunInput(v.get(RUN_INPUT_WORKERS), v.get(RUN_INPUT_MAX_QUEUED),
        v.get(RUN_INPUT_MAX_TEMPLATES), v.get(RUN_INPUT_MAX_TEMPLATE_CHARS), v.get(RUN_INPUT_MAX_RENDERED_CHARS),
        v.get(RUN_INPUT_TIME_BUDGET_MS));
  }

  static BatonConfig.Overload overload(Values v) {
    return new BatonConfig.Overload(v.get(OVERLOAD_MAX_IN_FLIGHT), v.get(OVERLOAD_POOL_WAIT_QUEUE),
        v.get(OVERLOAD_ORCHESTRATION_MAX_IN_FLIGHT), v.get(OVERLOAD_STATEMENT_TIMEOUT_MS),
        v.get(OVERLOAD_LOCK_TIMEOUT_MS), v.get(OVERLOAD_IDLE_IN_TRANSACTION_TIMEOUT_MS),
        v.get(OVERLOAD_PROPOSAL_DEADLINE_MS), v.get(OVERLOAD_BUS_TIMEOUT_MS), v.get(OVERLOAD_REQUEST_TIMEOUT_MS),
        v.get(OVERLOAD_SHUTDOWN_GRACE_MS));
  }

  static BatonConfig.Events events(Values v) {
    return new BatonConfig.Events(v.get(EVENTS_RETENTION_DAYS), millis(v.get(EVENTS_TRIM_INTERVAL_SECONDS)),
        v.get(EVENTS_TRIM_BATCH), v.get(EVENTS_BUFFER_EVENTS), v.get(EVENTS_BATCH_SIZE));
  }

  static BatonConfig.Security security(Values v) {
    return new BatonConfig.Security(v.get(SECURITY_API_AUTH_STRING), v.get(SECURITY_METRICS_REQUIRE_AUTH),
        v.get(SECURITY_CORS_ALLOWED_ORIGINS), v.get(SECURITY_CORS_ALLOWED_METHODS),
        v.get(SECURITY_CORS_ALLOWED_HEADERS), v.get(SECURITY_ENCRYPTION_KEY));
  }

  static BatonConfig.Embedding embedding(Values v) {
    return new BatonConfig.Embedding(v.get(EMBEDDING_VERTICLES));
  }

  static BatonConfig.Cluster cluster(Values v) {
    return new BatonConfig.Cluster(v.get(CLUSTER_ENABLED), v.get(CLUSTER_HOST), v.get(CLUSTER_PORT),
        v.get(CLUSTER_BUS_PORT), v.get(CLUSTER_MEMBERS), v.get(CLUSTER_NAME));
  }

  private static long millis(double seconds) {
    return Math.round(seconds * 1000);
  }

  /** {@code postgresql://u:secret@h/db} → {@code postgresql://u:***@h/db}, for messages. */
  static String redactPassword(String url) {
    return url.replaceFirst("^(postgres(?:ql)?://[^:/@]*):[^@/]*@", "$1:***@");
  }
}
