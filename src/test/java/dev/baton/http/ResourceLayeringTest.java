package dev.baton.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12's layering, read from the sources (the tests run in the project directory): the
 * resource routes reach the database only through commands, and the commands know nothing of HTTP.
 */
class ResourceLayeringTest {
  private static final Path MAIN = Path.of("src", "main", "java", "dev", "baton");

  @ParameterizedTest
  @ValueSource(strings = {"ResourceRoutes", "PauseRoutes", "VariableRoutes", "DeploymentRoutes"})
  void resourceRoutesDoNotTouchSql(String route) throws IOException {
    String src = Files.readString(MAIN.resolve("http").resolve(route + ".java"));
    for (String forbidden : List.of("dev.baton.persistence", "io.vertx.sqlclient", "io.vertx.pgclient")) {
      assertFalse(src.contains(forbidden), route + " mentions " + forbidden);
    }
  }

  @Test
  void servicesKnowNothingOfHttp() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(MAIN.resolve("service"))) {
      files = s.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertTrue(files.size() > 5, "service sources found: " + files);
    for (Path f : files) {
      String src = Files.readString(f);
      for (String forbidden : List.of("dev.baton.http", "io.vertx.ext.web", "RoutingContext", "io.vertx.core.http")) {
        assertFalse(src.contains(forbidden), f.getFileName() + " mentions " + forbidden);
      }
    }
  }
}
