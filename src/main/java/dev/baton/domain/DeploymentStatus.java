package dev.baton.domain;

/** Whether a runner or worker has polled the deployment recently (Prefect's DeploymentStatus). */
public enum DeploymentStatus {
  READY, NOT_READY;

  /** {@code ready}, {@code not-ready}: the suffix of its status events. */
  public String kebab() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
