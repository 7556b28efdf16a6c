package dev.baton.runinput;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.JinjavaNodePreProcessor;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.fn.Functions;
import com.hubspot.jinjava.loader.ResourceNotFoundException;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sandboxed Jinja rendering of user templates with Jinjava, following Prefect's user-template
 * rules: a template is first validated (syntax; at most {@value #MAX_LOOP_COUNT} for-loops, nested at
 * most {@value #MAX_NESTED_LOOP_DEPTH} deep) — failures are {@link InvalidTemplate}; a string without
 * {@code {{} or {@code {%} is returned unrendered; a failure while rendering is not an error but
 * yields Prefect's "Failed to render template …" text. {@code range()} longer than
 * {@value #MAX_TEMPLATE_RANGE} fails the render. No file, classpath or URL access: {@code include},
 * {@code import}, {@code from} and {@code extends} cannot load anything. A render given a
 * {@link RunInputBudget.Spending} is abandoned once its time is spent: the clock is read before
 * every template node (loop bodies included), not only between templates.
 */
public final class JinjaTemplates {
  public static final int MAX_TEMPLATE_RANGE = 100;
  public static final int MAX_LOOP_COUNT = 10;
  public static final int MAX_NESTED_LOOP_DEPTH = 2;

  /** A template that fails validation; the message is the detail after "Invalid jinja: ". */
  public static final class InvalidTemplate extends Exception {
    public InvalidTemplate(String message) {
      super(message, null, false, false);
    }
  }

  /** Python's OverflowError for a too-long range, recognised when rendering fails. */
  static final class RangeTooBig extends RuntimeException {
    RangeTooBig() {
      super("Range too big. The sandbox blocks ranges larger than MAX_TEMPLATE_RANGE=" + MAX_TEMPLATE_RANGE + ".");
    }
  }

  private static final Jinjava JINJAVA = create();

  private JinjaTemplates() {}

  private static Jinjava create() {
    JinjavaConfig config = JinjavaConfig.newBuilder()
        .withMaxOutputSize(1_000_000)
        .withMaxStringLength(1_000_000)
        .withMaxListSize(10_000)
        .withMaxMapSize(10_000)
        .withRangeLimit(MAX_TEMPLATE_RANGE)
        .withMaxRenderDepth(10)
        .withEnableRecursiveMacroCalls(false)
        .withMaxMacroRecursionDepth(10)
        .withNestedInterpretationEnabled(false)
        .withFailOnUnknownTokens(false)
        .withNodePreProcessor(new BudgetCheck())
        .build();
    Jinjava j = new Jinjava(config);
    j.setResourceLocator((name, encoding, interpreter) -> {
      throw new ResourceNotFoundException("Template loading is disabled: " + name);
    });
    try {
      j.getGlobalContext().registerFunction(new ELFunctionDefinition("", "range", JinjaTemplates.class, "range",
          Object.class, Object[].class));
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot install the range guard", e);
    }
    return j;
  }

  /** The spending of the render running on this thread, if it has a budget. */
  private static final ThreadLocal<RunInputBudget.Spending> SPENDING = new ThreadLocal<>();

  /** Thrown inside a render whose time is spent; stackless, as Jinjava may catch it per node. */
  static final class OverTime extends RuntimeException {
    OverTime() {
      super("run input time budget spent", null, false, false);
    }
  }

  /** Jinjava's own pre-processing (current node, thread interrupts), then the budget's clock. */
  private static final class BudgetCheck extends JinjavaNodePreProcessor {
    @Override
    protected void checkForInterrupt(Node node) {
      super.checkForInterrupt(node);
      RunInputBudget.Spending s = SPENDING.get();
      if (s != null && s.overTime()) {
        throw new OverTime();
      }
    }
  }

  /** The guarded {@code range()} (public for the expression engine only). */
  public static List<Integer> range(Object arg1, Object... args) {
    long start = 0;
    long stop;
    long step = 1;
    try {
      if (args == null || args.length == 0) {
        stop = toLong(arg1);
      } else {
        start = toLong(arg1);
        stop = toLong(args[0]);
        if (args.length > 1) step = toLong(args[1]);
      }
    } catch (NumberFormatException e) {
      return Functions.range(arg1, args);
    }
    if (step != 0) {
      long n = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / -step;
      if (n > MAX_TEMPLATE_RANGE) throw new RangeTooBig();
    }
    return Functions.range(arg1, args);
  }

  private static long toLong(Object o) {
    if (o instanceof Number n) return n.longValue();
    if (o == null) throw new NumberFormatException();
    return (long) Double.parseDouble(o.toString().trim());
  }

  /** True when Prefect would treat the string as a template at all. */
  public static boolean maybeTemplate(String s) {
    return s.contains("{{") || s.contains("{%");
  }

  /** Jinjava exposes its interpreter under this name; templates may not touch it. */
  private static final String INTERPRETER_NAME = "____int3rpr3t3r____";

  /** Syntax and loop-limit validation (Prefect's validate_user_template). */
  public static void validate(String template) throws InvalidTemplate {
    if (template.contains(INTERPRETER_NAME)) {
      throw new InvalidTemplate("access to '" + INTERPRETER_NAME + "' is not allowed");
    }
    JinjavaInterpreter interpreter = JINJAVA.newInterpreter();
    JinjavaInterpreter.pushCurrent(interpreter);
    Node root;
    try {
      root = interpreter.parse(template);
    } catch (RuntimeException e) {
      throw new InvalidTemplate(String.valueOf(e.getMessage()));
    } finally {
      JinjavaInterpreter.popCurrent();
    }
    for (TemplateError e : interpreter.getErrors()) {
      if (e.getSeverity() == TemplateError.ErrorType.FATAL || e.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR) {
        throw new InvalidTemplate(e.getMessage());
      }
    }
    List<TagNode> loops = new ArrayList<>();
    collectLoops(root, loops);
    if (loops.isEmpty()) return;
    if (loops.size() > MAX_LOOP_COUNT) {
      throw new InvalidTemplate("Contains " + loops.size() + " for loops. Templates can contain no more than "
          + MAX_LOOP_COUNT + " for loops.");
    }
    int depth = 0;
    for (TagNode loop : loops) depth = Math.max(depth, nestedDepth(loop, 0));
    if (depth > MAX_NESTED_LOOP_DEPTH) {
      throw new InvalidTemplate("Contains nested for loops at a depth of " + depth
          + ". Templates can nest for loops no more than " + MAX_NESTED_LOOP_DEPTH + " loops deep.");
    }
  }

  private static boolean isFor(Node n) {
    return n instanceof TagNode t && "for".equals(t.getName());
  }

  private static void collectLoops(Node n, List<TagNode> out) {
    if (isFor(n)) out.add((TagNode) n);
    for (Node c : n.getChildren()) collectLoops(c, out);
  }

  private static int nestedDepth(Node n, int depth) {
    if (isFor(n)) depth++;
    int max = depth;
    for (Node c : n.getChildren()) max = Math.max(max, nestedDepth(c, depth));
    return max;
  }

  /**
   * Prefect's render_user_template_sync with an empty context. Jinjava parses expressions only
   * while rendering, so an expression syntax error (which jinja2 reports when parsing) surfaces
   * here as {@link InvalidTemplate}.
   */
  public static String render(String template) throws InvalidTemplate {
    if (!maybeTemplate(template)) return template;
    RenderResult r;
    try {
      r = JINJAVA.renderForResult(template, Map.of());
    } catch (RuntimeException e) {
      return failed(describe(e), template);
    }
    return result(r, template);
  }

  /**
   * As {@link #render(String)}, abandoned with {@link RunInputBudget.Exceeded} once {@code spending}'s
   * time is spent (checked before every node), whatever the render produced so far.
   */
  public static String render(String template, RunInputBudget.Spending spending)
      throws InvalidTemplate, RunInputBudget.Exceeded {
    if (!maybeTemplate(template)) return template;
    spending.checkTime();
    RenderResult r;
    SPENDING.set(spending);
    try {
      r = JINJAVA.renderForResult(template, Map.of());
    } catch (RuntimeException e) {
      spending.checkTime();
      return failed(describe(e), template);
    } finally {
      SPENDING.remove();
    }
    // an abandoned render ends with errors or a partial output: never use it
    spending.checkTime();
    return result(r, template);
  }

  private static String result(RenderResult r, String template) throws InvalidTemplate {
    for (TemplateError e : r.getErrors()) {
      if (e.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR && e.getMessage() != null
          && e.getMessage().startsWith("Error parsing '") && e.getMessage().contains(": syntax error at position")) {
        throw new InvalidTemplate(e.getMessage());
      }
    }
    for (TemplateError e : r.getErrors()) {
      if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
        return failed(e.getException() != null ? describe(e.getException())
            : "TemplateError(" + PyRepr.repr(String.valueOf(e.getMessage())) + ")", template);
      }
    }
    return r.getOutput();
  }

  private static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RangeTooBig) return "OverflowError(" + PyRepr.repr(t.getMessage()) + ")";
    }
    return "TemplateError(" + PyRepr.repr(String.valueOf(e.getMessage())) + ")";
  }

  private static String failed(String error, String template) {
    return "Failed to render template due to the following error: " + error + "\nTemplate source:\n" + template;
  }

  /**
   * Renders {@code template} with {@code context} (maps, lists, strings, numbers), in the same
   * sandbox as run input (limits, no loading); a syntax or render error is thrown, with its text.
   */
  public static String renderWith(String template, Map<String, Object> context) throws InvalidTemplate {
    if (!maybeTemplate(template)) return template;
    RenderResult r;
    try {
      r = JINJAVA.renderForResult(template, context);
    } catch (RuntimeException e) {
      throw new InvalidTemplate(describe(e));
    }
    for (TemplateError e : r.getErrors()) {
      if (e.getSeverity() == TemplateError.ErrorType.FATAL || e.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR) {
        throw new InvalidTemplate(e.getException() != null ? describe(e.getException()) : String.valueOf(e.getMessage()));
      }
    }
    return r.getOutput();
  }
}
