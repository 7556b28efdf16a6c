package dev.baton.domain;

import java.util.EnumSet;
import java.util.Set;

/** The nine run state types. COMPLETED, FAILED, CANCELLED and CRASHED are terminal. */
public enum StateType {
  SCHEDULED, PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, CRASHED, PAUSED, CANCELLING;

  public static final Set<StateType> TERMINAL = EnumSet.of(COMPLETED, FAILED, CANCELLED, CRASHED);

  private final String defaultName;

  StateType() {
    String n = name();
    this.defaultName = n.charAt(0) + n.substring(1).toLowerCase();
  }

  public boolean isTerminal() {
    return TERMINAL.contains(this);
  }

  /** "Scheduled", "Pending", … : the name a state gets when none is supplied. */
  public String defaultName() {
    return defaultName;
  }

  public static boolean isTerminal(StateType t) {
    return t != null && t.isTerminal();
  }
}
