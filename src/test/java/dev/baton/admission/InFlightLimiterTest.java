package dev.baton.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bound itself and the Retry-After rule, on a clock the test moves. */
class InFlightLimiterTest {
  private static final long SECOND = 1_000_000_000L;
  private long now = 42 * SECOND;

  private InFlightLimiter limiter(int max) {
    return new InFlightLimiter(max, () -> now);
  }

  /** One second in which {@code admitted} requests get a place (and give it back) and {@code refused} do not. */
  private static void second(InFlightLimiter l, int admitted, int refused) {
    for (int i = 0; i < admitted; i++) {
      assertTrue(l.tryAcquire());
      l.release();
    }
    for (int i = 0; i < refused; i++) {
      l.refused();
    }
  }

  private int retryAfterAfterASecond(InFlightLimiter l) {
    now += SECOND;
    return l.retryAfterSeconds();
  }

  @Test
  void refusesPastTheBoundAndCountsPlaces() {
    InFlightLimiter l = limiter(2);
    assertTrue(l.tryAcquire());
    assertFalse(l.full());
    assertTrue(l.tryAcquire());
    assertTrue(l.full());
    assertFalse(l.tryAcquire());
    assertEquals(2, l.inFlight());
    l.release();
    assertFalse(l.full());
    assertTrue(l.tryAcquire());
  }

  @Test
  void withoutRefusalsRetryAfterIsOne() {
    InFlightLimiter l = limiter(4);
    assertEquals(1, l.retryAfterSeconds());
    second(l, 1000, 0);
    assertEquals(1, retryAfterAfterASecond(l));
  }

  @Test
  void refusalsOutnumberingAdmissionsLengthenItAndItComesBackToOne() {
    InFlightLimiter l = limiter(4);
    // 3 refusals per admission, told 1 s: about 3 s of waiting clients per place → (1 + 3) / 2 = 2
    second(l, 1000, 3000);
    assertEquals(2, retryAfterAfterASecond(l));
    // told 2 s, still 3:1 → estimate 6, smoothed (2 + 6) / 2 = 4
    second(l, 1000, 3000);
    assertEquals(4, retryAfterAfterASecond(l));
    assertEquals(4000, l.expectedWaitMillis());
    // refusals equal admissions: the wait holds (4 × 1 = 4)
    second(l, 1000, 1000);
    assertEquals(4, retryAfterAfterASecond(l));
    // a second without refusals: 1 again
    second(l, 1000, 0);
    assertEquals(1, retryAfterAfterASecond(l));
  }

  @Test
  void aFractionalWaitIsGivenAsTheSecondsEitherSide() {
    InFlightLimiter l = limiter(4);
    // 2 refusals per admission, told 1 s: (1 + 2) / 2 = 1.5 s
    second(l, 1000, 2000);
    now += SECOND;
    int ones = 0;
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 4000; i++) {
      int ra = l.retryAfterSeconds();
      seen.add(ra);
      ones += ra == 1 ? 1 : 0;
    }
    assertEquals(Set.of(1, 2), seen);
    assertTrue(ones > 1600 && ones < 2400, "about half: " + ones);
  }

  @Test
  void nothingAdmittedWhileRefusingDoublesUpToTheCap() {
    InFlightLimiter l = limiter(1);
    assertTrue(l.tryAcquire()); // held the whole time
    now += SECOND;
    assertEquals(1, l.retryAfterSeconds());
    int last = 1;
    for (int i = 0; i < 10; i++) {
      second(l, 0, 50);
      now += SECOND;
      int ra = maxOf(l);
      assertTrue(ra >= last && ra <= InFlightLimiter.MAX_RETRY_AFTER_SECONDS, ra + " after " + last);
      last = ra;
    }
    assertEquals(InFlightLimiter.MAX_RETRY_AFTER_SECONDS, last);
  }

  @Test
  void itIsReestimatedAtMostOncePerSecond() {
    InFlightLimiter l = limiter(4);
    second(l, 100, 300);
    now += SECOND / 2;
    assertEquals(1, l.retryAfterSeconds(), "half a second in: not yet");
    now += SECOND / 2;
    assertEquals(2, l.retryAfterSeconds());
    second(l, 0, 100_000);
    assertEquals(2, l.retryAfterSeconds(), "same window: unchanged");
  }

  private static int maxOf(InFlightLimiter l) {
    int max = 0;
    for (int i = 0; i < 2000; i++) {
      max = Math.max(max, l.retryAfterSeconds());
    }
    return max;
  }

  @Test
  void refusedWithinTellsWhetherAnyoneWasRefusedLately() {
    InFlightLimiter l = limiter(1);
    assertFalse(l.refusedWithin(SECOND), "never refused");
    assertTrue(l.tryAcquire());
    assertFalse(l.tryAcquire()); // refused: no place
    assertTrue(l.refusedWithin(SECOND));
    now += SECOND / 2;
    assertTrue(l.refusedWithin(SECOND));
    now += SECOND;
    assertFalse(l.refusedWithin(SECOND), "a second and a half ago");
    l.refused(); // counted without tryAcquire
    assertTrue(l.refusedWithin(SECOND));
  }
}
