package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package tree's arrows (issue 12, docs/architecture.md): HTTP → services/commands → engine →
 * PostgreSQL, with no route touching SQL, no store knowing the engine or the services, no service
 * knowing HTTP, and an engine (and domain) free of Vert.x and SQL. Every source file under {@code src/main/java} is read; what counts is its import
 * lines and any fully qualified name in its code (comments and string literals are ignored), so a
 * reference written out in full ({@code dev.baton.persistence.SqlErrors.x()}) is caught like an
 * import.
 */
class PackageDependenciesTest {

  /**
   * One arrow that must not exist: files of {@code packages} (and their subpackages) may not refer to
   * {@code forbidden} (or its subpackages), except to the packages {@code allowed} within it.
   */
  record Rule(String name, List<String> packages, List<String> forbidden, List<String> allowed) {
    Rule(String name, List<String> packages, List<String> forbidden) {
      this(name, packages, forbidden, List.of());
    }

    boolean appliesTo(String pkg) {
      return packages.stream().anyMatch(p -> within(pkg, p));
    }

    boolean allows(String reference) {
      return allowed.stream().anyMatch(a -> reference.startsWith(a + "."));
    }
  }

  /**
   * Every top-level package but the composition root ({@code dev.baton}: Main, BatonServer, the
   * embedding entry) and orchestration itself. {@link #everyTopLevelPackageIsJudged} fails when a
   * new one is not listed here, so none escapes the rule about orchestration's internals.
   */
  static final List<String> OUTSIDE_ORCHESTRATION = List.of("dev.baton.admission", "dev.baton.automations", "dev.baton.cluster",
      "dev.baton.config", "dev.baton.domain", "dev.baton.events", "dev.baton.failure", "dev.baton.filter",
      "dev.baton.http", "dev.baton.jsonbus", "dev.baton.observability", "dev.baton.persistence", "dev.baton.runinput",
      "dev.baton.schedule", "dev.baton.service", "dev.baton.wire");

  static final List<Rule> RULES = List.of(
      new Rule("HTTP must not touch SQL (it calls services and commands)",
          List.of("dev.baton.http"),
          List.of("dev.baton.persistence", "io.vertx.sqlclient", "io.vertx.pgclient")),
      new Rule("persistence must not know orchestration, services or HTTP (stores take plain rows)",
          List.of("dev.baton.persistence"),
          List.of("dev.baton.orchestration", "dev.baton.service", "dev.baton.http", "dev.baton.wire")),
      new Rule("services serve HTTP and are not HTTP: no routes, no JSON rendering, no Vert.x Web",
          List.of("dev.baton.service"),
          List.of("dev.baton.http", "dev.baton.wire", "io.vertx.ext.web")),
      new Rule("orchestration and the event store are called by HTTP, never call it",
          List.of("dev.baton.orchestration", "dev.baton.events"),
          List.of("dev.baton.http", "io.vertx.ext.web")),
      new Rule("the wire format (Jackson decode, render, validation) is plain Java: no Vert.x",
          List.of("dev.baton.wire"),
          List.of("io.vertx", "dev.baton.http", "dev.baton.persistence", "dev.baton.service")),
      new Rule("outside orchestration only its contract (orchestration.api) is used; the server's root wires the rest",
          OUTSIDE_ORCHESTRATION,
          List.of("dev.baton.orchestration"),
          List.of("dev.baton.orchestration.api")),
      new Rule("the engine, rules, policies, bookkeeping and domain are plain Java: no Vert.x, no SQL",
          List.of("dev.baton.orchestration.engine", "dev.baton.orchestration.rules",
              "dev.baton.orchestration.policies", "dev.baton.orchestration.bookkeeping", "dev.baton.domain",
              "dev.baton.schedule"),
          List.of("io.vertx", "java.sql", "javax.sql", "org.postgresql", "dev.baton.persistence")));

  private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

  @Test
  void mainSourcesKeepTheArrows() {
    Map<String, String> sources = mainSources();
    Map<String, List<String>> byFile = violations(sources);

    List<String> found = new ArrayList<>();
    byFile.values().forEach(found::addAll);
    assertTrue(found.isEmpty(), found.size() + " forbidden dependencies:\n  " + String.join("\n  ", found));
  }

  /** The scan sees the packages it judges (a wrong directory must not make the test pass). */
  @Test
  void theScanSeesEveryJudgedPackage() {
    Map<String, String> sources = mainSources();
    Set<String> packages = new TreeSet<>();
    sources.values().forEach(s -> packages.add(packageOf(s)));
    for (Rule rule : RULES) {
      for (String p : rule.packages()) {
        assertTrue(packages.stream().anyMatch(q -> within(q, p)), "no source file in " + p + " under src/main/java");
      }
    }
  }

