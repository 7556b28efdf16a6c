package dev.baton.runinput;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.LongSupplier;

/**
 * How much work checking one resume's {@code run_input} may cost: Jinja templates rendered, their
 * text and their output in total, and the wall-clock time of hydration and validation together.
 * Prefect has no such limits; a run input past one is refused with a REJECT like the other input
 * problems (reason {@link #REASON_PREFIX} + the limit), nothing written.
 *
 * @param maxTemplates most Jinja templates rendered
 * @param maxTemplateChars most characters of template text, all templates together
 * @param maxRenderedChars most characters of rendered output, all templates together
 * @param timeMillis most wall-clock milliseconds for hydration and validation together
 */
public record RunInputBudget(int maxTemplates, long maxTemplateChars, long maxRenderedChars, long timeMillis) {
  /** No limit at all (the static helpers of {@link Hydrator} and {@link ResumeInputCheck} without a budget). */
  public static final RunInputBudget UNLIMITED = new RunInputBudget(Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
      Long.MAX_VALUE);

  public static final String REASON_PREFIX = "Run input exceeds the server's limits: ";

  public RunInputBudget {
    if (maxTemplates < 0 || maxTemplateChars < 0 || maxRenderedChars < 0 || timeMillis < 0) {
      throw new IllegalArgumentException("budget limits must not be negative");
    }
  }

  /** The run input costs more than the budget allows; the message is the limit, worded for the REJECT reason. */
  public static final class Exceeded extends Exception {
    Exceeded(String limit) {
      super(limit, null, false, false);
    }

    /** The REJECT reason, e.g. {@code Run input exceeds the server's limits: more than 500 Jinja templates.} */
    public String reason() {
      return REASON_PREFIX + getMessage() + ".";
    }
  }

  /** Starts spending this budget now, on the given clock (nanoseconds, as {@link System#nanoTime}). */
  public Spending start(LongSupplier nanoClock) {
    return new Spending(this, nanoClock);
  }

  /** Starts spending this budget now, on {@link System#nanoTime}. */
  public Spending start() {
    return start(System::nanoTime);
  }

  /**
   * One check's spending. Not thread-safe: one check runs on one thread. The time limit is checked
   * between templates and inside a render (before every template node, see {@link JinjaTemplates}),
   * so work past it is abandoned, not finished.
   */
  public static final class Spending {
    private final RunInputBudget budget;
    private final LongSupplier clock;
    private final long started;
    private final long timeNanos;
    private int templates;
    private long templateChars;
    private long renderedChars;

    private Spending(RunInputBudget budget, LongSupplier clock) {
      this.budget = budget;
      this.clock = clock;
      this.started = clock.getAsLong();
      this.timeNanos = budget.timeMillis >= Long.MAX_VALUE / 1_000_000 ? Long.MAX_VALUE : budget.timeMillis * 1_000_000;
    }

    public RunInputBudget budget() {
      return budget;
    }

    /**
     * Refuses a run input that holds more templates (objects of kind {@code jinja}, at any depth) or
     * more literal template text than the budget allows, before anything is rendered.
     */
    public void prescan(JsonNode value) throws Exceeded {
      long[] found = new long[2];
      scan(value, found);
      if (found[0] > budget.maxTemplates) {
        throw tooManyTemplates();
      }
      if (found[1] > budget.maxTemplateChars) {
        throw templateTextTooLong();
      }
    }

    private static void scan(JsonNode n, long[] found) {
      if (n == null || !n.isContainerNode()) {
        return;
      }
      if (n.isObject()) {
        JsonNode kind = n.get(Hydrator.KIND);
        if (kind != null && "jinja".equals(kind.textValue())) {
          found[0]++;
          JsonNode t = n.get("template");
          if (t != null && t.isTextual()) {
            found[1] += t.textValue().length();
          }
        }
      }
      for (JsonNode child : n) {
        scan(child, found);
      }
    }

    /** Counts one template about to be rendered. */
    public void template(String text) throws Exceeded {
      templates++;
      templateChars += text.length();
      if (templates > budget.maxTemplates) {
        throw tooManyTemplates();
      }
      if (templateChars > budget.maxTemplateChars) {
        throw templateTextTooLong();
      }
      checkTime();
    }

    /** Counts one template's rendered output. */
    public void rendered(String output) throws Exceeded {
      renderedChars += output.length();
      if (renderedChars > budget.maxRenderedChars) {
        throw new Exceeded("rendered templates longer than " + budget.maxRenderedChars + " characters in total");
      }
      checkTime();
    }

    /** Fails once the time budget is spent. */
    public void checkTime() throws Exceeded {
      if (overTime()) {
        throw new Exceeded("checking it took longer than " + budget.timeMillis + " ms");
      }
    }

    /** True once the time budget is spent. */
    public boolean overTime() {
      return clock.getAsLong() - started > timeNanos;
    }

    private Exceeded tooManyTemplates() {
      return new Exceeded("more than " + budget.maxTemplates + " Jinja templates");
    }

    private Exceeded templateTextTooLong() {
      return new Exceeded("Jinja templates longer than " + budget.maxTemplateChars + " characters in total");
    }
  }
}
