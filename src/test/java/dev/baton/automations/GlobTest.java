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
      "*, '', true",
      "*, anything, true",
      "prefect.flow-run.*, prefect.flow-run., true",
      "prefect.flow-run.*, prefect.flow-ru, false",
      "a*b*, aXbY, true",
      "a*b*, aXcY, false",
      "!a*, b, true"})
  void matches(String pattern, String value, boolean expected) {
    assertEquals(expected, Glob.matchesLabel(pattern, value));
  }

  /** Prefect's covering test of event names: the expect ∪ after globs, {@code *} one or more characters, at the name's start. */
  @ParameterizedTest
  @CsvSource({
      "prefect.flow-run.Completed, prefect.flow-run.Completed, true",
      "prefect.flow-run.Completed, prefect.flow-run.CompletedX, true",
      "prefect.flow-run.Completed, prefect.flow-run.Complete, false",
      "prefect.flow-run.*, prefect.flow-run.Failed, true",
      "prefect.flow-run.*, prefect.flow-run., false",
      "prefect.*.Failed, prefect.task-run.Failed, true",
      "prefect.*.Failed, prefect.task-run.Crashed, false"})
  void coveringMatchesTheStartOfAName(String glob, String name, boolean expected) {
    assertEquals(expected, Triggers.EventTrigger.covering(java.util.List.of(glob), java.util.List.of()).matchesStartOf(name));
    assertEquals(expected, Triggers.EventTrigger.covering(java.util.List.of("other.never"), java.util.List.of(glob))
        .matchesStartOf(name), "after patterns count too");
  }
}
