package dev.baton.orchestration.api;

/**
 * A typed command of the event-bus API ({@link Addresses}): it carries a {@link Deadline} past
 * which it is refused UNAVAILABLE, nothing written.
 */
public interface BusCommand {
  /** {@link System#nanoTime()} based deadline; {@link Deadline#NONE} = none. */
  long deadlineNanos();

  /** This command with the given deadline. */
  BusCommand withDeadline(long nanos);

  default boolean deadlinePassed() {
    return Deadline.passed(deadlineNanos());
  }
}
