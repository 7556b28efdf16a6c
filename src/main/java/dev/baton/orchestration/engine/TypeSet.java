package dev.baton.orchestration.engine;

import dev.baton.domain.StateType;
import java.util.EnumSet;
import java.util.Set;

/**
 * A set of state types that may also contain "no state" (null): the FROM and TO declarations of a
 * rule.
 */
public final class TypeSet {
  private final EnumSet<StateType> types;
  private final boolean includesNull;

  private TypeSet(EnumSet<StateType> types, boolean includesNull) {
    this.types = types;
    this.includesNull = includesNull;
  }

  /** Every type, and no state. */
  public static final TypeSet ALL = new TypeSet(EnumSet.allOf(StateType.class), true);
  public static final TypeSet TERMINAL = of(StateType.TERMINAL);

  public static TypeSet of(StateType first, StateType... rest) {
    return new TypeSet(EnumSet.of(first, rest), false);
  }

  public static TypeSet of(Set<StateType> types) {
    return new TypeSet(types.isEmpty() ? EnumSet.noneOf(StateType.class) : EnumSet.copyOf(types), false);
  }

  /** Every type and no state, except the given types. */
  public static TypeSet allExcept(StateType first, StateType... rest) {
    return new TypeSet(EnumSet.complementOf(EnumSet.of(first, rest)), true);
  }

  public boolean contains(StateType t) {
    return t == null ? includesNull : types.contains(t);
  }

  public boolean includesNull() {
    return includesNull;
  }

  public Set<StateType> types() {
    return EnumSet.copyOf(types);
  }

  @Override
  public String toString() {
    return (includesNull ? "{∅," : "{") + types + "}";
  }
}
