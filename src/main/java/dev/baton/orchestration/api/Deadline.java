package dev.baton.orchestration.api;

/**
 * The deadline a proposal carries ({@link System#nanoTime()} based: commands travel only inside
 * one JVM). A proposal past its deadline is never started and never committed: the orchestrator
 * answers UNAVAILABLE instead, so a sender told "unavailable" (503) can rely on nothing having
 * been written. 0 means "no deadline".
 */
public final class Deadline {
  public static final long NONE = 0;

  private Deadline() {}

  /** The deadline {@code millis} from now. */
  public static long in(long millis) {
    long d = System.nanoTime() + millis * 1_000_000L;
    return d == NONE ? 1 : d;
  }

  public static boolean passed(long deadlineNanos) {
    return deadlineNanos != NONE && System.nanoTime() - deadlineNanos > 0;
  }

  static final String MESSAGE = "Service Unavailable: the proposal's deadline passed before it could be committed";

  /** The failure of a proposal refused for its deadline. */
  public static OrchestrationException exceeded() {
    return new OrchestrationException(OrchestrationFailure.UNAVAILABLE, MESSAGE);
  }

  /** True when {@code t} is the failure of {@link #exceeded()}. */
  public static boolean isExceeded(Throwable t) {
    return t instanceof OrchestrationException oe && MESSAGE.equals(oe.getMessage());
  }
}
