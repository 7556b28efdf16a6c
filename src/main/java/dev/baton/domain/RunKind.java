package dev.baton.domain;

/** Flow runs and task runs are orchestrated by the same engine with different policies. */
public enum RunKind {
  FLOW_RUN, TASK_RUN
}
