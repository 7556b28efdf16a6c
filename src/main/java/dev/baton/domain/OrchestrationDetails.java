package dev.baton.domain;

/**
 * {@code details} of an orchestration result: exactly one of accept/reject/abort/wait details.
 * {@code delaySeconds} is set only for wait details. {@code retryAfter} (seconds, optional) is a
 * Baton addition for WAIT answers caused by concurrency limits.
 */
public record OrchestrationDetails(Kind kind, String reason, Integer delaySeconds, Double retryAfter) {

  public OrchestrationDetails(Kind kind, String reason, Integer delaySeconds) {
    this(kind, reason, delaySeconds, null);
  }

  public enum Kind {
    ACCEPT("accept_details"), REJECT("reject_details"), ABORT("abort_details"), WAIT("wait_details");

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  public static final OrchestrationDetails ACCEPT = new OrchestrationDetails(Kind.ACCEPT, null, null);

  public static OrchestrationDetails reject(String reason) {
    return new OrchestrationDetails(Kind.REJECT, reason, null);
  }

  public static OrchestrationDetails abort(String reason) {
    return new OrchestrationDetails(Kind.ABORT, reason, null);
  }

  public static OrchestrationDetails waitFor(int delaySeconds, String reason) {
    return new OrchestrationDetails(Kind.WAIT, reason, delaySeconds);
  }

  /** WAIT with a {@code retry_after} hint in seconds (concurrency limits). */
  public static OrchestrationDetails waitFor(int delaySeconds, String reason, Double retryAfter) {
    return new OrchestrationDetails(Kind.WAIT, reason, delaySeconds, retryAfter);
  }
}
