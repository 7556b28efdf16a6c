package dev.baton.orchestration.rules.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WaitForScheduledTimeTest {

  @ParameterizedTest(name = "{0} µs -> {1} s")
  @CsvSource({
      "300000000, 300",
      "1500000, 1",      // exact .5 rounds down
      "1500001, 2",
      "1499999, 1",
      "500000, 0",       // not in the future enough: no wait
      "500001, 1",
      "0, 0",
      "-300000, 0",      // floor(-0.3) + round(0.7) = 0
      "-1500000, -2"})
  void roundsToNearestSecondWithHalfDown(long micros, int expected) {
    assertEquals(expected, WaitForScheduledTime.delaySeconds(micros));
  }
}