  /** A new top-level package is judged by the orchestration-internals rule, or fails here. */
  @Test
  void everyTopLevelPackageIsJudged() {
    Set<String> unjudged = new TreeSet<>();
    for (String source : mainSources().values()) {
      String pkg = packageOf(source);
      String[] parts = pkg.split("\\.");
      if (parts.length < 3) {
        continue; // the composition root
      }
      String top = parts[0] + "." + parts[1] + "." + parts[2];
      if (!top.equals("dev.baton.orchestration") && !OUTSIDE_ORCHESTRATION.contains(top)) {
        unjudged.add(top);
      }
    }
    assertEquals(Set.of(), unjudged, "add them to OUTSIDE_ORCHESTRATION");
  }

  @Test
  void anAllowedPackageInsideAForbiddenOneIsNotAViolation() {
    Map<String, List<String>> v = violations(Map.of("dev/baton/http/Z.java", """
        package dev.baton.http;

        import dev.baton.orchestration.api.SetStateCommand;
        import dev.baton.orchestration.run.RunOrchestrator;
        import dev.baton.orchestration.Orchestration;
        """));
    assertEquals(List.of(
        "dev/baton/http/Z.java:4: dev.baton.orchestration.run.RunOrchestrator — outside orchestration only its contract (orchestration.api) is used; the server's root wires the rest",
        "dev/baton/http/Z.java:5: dev.baton.orchestration.Orchestration — outside orchestration only its contract (orchestration.api) is used; the server's root wires the rest"),
        v.get("dev/baton/http/Z.java"));
  }

  @Test
  void importsStaticImportsAndQualifiedNamesAreFound() {
    Map<String, List<String>> v = violations(Map.of("dev/baton/http/X.java", """
        package dev.baton.http;

        import dev.baton.persistence.FlowRepository;
        import static io.vertx.sqlclient.Tuple.of;
        import io.vertx.core.Future;
        import dev.baton.persistence.filter.*;

        class X {
          Object a = dev.baton.persistence.SqlErrors.classify(null);
          io.vertx.pgclient.PgException b;
        }
        """));
    assertEquals(List.of(
        "dev/baton/http/X.java:3: dev.baton.persistence.FlowRepository — HTTP must not touch SQL (it calls services and commands)",
        "dev/baton/http/X.java:4: io.vertx.sqlclient.Tuple.of — HTTP must not touch SQL (it calls services and commands)",
        "dev/baton/http/X.java:6: dev.baton.persistence.filter.* — HTTP must not touch SQL (it calls services and commands)",
        "dev/baton/http/X.java:9: dev.baton.persistence.SqlErrors.classify — HTTP must not touch SQL (it calls services and commands)",
        "dev/baton/http/X.java:10: io.vertx.pgclient.PgException — HTTP must not touch SQL (it calls services and commands)"),
        v.get("dev/baton/http/X.java"));
  }

  @Test
  void commentsStringsAndLookalikeNamesAreNotDependencies() {
    Map<String, List<String>> v = violations(Map.of("dev/baton/http/Y.java", """
        package dev.baton.http;

        import dev.baton.persistenceish.Thing; // a different package: dev.baton.persistence.X in a comment
        import my.dev.baton.persistence.Other;

        /** Calls {@link dev.baton.persistence.FlowRepository} through a service. */
        class Y {
          /* io.vertx.sqlclient.Pool */
          String s = "dev.baton.persistence.FlowRepository \\" io.vertx.sqlclient.Pool";
          char c = '"';
          String t = \"""
              io.vertx.pgclient.PgException \\\""" dev.baton.persistence.X
              \""";
        }
        """));
    assertEquals(Map.of(), v);
  }

