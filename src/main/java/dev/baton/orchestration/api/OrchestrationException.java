package dev.baton.orchestration.api;

/** An expected orchestration failure with its code; see {@link OrchestrationFailure}. */
public class OrchestrationException extends RuntimeException {
  private final OrchestrationFailure failure;

  public OrchestrationException(OrchestrationFailure failure, String message) {
    super(message, null, false, false);
    this.failure = failure;
  }

  public OrchestrationException(OrchestrationFailure failure, String message, Throwable cause) {
    super(message, cause, false, false);
    this.failure = failure;
  }

  public OrchestrationFailure failure() {
    return failure;
  }

  public static OrchestrationException notFound(String message) {
    return new OrchestrationException(OrchestrationFailure.NOT_FOUND, message);
  }
}
