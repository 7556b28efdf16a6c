package dev.baton.domain;

/** The answer to a state proposal. */
public enum OrchestrationStatus {
  ACCEPT, REJECT, ABORT, WAIT
}
