package dev.baton.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

  @TempDir Path dir;

  private BatonConfig load(Map<String, String> env) {
    return ConfigLoader.load(env, dir);
  }

  private ConfigException fails(Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> load(env));
  }

  @Test
  void noFileNoEnvGivesBuiltInDefaults() {
    BatonConfig c = load(Map.of());
    assertEquals("0.0.0.0", c.http().host());
    assertEquals(4200, c.http().port());
    assertTrue(c.http().bodyLimitBytes() >= 1024 * 1024);
    assertNull(c.db().url());
    assertTrue(c.db().embedded());
    assertEquals(dir.resolve(".baton-data"), c.db().dataDir());
    assertEquals(16, c.db().poolSize());
    assertEquals(64, c.db().groupSize());
    assertEquals(1, c.db().groupsInFlight());
    assertEquals(1, c.runtime().orchestrationVerticles());
    assertEquals(0, c.db().embeddedPort());
    assertEquals(200, c.api().defaultLimit());
    assertEquals(524288, c.api().maxParameterSize());
    assertEquals(2000, c.api().maxCacheKeyLength());
    assertEquals(Runtime.getRuntime().availableProcessors(), c.runtime().eventLoops());
    assertEquals("INFO", c.runtime().logLevel());
  }

  @Test
  void shippedConfigFileEqualsBuiltInDefaults() throws IOException {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    // the repository's conf/baton.json (tests run with the project directory as working dir)
    Files.copy(Path.of("conf/baton.json"), conf.resolve("baton.json"));
    BatonConfig fromFile = load(Map.of());
    Files.delete(conf.resolve("baton.json"));
    assertEquals(load(Map.of()), fromFile);
  }

  @Test
  void fileValuesApplyAndEnvOverridesThem() throws IOException {
    Path f = dir.resolve("my.json");
    Files.writeString(f, """
        {"http": {"port": 8080, "host": "127.0.0.1"}, "db": {"poolSize": 4, "dataDir": "/var/lib/baton"},
         "runtime": {"logLevel": "debug"}}""");
    BatonConfig c = load(Map.of("BATON_CONFIG", "my.json", "BATON_HTTP_PORT", "0"));
    assertEquals(0, c.http().port());
    assertEquals("127.0.0.1", c.http().host());
    assertEquals(4, c.db().poolSize());
    assertEquals(Path.of("/var/lib/baton"), c.db().dataDir());
    assertEquals("DEBUG", c.runtime().logLevel());
  }

  @Test
  void everyVariableIsRead() {
    BatonConfig c = load(Map.ofEntries(
        Map.entry("BATON_HTTP_HOST", "localhost"),
        Map.entry("BATON_HTTP_PORT", "9999"),
        Map.entry("BATON_HTTP_BODY_LIMIT", "2048"),
        Map.entry("BATON_DB_URL", "postgresql://u:p@db.example:5433/baton?sslmode=disable"),
        Map.entry("BATON_DATA_DIR", "data/pg"),
        Map.entry("BATON_DB_EMBEDDED_PORT", "5555"),
        Map.entry("BATON_DB_POOL_SIZE", "1000"),
        Map.entry("BATON_DB_GROUP_SIZE", "1"),
        Map.entry("BATON_DB_GROUPS_IN_FLIGHT", "3"),
        Map.entry("BATON_ORCHESTRATION_VERTICLES", "2"),
        Map.entry("BATON_API_DEFAULT_LIMIT", "50"),
        Map.entry("BATON_MAX_PARAMETER_SIZE", "0"),
        Map.entry("BATON_MAX_CACHE_KEY_LENGTH", "10"),
        Map.entry("BATON_EVENT_LOOPS", "3"),
        Map.entry("BATON_LOG_LEVEL", "warn"),
        Map.entry("BATON_LATE_RUNS_INTERVAL_SECONDS", "0.5"),
        Map.entry("BATON_LATE_RUNS_AFTER_SECONDS", "0"),
        Map.entry("BATON_PAUSE_EXPIRATIONS_INTERVAL_SECONDS", "2"),
        Map.entry("BATON_PLANNER_STATISTICS_INTERVAL_SECONDS", "0")));
    assertEquals(new BatonConfig(
        new BatonConfig.Http("localhost", 9999, 2048),
        new BatonConfig.Db("postgresql://u:p@db.example:5433/baton?sslmode=disable", dir.resolve("data/pg"), 5555, 1000, 1, 3),
        new BatonConfig.Api(50, 0, 10),
        new BatonConfig.Runtime(3, "WARN", 2),
        new BatonConfig.Services(500, 0, 2000, 0, 5000), BatonConfig.Concurrency.DEFAULTS), c);
    assertFalse(c.db().embedded());
  }

  @Test
  void runInputSettings() throws IOException {
    assertEquals(BatonConfig.RunInput.DEFAULTS, load(Map.of()).runInput());
    assertEquals(new BatonConfig.RunInput(2, 16, 1000, 524288, 1048576, 2000), BatonConfig.RunInput.DEFAULTS);
    assertEquals(new BatonConfig.RunInput(1, 4, 0, 10, 20, 3000), load(Map.of(
        "BATON_RUN_INPUT_WORKERS", "1", "BATON_RUN_INPUT_MAX_QUEUED", "4", "BATON_RUN_INPUT_MAX_TEMPLATES", "0",
        "BATON_RUN_INPUT_MAX_TEMPLATE_CHARS", "10", "BATON_RUN_INPUT_MAX_RENDERED_CHARS", "20",
        "BATON_RUN_INPUT_TIME_BUDGET_MS", "3000")).runInput());
    Path file = dir.resolve("ri.json");
    Files.writeString(file, "{\"runInput\": {\"workers\": 3, \"timeBudgetMs\": 250}}");
    BatonConfig.RunInput fromFile = load(Map.of("BATON_CONFIG", "ri.json", "BATON_RUN_INPUT_WORKERS", "4")).runInput();
    assertEquals(4, fromFile.workers(), "the environment overrides the file");
    assertEquals(250, fromFile.timeBudgetMillis());
    assertEquals(16, fromFile.maxQueued());
    for (String[] bad : new String[][] {
        {"BATON_RUN_INPUT_WORKERS", "0", "an integer 1..64"},
        {"BATON_RUN_INPUT_WORKERS", "65", "an integer 1..64"},
        {"BATON_RUN_INPUT_MAX_QUEUED", "0", "an integer 1..10000"},
        {"BATON_RUN_INPUT_MAX_TEMPLATES", "-1", "an integer 0..1000000"},
        {"BATON_RUN_INPUT_MAX_TEMPLATE_CHARS", "lots", "a number of characters 0..2147483647"},
        {"BATON_RUN_INPUT_MAX_RENDERED_CHARS", "1e6", "a number of characters 0..2147483647"},
        {"BATON_RUN_INPUT_TIME_BUDGET_MS", "0", "a number of milliseconds 1..3600000"}}) {
      String msg = fails(Map.of(bad[0], bad[1])).getMessage();
      assertTrue(msg.startsWith(bad[0] + ": expected " + bad[2]) && !msg.contains("\n"), msg);
    }
  }

  @Test
  void overloadDefaultsDeriveFromThePoolSize() {
    BatonConfig c = load(Map.of("BATON_DB_POOL_SIZE", "10"));
    assertEquals(BatonConfig.Overload.DEFAULTS, c.overload());
    assertEquals(40, c.overload().maxInFlight(c.db().poolSize()));
    assertEquals(80, c.overload().poolWaitQueue(c.db().poolSize()));
    assertNull(c.overload().chainError());
  }

  @Test
  void overloadVariablesAreRead() {
    BatonConfig c = load(Map.ofEntries(
        Map.entry("BATON_MAX_IN_FLIGHT", "50"),
        Map.entry("BATON_DB_POOL_WAIT_QUEUE", "20"),
        Map.entry("BATON_ORCHESTRATION_MAX_IN_FLIGHT", "300"),
        Map.entry("BATON_DB_STATEMENT_TIMEOUT_MS", "1000"),
        Map.entry("BATON_DB_LOCK_TIMEOUT_MS", "0"),
        Map.entry("BATON_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", "7000"),
        Map.entry("BATON_PROPOSAL_DEADLINE_MS", "2000"),
        Map.entry("BATON_EVENT_BUS_TIMEOUT_MS", "4500"),
        Map.entry("BATON_HTTP_REQUEST_TIMEOUT_MS", "6000"),
        Map.entry("BATON_SHUTDOWN_GRACE_MS", "9000")));
    assertEquals(new BatonConfig.Overload(50, 20, 300, 1000, 0, 7000, 2000, 4500, 6000, 9000), c.overload());
    assertEquals(50, c.overload().maxInFlight(16));
    assertEquals(20, c.overload().poolWaitQueue(16));
  }

  @Test
  void brokenTimeoutChainIsRefused() {
    // the bus must outlast deadline + 2 × statement timeout, else a timed-out send could still commit
    String m = fails(Map.of("BATON_PROPOSAL_DEADLINE_MS", "5000", "BATON_DB_STATEMENT_TIMEOUT_MS", "3000",
        "BATON_EVENT_BUS_TIMEOUT_MS", "11000")).getMessage();
    assertTrue(m.startsWith("BATON_EVENT_BUS_TIMEOUT_MS (11000) must exceed"), m);
    m = fails(Map.of("BATON_HTTP_REQUEST_TIMEOUT_MS", "12000")).getMessage();
    assertTrue(m.startsWith("BATON_HTTP_REQUEST_TIMEOUT_MS (12000) must exceed BATON_EVENT_BUS_TIMEOUT_MS"), m);
    assertFalse(m.contains("\n"));
  }

  @Test
  void eventSettings() {
    assertEquals(BatonConfig.Events.DEFAULTS, load(Map.of()).events());
    assertEquals(new BatonConfig.Events(7, 3_600_000, 1000, 10_000, 200), BatonConfig.Events.DEFAULTS);
    BatonConfig c = load(Map.of("BATON_EVENTS_RETENTION_DAYS", "30", "BATON_EVENTS_TRIM_INTERVAL_SECONDS", "0.5",
        "BATON_EVENTS_TRIM_BATCH", "50", "BATON_EVENTS_BUFFER", "64", "BATON_EVENTS_BATCH_SIZE", "8"));
    assertEquals(new BatonConfig.Events(30, 500, 50, 64, 8), c.events());
    assertTrue(fails(Map.of("BATON_EVENTS_RETENTION_DAYS", "0")).getMessage()
        .startsWith("BATON_EVENTS_RETENTION_DAYS: expected an integer 1..36500"));
    assertTrue(fails(Map.of("BATON_EVENTS_BUFFER", "lots")).getMessage()
        .startsWith("BATON_EVENTS_BUFFER: expected an integer 1..1000000"));
    assertTrue(fails(Map.of("BATON_EVENTS_TRIM_INTERVAL_SECONDS", "-1")).getMessage()
        .startsWith("BATON_EVENTS_TRIM_INTERVAL_SECONDS: expected a number of seconds 0..86400"));
  }

  @Test
  void emptyDbUrlMeansEmbedded() {
    assertTrue(load(Map.of("BATON_DB_URL", "")).db().embedded());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "BATON_HTTP_PORT|abc|an integer 0..65535",
      "BATON_HTTP_PORT|65536|an integer 0..65535",
      "BATON_HTTP_PORT|-1|an integer 0..65535",
      "BATON_DB_POOL_SIZE|0|an integer 1..1000",
      "BATON_DB_POOL_SIZE|1001|an integer 1..1000",
      "BATON_DB_GROUP_SIZE|0|an integer 1..1000 (1 = no group commit)",
      "BATON_DB_GROUPS_IN_FLIGHT|x|an integer 1..1000",
      "BATON_ORCHESTRATION_VERTICLES|0|an integer 1..1024",
      "BATON_DB_URL|mysql://x/y|postgresql://user:password@host:port/database",
      "BATON_DB_URL|localhost:5432|postgresql://user:password@host:port/database",
      "BATON_HTTP_BODY_LIMIT|1k|a number of bytes",
      "BATON_API_DEFAULT_LIMIT|0|an integer 1..100000",
      "BATON_MAX_PARAMETER_SIZE|-5|a number of bytes 0..",
      "BATON_MAX_CACHE_KEY_LENGTH|x|an integer 1..1000000",
      "BATON_EVENT_LOOPS|many|an integer 0..1024",
      "BATON_LOG_LEVEL|loud|one of TRACE, DEBUG, INFO, WARN, ERROR, OFF",
      "BATON_HTTP_HOST|a b|a host name or IP address",
      "BATON_MAX_IN_FLIGHT|-1|an integer 0..1000000 (0 = 4 × the pool size)",
      "BATON_DB_STATEMENT_TIMEOUT_MS|0|a number of milliseconds 1..3600000",
      "BATON_DB_LOCK_TIMEOUT_MS|1s|a number of milliseconds 0..3600000 (0 = off)",
      "BATON_SHUTDOWN_GRACE_MS|x|a number of milliseconds 0..3600000",
  })
  void badVariableGivesOneLineNamingIt(String var, String value, String form) {
    ConfigException e = fails(Map.of(var, value));
    assertTrue(e.getMessage().startsWith(var + ": expected "), e.getMessage());
    assertTrue(e.getMessage().contains(form), e.getMessage());
    assertTrue(e.getMessage().contains("\"" + value + "\""), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void passwordIsNotEchoedInErrors() {
    ConfigException e = fails(Map.of("BATON_DB_URL", "postgres://bob:s3cret@host:port/db"));
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
  }

  @Test
  void explicitConfigFileMustExist() {
    ConfigException e = fails(Map.of("BATON_CONFIG", "nope.json"));
    assertTrue(e.getMessage().startsWith("BATON_CONFIG: file "), e.getMessage());
  }

  @Test
  void badFileContentIsOneLine() throws IOException {
    Files.writeString(dir.resolve("a.json"), "{\"http\": {\"port\": ");
    assertTrue(fails(Map.of("BATON_CONFIG", "a.json")).getMessage().contains("not valid JSON"));

    Files.writeString(dir.resolve("b.json"), "{\"http\": {\"prot\": 1}}");
    assertTrue(fails(Map.of("BATON_CONFIG", "b.json")).getMessage().contains("unknown setting \"http.prot\""));

    Files.writeString(dir.resolve("c.json"), "{\"http\": {\"port\": \"x\"}}");
    String m = fails(Map.of("BATON_CONFIG", "c.json")).getMessage();
    assertTrue(m.contains("\"http.port\": expected an integer 0..65535"), m);

    Files.writeString(dir.resolve("d.json"), "{\"db\": {\"poolSize\": [1]}}");
    assertTrue(fails(Map.of("BATON_CONFIG", "d.json")).getMessage().contains("\"db.poolSize\": expected an integer"));

    Files.writeString(dir.resolve("e.json"), "[]");
    assertTrue(fails(Map.of("BATON_CONFIG", "e.json")).getMessage().contains("expected a JSON object"));
  }

  @Test
  void defaultFileUnderWorkingDirIsRead() throws IOException {
    Files.createDirectories(dir.resolve("conf"));
    Files.writeString(dir.resolve("conf/baton.json"), "{\"api\": {\"defaultLimit\": 7}}");
    assertEquals(7, load(Map.of()).api().defaultLimit());
  }

  @Test
  void securityDefaultsAreNoAuthAndNoCors() {
    BatonConfig.Security s = load(Map.of()).security();
    assertEquals(BatonConfig.Security.DEFAULTS, s);
    assertNull(s.apiAuthString());
    assertTrue(s.metricsRequireAuth());
    assertTrue(s.corsAllowedOrigins().isEmpty());
    assertTrue(s.corsAllowedHeaders().contains("Authorization"));
  }

  @Test
  void securityVariablesAreRead() {
    BatonConfig.Security s = load(Map.of(
        "BATON_API_AUTH_STRING", "admin:pa ss:wörd",
        "BATON_METRICS_REQUIRE_AUTH", "FALSE",
        "BATON_CORS_ALLOWED_ORIGINS", "https://ui.example.com, http://localhost:4200,http://[::1]:3000",
        "BATON_CORS_ALLOWED_METHODS", "get,POST",
        "BATON_CORS_ALLOWED_HEADERS", "Authorization, X-Custom",
        "BATON_ENCRYPTION_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")).security();
    assertEquals(new BatonConfig.Security("admin:pa ss:wörd", false,
        java.util.List.of("https://ui.example.com", "http://localhost:4200", "http://[::1]:3000"),
        java.util.List.of("GET", "POST"), java.util.List.of("Authorization", "X-Custom"),
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="), s);
    assertFalse(s.toString().contains("AAEC"), s.toString());
    ConfigException bad = assertThrows(ConfigException.class,
        () -> load(Map.of("BATON_ENCRYPTION_KEY", "c2hvcnQ=")));
    assertTrue(bad.getMessage().contains("base64 of 32 bytes") && !bad.getMessage().contains("c2hvcnQ"), bad.getMessage());
    assertEquals(java.util.List.of("*"), load(Map.of("BATON_CORS_ALLOWED_ORIGINS", "*")).security().corsAllowedOrigins());
    assertNull(load(Map.of("BATON_API_AUTH_STRING", "")).security().apiAuthString());
  }

  @Test
  void authStringIsNeverPrinted() {
    BatonConfig c = load(Map.of("BATON_API_AUTH_STRING", "user:s3cret-value"));
    assertFalse(c.toString().contains("s3cret-value"), c.toString());
    assertTrue(c.security().toString().contains("apiAuthString=***"));
  }

  @Test
  void securityFileValuesIncludingBooleans() throws IOException {
    Files.writeString(dir.resolve("s.json"), """
        {"security": {"metricsRequireAuth": false, "corsAllowedOrigins": "*"}}""");
    BatonConfig.Security s = load(Map.of("BATON_CONFIG", "s.json")).security();
    assertFalse(s.metricsRequireAuth());
    assertEquals(java.util.List.of("*"), s.corsAllowedOrigins());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "BATON_METRICS_REQUIRE_AUTH|yes|true or false",
      "BATON_CORS_ALLOWED_ORIGINS|https://a.example/path|a comma-separated list of origins",
      "BATON_CORS_ALLOWED_ORIGINS|*,https://a.example|a comma-separated list of origins",
      "BATON_CORS_ALLOWED_ORIGINS|a.example|a comma-separated list of origins",
      "BATON_CORS_ALLOWED_ORIGINS|https://a.example,,https://b.example|a comma-separated list of origins",
      "BATON_CORS_ALLOWED_METHODS|TRACE|a comma-separated list of HTTP methods",
      "BATON_CORS_ALLOWED_HEADERS|Bad Header|a comma-separated list of header names",
  })
  void badSecurityVariable(String var, String value, String form) {
    badVariableGivesOneLineNamingIt(var, value, form);
  }

  @Test
  void embeddedVerticlesAreReadInOrder() throws IOException {
    assertEquals(BatonConfig.Embedding.DEFAULTS, load(Map.of()).embedding());
    assertEquals(java.util.List.of("com.example.Worker", "org.acme.Other$Inner"),
        load(Map.of("BATON_VERTICLES", " com.example.Worker ,org.acme.Other$Inner")).embedding().verticles());
    Files.writeString(dir.resolve("e.json"), """
        {"embedding": {"verticles": "a.B"}}""");
    assertEquals(java.util.List.of("a.B"), load(Map.of("BATON_CONFIG", "e.json")).embedding().verticles());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "BATON_VERTICLES|com.example.|a comma-separated list of fully qualified Java class names",
      "BATON_VERTICLES|com.example.Worker,,x.Y|a comma-separated list of fully qualified Java class names",
      "BATON_VERTICLES|my-verticle.jar|a comma-separated list of fully qualified Java class names",
  })
  void badEmbeddingVariable(String var, String value, String form) {
    badVariableGivesOneLineNamingIt(var, value, form);
  }

  @Test
  void redactsPasswords() {
    assertEquals("postgresql://u:***@h:1/db", ConfigLoader.redactPassword("postgresql://u:pw@h:1/db"));
    assertEquals("postgresql://h/db", ConfigLoader.redactPassword("postgresql://h/db"));
  }

  @Test
  void clusterIsOffByDefault() {
    assertEquals(BatonConfig.Cluster.DEFAULTS, load(Map.of()).cluster());
    assertFalse(load(Map.of()).cluster().enabled());
  }

  @Test
  void clusterVariablesAreRead() {
    BatonConfig.Cluster c = load(Map.of(
        "BATON_CLUSTER_ENABLED", "true",
        "BATON_CLUSTER_HOST", "10.0.0.5",
        "BATON_CLUSTER_PORT", "6701",
        "BATON_CLUSTER_BUS_PORT", "6801",
        "BATON_CLUSTER_MEMBERS", " 10.0.0.6:6701, node-b.example:5701 ,[::1]:5701",
        "BATON_CLUSTER_NAME", "prod")).cluster();
    assertEquals(new BatonConfig.Cluster(true, "10.0.0.5", 6701, 6801,
        java.util.List.of("10.0.0.6:6701", "node-b.example:5701", "[::1]:5701"), "prod"), c);
    assertEquals(java.util.List.of(), load(Map.of("BATON_CLUSTER_MEMBERS", "")).cluster().members());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "BATON_CLUSTER_ENABLED|on|true or false",
      "BATON_CLUSTER_PORT|0|an integer 1..65535",
      "BATON_CLUSTER_BUS_PORT|70000|an integer 0..65535",
      "BATON_CLUSTER_MEMBERS|10.0.0.6|a comma-separated list of host:port",
      "BATON_CLUSTER_MEMBERS|10.0.0.6:0|a comma-separated list of host:port",
      "BATON_CLUSTER_MEMBERS|a:1,,b:2|a comma-separated list of host:port",
      "BATON_CLUSTER_MEMBERS|::1:5701|a comma-separated list of host:port",
      "BATON_CLUSTER_MEMBERS|:5701|a comma-separated list of host:port",
      "BATON_CLUSTER_HOST|a b|a host name or IP address",
      "BATON_CLUSTER_NAME|my cluster|a name without spaces",
  })
  void badClusterVariable(String var, String value, String form) {
    badVariableGivesOneLineNamingIt(var, value, form);
  }
}
