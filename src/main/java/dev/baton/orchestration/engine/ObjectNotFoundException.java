package dev.baton.orchestration.engine;

/** Raised by a rule when an object it needs is gone; the API answers 404 with the message. */
public class ObjectNotFoundException extends RuntimeException {
  public ObjectNotFoundException(String message) {
    super(message, null, false, false);
  }
}
