package dev.baton.orchestration.rules.task;

import java.util.random.RandomGenerator;

/**
 * Retry jitter: an exponentially distributed interval ("Poisson interval") with the given mean,
 * truncated to {@code [lower, mean × (1 + clampingFactor)]}, where the lower bound is chosen so that
 * the truncated mean stays close to {@code mean}. Same distribution as Prefect's
 * {@code clamped_poisson_interval}; written from its description.
 */
public final class ClampedPoisson {
  private ClampedPoisson() {}

  /**
   * A random interval with mean ≈ {@code mean}, never above {@code mean × (1 + clampingFactor)}.
   *
   * @throws IllegalArgumentException when {@code clampingFactor <= 0}
   */
  public static double interval(double mean, double clampingFactor, RandomGenerator random) {
    if (!(clampingFactor > 0)) {
      throw new IllegalArgumentException("`clamping_factor` must be >= 0.");
    }
    if (!(mean > 0)) {
      return 0.0;
    }
    double upperMultiple = 1 + clampingFactor;
    double upper = mean * upperMultiple;
    double lower = Math.max(0, mean * lowerMultiple(upperMultiple));
    // sample uniformly between the CDF values of the bounds, then invert the exponential CDF
    double u = uniform(random, cdf(lower, mean), cdf(upper, mean));
    return -Math.log(Math.max(1 - u, 1e-10)) * mean;
  }

  /**
   * The lower clamp, as a multiple of the mean, that balances an upper clamp of {@code k × mean}:
   * {@code log2(2^k / (2^k − 1))}; 0 for large k (where it vanishes anyway).
   */
  static double lowerMultiple(double k) {
    if (k >= 50) {
      return 0.0;
    }
    double p = Math.pow(2, k);
    return Math.log(Math.max(p / (p - 1), 1e-10)) / Math.log(2);
  }

  /** P(X ≤ x) of an exponential distribution with the given mean. */
  static double cdf(double x, double mean) {
    return 1 - Math.exp(-x / mean);
  }

  private static double uniform(RandomGenerator random, double a, double b) {
    return a + (b - a) * random.nextDouble();
  }
}
