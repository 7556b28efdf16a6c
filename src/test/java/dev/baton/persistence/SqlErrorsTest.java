package dev.baton.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {

  @ParameterizedTest
  @CsvSource({
      "23505, UNIQUE_VIOLATION", "23503, FOREIGN_KEY_VIOLATION", "40001, RETRYABLE", "40P01, RETRYABLE",
      "08006, RETRYABLE", "08001, RETRYABLE", "57P01, RETRYABLE", "53300, RETRYABLE", "22012, INTERNAL",
      "42P01, INTERNAL", "23502, INTERNAL", "22P05, INVALID_VALUE", "22021, INVALID_VALUE", "22001, INVALID_VALUE",
      "22003, INVALID_VALUE", "22007, INVALID_VALUE", "22008, INVALID_VALUE", "23514, INVALID_VALUE"})
  void sqlStates(String state, SqlErrors.Kind kind) {
    assertEquals(kind, SqlErrors.classify(state));
    assertEquals(kind, SqlErrors.classify(new RuntimeException("wrapped", new PgException("m", "ERROR", state, null))));
  }

  @Test
  void nonPgFailures() {
    assertEquals(SqlErrors.Kind.RETRYABLE, SqlErrors.classify(ClosedConnectionException.INSTANCE));
    assertEquals(SqlErrors.Kind.INTERNAL, SqlErrors.classify(new IllegalStateException("x")));
    assertEquals(SqlErrors.Kind.INTERNAL, SqlErrors.classify((String) null));
  }
}
