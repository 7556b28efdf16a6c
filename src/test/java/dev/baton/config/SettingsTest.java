package dev.baton.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

  @TempDir Path dir;

  @Test
  void defaultsRecordsHoldTheDocumentedDefaults() {
    assertEquals(new BatonConfig.Services(5000, 15000, 5000, 5000, 5000), BatonConfig.Services.DEFAULTS);
    assertEquals(new BatonConfig.Concurrency(10, 30, 30, 300, 100L * 365 * 86400, 15000, 100, 1000, 0),
        BatonConfig.Concurrency.DEFAULTS);
    assertEquals(new BatonConfig.RunInput(2, 16, 1000, 512 * 1024, 1024 * 1024, 2000), BatonConfig.RunInput.DEFAULTS);
    assertEquals(new BatonConfig.Overload(0, 0, 1024, 3000, 2000, 10000, 5000, 12000, 15000, 20000),
        BatonConfig.Overload.DEFAULTS);
    assertEquals(new BatonConfig.Events(7, 3_600_000, 1000, 10_000, 200), BatonConfig.Events.DEFAULTS);
    assertEquals(new BatonConfig.Security(null, true, List.of(), List.of("GET", "POST", "PUT", "PATCH", "DELETE"),
        List.of("Authorization", "Content-Type", "X-PREFECT-API-VERSION"), null), BatonConfig.Security.DEFAULTS);
    assertEquals(new BatonConfig.Embedding(List.of()), BatonConfig.Embedding.DEFAULTS);
    assertEquals(new BatonConfig.Cluster(false, "127.0.0.1", 5701, 0, List.of(), "baton"), BatonConfig.Cluster.DEFAULTS);
  }

  @Test
  void loadingNothingGivesEveryDefaultsRecord() {
    BatonConfig c = ConfigLoader.load(Map.of(), dir);
    assertEquals(BatonConfig.Services.DEFAULTS, c.services());
    assertEquals(BatonConfig.Concurrency.DEFAULTS, c.concurrency());
    assertEquals(BatonConfig.RunInput.DEFAULTS, c.runInput());
    assertEquals(BatonConfig.Overload.DEFAULTS, c.overload());
    assertEquals(BatonConfig.Events.DEFAULTS, c.events());
    assertEquals(BatonConfig.Security.DEFAULTS, c.security());
    assertEquals(BatonConfig.Embedding.DEFAULTS, c.embedding());
    assertEquals(BatonConfig.Cluster.DEFAULTS, c.cluster());
    assertEquals(new BatonConfig.Scheduler(60_000, 5_000, 100, 3, 100, 3_600_000, 8_640_000_000L, 500, 1, 15_000, 60_000),
        BatonConfig.Scheduler.DEFAULTS, "Prefect's scheduler defaults (dispatch.md §1.3)");
    assertEquals(BatonConfig.Scheduler.DEFAULTS, c.scheduler());
  }

  @Test
  void keysAndVariablesAreUniqueAndInKnownSections() {
    Set<String> sections = Set.of("http", "db", "api", "runtime", "services", "scheduler", "concurrency", "runInput", "overload",
        "events", "security", "embedding", "cluster");
    Set<String> keys = new HashSet<>();
    Set<String> envs = new HashSet<>();
    for (Setting<?> s : Settings.all()) {
      assertTrue(keys.add(s.key()), s.key());
      assertTrue(envs.add(s.env()), s.env());
      assertTrue(s.env().startsWith("BATON_") && !s.env().equals("BATON_CONFIG"), s.env());
      String[] parts = s.key().split("\\.");
      assertTrue(parts.length == 2 && sections.contains(parts[0]), s.key());
    }
  }

  @Test
  void shippedFileSetsEverySettingButTheAuthString() throws IOException {
    JsonNode root = new ObjectMapper().readTree(Files.readString(Path.of(ConfigLoader.DEFAULT_CONFIG_FILE)));
    Set<String> inFile = new TreeSet<>();
    root.fields().forEachRemaining(section -> section.getValue().fieldNames()
        .forEachRemaining(name -> inFile.add(section.getKey() + "." + name)));
    Set<String> expected = new TreeSet<>();
    Settings.all().forEach(s -> expected.add(s.key()));
    expected.remove(Settings.SECURITY_API_AUTH_STRING.key()); // a secret: kept in the environment
    expected.remove(Settings.SECURITY_ENCRYPTION_KEY.key()); // a secret too
    assertEquals(expected, inFile);
  }

  /** Default, then the file's value, then the variable's, for a setting of each value type. */
  @Test
  void fileOverridesDefaultAndEnvironmentOverridesFileForEveryType() throws IOException {
    precedence(Settings.HTTP_HOST, "\"127.0.0.1\"", "localhost", c -> c.http().host(),
        "0.0.0.0", "127.0.0.1", "localhost");
    precedence(Settings.HTTP_PORT, "8080", "0", c -> c.http().port(), 4200, 8080, 0);
    precedence(Settings.HTTP_BODY_LIMIT_BYTES, "\"2048\"", "4096", c -> c.http().bodyLimitBytes(),
        10L * 1024 * 1024, 2048L, 4096L);
    precedence(Settings.CONCURRENCY_TASK_LEASE_SECONDS, "60", "31536000000", c -> c.concurrency().taskLeaseSeconds(),
        3_153_600_000L, 60L, 31_536_000_000L);
    precedence(Settings.SERVICES_LATE_RUNS_INTERVAL_SECONDS, "0.25", "2",
        c -> c.services().lateRunsIntervalMillis(), 5000L, 250L, 2000L);
    precedence(Settings.EVENTS_TRIM_INTERVAL_SECONDS, "\"0.0004\"", "0", c -> c.events().trimIntervalMillis(),
        3_600_000L, 0L, 0L);
    precedence(Settings.CLUSTER_ENABLED, "true", "FALSE", c -> c.cluster().enabled(), false, true, false);
    precedence(Settings.SECURITY_METRICS_REQUIRE_AUTH, "\"false\"", "true", c -> c.security().metricsRequireAuth(),
        true, false, true);
    precedence(Settings.CLUSTER_MEMBERS, "\"a:1, b:2\"", "c:3", c -> c.cluster().members(),
        List.of(), List.of("a:1", "b:2"), List.of("c:3"));
    precedence(Settings.SECURITY_CORS_ALLOWED_METHODS, "\"get\"", "put,Delete,PUT", c -> c.security().corsAllowedMethods(),
        List.of("GET", "POST", "PUT", "PATCH", "DELETE"), List.of("GET"), List.of("PUT", "DELETE"));
    precedence(Settings.DB_URL, "\"postgresql://h/db\"", "", c -> c.db().url(), null, "postgresql://h/db", null);
    precedence(Settings.SECURITY_API_AUTH_STRING, "\"from-file\"", "from env", c -> c.security().apiAuthString(),
        null, "from-file", "from env");
    precedence(Settings.DB_DATA_DIR, "\"d1\"", "/abs/d2", c -> c.db().dataDir(),
        dir.resolve(".baton-data"), dir.resolve("d1"), Path.of("/abs/d2"));
  }

  private <T> void precedence(Setting<?> s, String fileJson, String envRaw, Function<BatonConfig, T> read,
      T byDefault, T fromFile, T fromEnv) throws IOException {
    String[] key = s.key().split("\\.");
    Files.writeString(dir.resolve("p.json"), "{\"" + key[0] + "\": {\"" + key[1] + "\": " + fileJson + "}}");
    assertEquals(byDefault, read.apply(ConfigLoader.load(Map.of(), dir)), s.key() + " by default");
    assertEquals(fromFile, read.apply(ConfigLoader.load(Map.of("BATON_CONFIG", "p.json"), dir)), s.key() + " from the file");
    assertEquals(fromEnv, read.apply(ConfigLoader.load(Map.of("BATON_CONFIG", "p.json", s.env(), envRaw), dir)),
        s.env() + " over the file");
  }

  @Test
  void badFileValueFailsEvenWhenTheVariableIsGood() throws IOException {
    Files.writeString(dir.resolve("bad.json"), "{\"http\": {\"port\": -1}}");
    String m = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("BATON_CONFIG", "bad.json", "BATON_HTTP_PORT", "80"), dir)).getMessage();
    assertTrue(m.endsWith("\"http.port\": expected an integer 0..65535 (0 = any free port), got \"-1\""), m);
  }
}