  @Test
  void everyRuleAppliesToItsSubpackagesAndOnlyThere() {
    Map<String, List<String>> v = violations(Map.of(
        "dev/baton/http/json/A.java", "package dev.baton.http.json;\nimport io.vertx.sqlclient.Row;\nclass A {}\n",
        "dev/baton/persistence/filter/B.java", "package dev.baton.persistence.filter;\nimport dev.baton.service.S;\nclass B {}\n",
        "dev/baton/orchestration/rules/task/C.java", "package dev.baton.orchestration.rules.task;\nimport io.vertx.core.Future;\nclass C {}\n",
        "dev/baton/orchestration/D.java", "package dev.baton.orchestration;\nimport io.vertx.sqlclient.Pool;\n"
            + "import dev.baton.persistence.concurrency.SlotStore;\nclass D {}\n",
        "dev/baton/httpx/E.java", "package dev.baton.httpx;\nimport io.vertx.sqlclient.Pool;\nclass E {}\n",
        "dev/baton/service/F.java", "package dev.baton.service;\nimport dev.baton.http.Http;\n"
            + "import io.vertx.sqlclient.Pool;\nclass F {}\n",
        "dev/baton/domain/command/G.java", "package dev.baton.domain.command;\nimport io.vertx.core.json.JsonObject;\nclass G {}\n"));
    assertEquals(Set.of("dev/baton/http/json/A.java", "dev/baton/persistence/filter/B.java",
        "dev/baton/orchestration/rules/task/C.java", "dev/baton/service/F.java", "dev/baton/domain/command/G.java"),
        v.keySet());
    assertEquals(1, v.get("dev/baton/service/F.java").size());
    assertEquals(1, v.get("dev/baton/orchestration/rules/task/C.java").size());
  }

  // ---------------------------------------------------------------------------------------------

  private static boolean within(String pkg, String parent) {
    return pkg.equals(parent) || pkg.startsWith(parent + ".");
  }

  private static String packageOf(String source) {
    Matcher m = PACKAGE.matcher(code(source));
    return m.find() ? m.group(1) : "";
  }

  /** Every {@code .java} file under src/main/java, by path relative to it (with '/'). */
  static Map<String, String> mainSources() {
    Path root = Path.of(System.getProperty("basedir", ".")).resolve("src/main/java");
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        out.put(root.relativize(f).toString().replace('\\', '/'), Files.readString(f, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertTrue(out.size() > 50, "expected Baton's sources under " + root.toAbsolutePath() + ", found " + out.size());
    return out;
  }

  /** The files that break a rule, each with its violations ("file:line: name — rule") by line. */
  static Map<String, List<String>> violations(Map<String, String> sources) {
    Map<String, List<String>> out = new TreeMap<>();
    sources.forEach((file, source) -> {
      String code = code(source);
      String pkg = packageOf(source);
      TreeMap<Integer, List<String>> byLine = new TreeMap<>();
      for (Rule rule : RULES) {
        if (!rule.appliesTo(pkg)) {
          continue;
        }
        for (String forbidden : rule.forbidden()) {
          // the package, then '.' and a name (or '*'): not a longer package that starts alike
          Matcher m = Pattern.compile("(?<![\\w.])" + Pattern.quote(forbidden) + "\\.[\\w.]*[\\w*]").matcher(code);
          while (m.find()) {
            if (rule.allows(m.group())) {
              continue;
            }
            int line = line(code, m.start());
            byLine.computeIfAbsent(line, k -> new ArrayList<>())
                .add(file + ":" + line + ": " + m.group() + " — " + rule.name());
          }
        }
      }
      if (!byLine.isEmpty()) {
        List<String> found = new ArrayList<>();
        byLine.values().forEach(found::addAll);
        out.put(file, found);
      }
    });
    return out;
  }

  private static int line(String s, int index) {
    int n = 1;
    for (int i = 0; i < index; i++) {
      if (s.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }

  /**
   * {@code source} with comments, string and character literals and text blocks blanked out
   * (line breaks kept, so line numbers still match).
   */
  static String code(String source) {
    StringBuilder out = new StringBuilder(source);
    int n = source.length();
    int i = 0;
    while (i < n) {
      char c = source.charAt(i);
      int end;
      if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
        end = source.indexOf('\n', i);
        end = end < 0 ? n : end;
      } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
        end = source.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
      } else if (source.startsWith("\"\"\"", i)) {
        end = closing(source, i + 3, "\"\"\"");
      } else if (c == '"' || c == '\'') {
        end = closing(source, i + 1, String.valueOf(c));
      } else {
        i++;
        continue;
      }
      for (int k = i; k < end; k++) {
        if (out.charAt(k) != '\n') {
          out.setCharAt(k, ' ');
        }
      }
      i = end;
    }
    return out.toString();
  }

  /** The index just past the unescaped {@code delimiter} at or after {@code from} (or the end). */
  private static int closing(String s, int from, String delimiter) {
    int i = from;
    while (i < s.length()) {
      if (s.charAt(i) == '\\') {
        i += 2;
      } else if (s.startsWith(delimiter, i)) {
        return i + delimiter.length();
      } else {
        i++;
      }
    }
    return s.length();
  }
}
