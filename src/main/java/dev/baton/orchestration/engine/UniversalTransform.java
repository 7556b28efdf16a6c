package dev.baton.orchestration.engine;

/**
 * A bookkeeping transform applied to every transition (spec/orchestration.md §2.4). Its before hook
 * always runs (implementations check {@link RuleContext#isNullified()} themselves); its after hook
 * runs unless a rule recorded an error. It never fizzles; exceptions it throws fail the request.
 */
public abstract non-sealed class UniversalTransform implements PolicyStep {

  public void before(RuleContext ctx) {}

  public void after(RuleContext ctx) {}

  @Override
  public String toString() {
    return name();
  }
}
