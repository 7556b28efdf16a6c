package dev.baton.orchestration.api;

/**
 * Expected failures of an orchestration request, as they travel on the event bus
 * ({@code message.fail(code.code(), text)}). ACCEPT/REJECT/WAIT/ABORT are results, never failures.
 */
public enum OrchestrationFailure {
  /** The run (or an object a rule needs) does not exist. HTTP 404. */
  NOT_FOUND(404),
  /** The command is malformed. HTTP 422. */
  INVALID_INPUT(422),
  /** A uniqueness or foreign-key conflict. HTTP 409. */
  CONFLICT(409),
  /** Transient: database unreachable, deadlock, overload. Retry later. HTTP 503. */
  UNAVAILABLE(503),
  /** A bug or an unexpected database error. HTTP 500. */
  INTERNAL(500);

  private final int httpStatus;

  OrchestrationFailure(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  /** The failure code used on the event bus (equal to the HTTP status, for readability). */
  public int code() {
    return httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public static OrchestrationFailure fromCode(int code) {
    for (OrchestrationFailure f : values()) {
      if (f.httpStatus == code) {
        return f;
      }
    }
    return INTERNAL;
  }
}
