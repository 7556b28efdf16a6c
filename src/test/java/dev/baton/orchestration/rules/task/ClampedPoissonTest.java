package dev.baton.orchestration.rules.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClampedPoissonTest {

  @ParameterizedTest
  @CsvSource({"10, 0.3", "1, 0.5", "60, 1.0", "5, 0.1", "100, 2.0"})
  void staysWithinTheClampsAndAveragesNearTheMean(double mean, double factor) {
    Random random = new Random(7);
    double lower = mean * ClampedPoisson.lowerMultiple(1 + factor);
    double upper = mean * (1 + factor);
    double sum = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      double v = ClampedPoisson.interval(mean, factor, random);
      assertTrue(v >= lower - 1e-9 && v <= upper + 1e-9, v + " outside [" + lower + ", " + upper + "]");
      sum += v;
    }
    double avg = sum / n;
    assertTrue(Math.abs(avg - mean) / mean < 0.1, "average " + avg + " too far from " + mean);
  }

  @Test
  void lowerClampMultipleMatchesItsDefinition() {
    // k = 1.3: log2(2^1.3 / (2^1.3 - 1))
    double p = Math.pow(2, 1.3);
    assertEquals(Math.log(p / (p - 1)) / Math.log(2), ClampedPoisson.lowerMultiple(1.3), 1e-12);
    assertEquals(1.0, ClampedPoisson.lowerMultiple(1.0), 1e-12); // 2/(2-1) = 2, log2 2 = 1
    assertEquals(0.0, ClampedPoisson.lowerMultiple(50));
  }

  @Test
  void zeroMeanGivesZero() {
    assertEquals(0.0, ClampedPoisson.interval(0, 0.5, new Random(1)));
  }

  @Test
  void nonPositiveClampingFactorIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> ClampedPoisson.interval(10, 0, new Random(1)));
    assertThrows(IllegalArgumentException.class, () -> ClampedPoisson.interval(10, -1, new Random(1)));
  }

  @Test
  void isDeterministicForASeed() {
    assertEquals(ClampedPoisson.interval(10, 0.3, new Random(3)), ClampedPoisson.interval(10, 0.3, new Random(3)));
  }
}
