package dev.baton.automations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Label and event-name patterns: fnmatchcase with {@code !} negation; a missing label never matches. */
class GlobTest {
  @ParameterizedTest
  @CsvSource(nullValues = "NULL", value = {
      "prefect.flow-run.*, prefect.flow-run.abc, true",
      "prefect.flow-run.*, prefect.task-run.abc, false",
      "prefect.*.Completed, prefect.flow-run.Completed, true",
      "prefect.flow-run.Pending, prefect.flow-run.Pending, true",
      "prefect.flow-run.Pending, prefect.flow-run.PendingX, false",
      "prefect.flow-run.Pending, prefect.flow-run.pending, false",
      "!prefect.flow-run.*, prefect.task-run.x, true",
      "!prefect.flow-run.*, prefect.flow-run.x, false",
      "!anything, NULL, false",
      "anything, NULL, false",
      "a?c, abc, true",
      "a[bc]d, acd, true",
      "a[!bc]d, acd, false",
      "a.b, aXb, false",
      "*, '', true"})
  void matches(String pattern, String value, boolean expected) {
    assertEquals(expected, Glob.matchesLabel(pattern, value));
  }
}
