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
      "42P01, INTERNAL", "23502, INTERNAL",
      "57014, RETRYABLE", "55P03, RETRYABLE", "25P03, RETRYABLE", "22P05, INVALID_VALUE", "22021, INVALID_VALUE", "22001, INVALID_VALUE",
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
    assertEquals(SqlErrors.Kind.RETRYABLE, SqlErrors.classify(
        new io.vertx.core.http.ConnectionPoolTooBusyException("Connection pool reached max wait queue size of 1")));
    assertEquals(SqlErrors.Kind.RETRYABLE, SqlErrors.classify(new io.vertx.core.VertxException("Pool closed", true)));
  }

  @ParameterizedTest
  @CsvSource({"57014, statement_timeout", "55P03, lock_timeout", "25P03, idle_in_transaction_timeout",
      "40P01, conflict", "08006, database_unavailable"})
  void retryableReasons(String state, String reason) {
    assertEquals(reason, SqlErrors.retryableReason(new PgException("m", "ERROR", state, null)));
  }

  @Test
  void retryableReasonsOfPoolFailures() {
    assertEquals("pool_wait_queue", SqlErrors.retryableReason(new io.vertx.core.http.ConnectionPoolTooBusyException("x")));
    assertEquals("pool_closed", SqlErrors.retryableReason(new io.vertx.core.VertxException("Pool closed", true)));
    // what the pool fails an acquisition with after its connection timeout
    assertEquals("pool_timeout", SqlErrors.retryableReason(new io.vertx.core.VertxException("Timeout waiting for connection", true)));
    assertEquals("pool_timeout", SqlErrors.retryableReason(new io.vertx.core.impl.NoStackTraceThrowable("Timeout")));
    assertEquals(null, SqlErrors.retryableReason(new PgException("m", "ERROR", "23505", null)));
  }
}
