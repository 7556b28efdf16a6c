package dev.baton.runinput;

import static dev.baton.runinput.ResumeInputCheckTest.ANY_HOW_MANY;
import static dev.baton.runinput.ResumeInputCheckTest.KEYSET;
import static dev.baton.runinput.RunInputValidatorTest.j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.runinput.ResumeInputCheck.Ok;
import dev.baton.runinput.ResumeInputCheck.Outcome;
import dev.baton.runinput.ResumeInputCheck.Reject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The per-request budget of a resume's run-input check: templates, their text and output, time. */
class RunInputBudgetTest {
  static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final String STRINGS = "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}";
  /** Never advances: only the count and size limits can trip. */
  static final LongSupplier FROZEN = () -> 0L;

  static ObjectNode jinja(String template) {
    return F.objectNode().put("__prefect_kind", "jinja").put("template", template);
  }

  static ObjectNode templates(int n, String template) {
    ObjectNode in = F.objectNode();
    for (int i = 0; i < n; i++) {
      in.set("f" + i, jinja(template));
    }
    return in;
  }

  static Outcome check(JsonNode input, RunInputBudget budget, LongSupplier clock) {
    return ResumeInputCheck.check(KEYSET, input, STRINGS, Map.of(), budget.start(clock));
  }

  static String reason(Outcome o) {
    return assertInstanceOf(Reject.class, o).reason();
  }

  static RunInputBudget budget(int templates, long templateChars, long renderedChars, long millis) {
    return new RunInputBudget(templates, templateChars, renderedChars, millis);
  }

  @Test
  void withinEveryLimitTheAnswerIsTheUnlimitedOne() {
    ObjectNode in = templates(5, "{{ 6 * 7 }}");
    Ok ok = assertInstanceOf(Ok.class, check(in, budget(5, 5 * 11, 10, 1000), FROZEN));
    assertEquals(ResumeInputCheck.check(KEYSET, in, STRINGS, Map.of()), ok);
    assertEquals("42", ok.input().get("f4").asText());
  }

  @Test
  void tooManyTemplatesAreRefusedBeforeAnyIsRendered() {
    // the third template would fail to hydrate: the count refuses first, so nothing was rendered
    ObjectNode in = templates(2, "{{ 1 }}");
    in.set("nested", F.arrayNode().add(F.objectNode().set("deep", jinja("{{ 2 + }}"))));
    Outcome o = check(in, budget(2, 1000, 1000, 1000), FROZEN);
    assertEquals("Run input exceeds the server's limits: more than 2 Jinja templates.", reason(o));
    assertTrue(ResumeInputCheck.overBudget(o));
    assertEquals("Error hydrating run input: Invalid jinja: ",
        reason(check(in, budget(3, 1000, 1000, 1000), FROZEN)).substring(0, 42));
  }

  @Test
  void templateTextIsLimitedInTotal() {
    ObjectNode in = templates(3, "{{ 'abcdefgh' }}"); // 16 characters each
    assertInstanceOf(Ok.class, check(in, budget(10, 48, 1000, 1000), FROZEN));
    assertEquals("Run input exceeds the server's limits: Jinja templates longer than 47 characters in total.",
        reason(check(in, budget(10, 47, 1000, 1000), FROZEN)));
  }

  @Test
  void templatesBuiltByOtherKindsAreCountedWhenRendered() {
    // the template text comes from a json kind: the pre-scan sees one template but not its text
    ObjectNode in = F.objectNode();
    in.set("x", F.objectNode().put("__prefect_kind", "jinja")
        .set("template", F.objectNode().put("__prefect_kind", "json").put("value", "\"{{ 'a' ~ 'b' }}\"")));
    assertEquals("ab", assertInstanceOf(Ok.class, check(in, budget(1, 100, 100, 1000), FROZEN)).input().get("x").asText());
    assertEquals("Run input exceeds the server's limits: Jinja templates longer than 10 characters in total.",
        reason(check(in, budget(1, 10, 100, 1000), FROZEN)));
  }

  @Test
  void renderedOutputIsLimitedInTotal() {
    ObjectNode in = templates(2, "{% for i in range(50) %}ab{% endfor %}"); // 100 characters each
    assertInstanceOf(Ok.class, check(in, budget(10, 1000, 200, 1000), FROZEN));
    assertEquals("Run input exceeds the server's limits: rendered templates longer than 199 characters in total.",
        reason(check(in, budget(10, 1000, 199, 1000), FROZEN)));
  }

  /** A clock that advances {@code step} nanoseconds every time it is read, counting the reads. */
  static final class Ticking implements LongSupplier {
    final long step;
    final AtomicLong reads = new AtomicLong();

    Ticking(long step) {
      this.step = step;
    }

    @Override
    public long getAsLong() {
      return reads.getAndIncrement() * step;
    }
  }

  @Test
  void pastTheTimeBudgetTheCheckIsAbandoned() {
    ObjectNode in = templates(400, "{{ 1 + 1 }}");
    Ticking clock = new Ticking(1_000_000); // 1 ms per reading
    assertEquals("Run input exceeds the server's limits: checking it took longer than 50 ms.",
        reason(check(in, budget(1000, 100_000, 100_000, 50), clock)));
    // abandoned at the 51st millisecond: far fewer readings than 400 templates need
    assertTrue(clock.reads.get() <= 52, "clock read " + clock.reads.get() + " times");
  }

  @Test
  void aLongRenderIsAbandonedInsideTheTemplate() {
    String loops = "{% for a in range(100) %}{% for b in range(100) %}{{ a }}{% endfor %}{% endfor %}";
    // finished, the render visits more than 10,000 nodes, each reading the clock
    Ticking frozen = new Ticking(0);
    assertDoesNotThrow(() -> assertEquals(19_000, renderedLength(loops, budget(10, 1000, 10_000_000, 5).start(frozen))));
    assertTrue(frozen.reads.get() > 10_000, "every node reads the clock: " + frozen.reads.get());
    // with 1 ms per reading and 5 ms to spend, it stops a few nodes in
    Ticking clock = new Ticking(1_000_000);
    RunInputBudget.Spending spending = budget(10, 1000, 10_000_000, 5).start(clock);
    assertThrows(RunInputBudget.Exceeded.class, () -> JinjaTemplates.render(loops, spending));
    assertTrue(clock.reads.get() < 100, "abandoned after " + clock.reads.get() + " clock readings");
  }

  private static int renderedLength(String template, RunInputBudget.Spending spending) throws Exception {
    return JinjaTemplates.render(template, spending).length();
  }

  private static void assertDoesNotThrow(org.junit.jupiter.api.function.Executable e) {
    org.junit.jupiter.api.Assertions.assertDoesNotThrow(e);
  }

  @Test
  void validationCountsTowardsTheTime() {
    // no template at all: only the clock readings around validation can trip
    Ticking clock = new Ticking(1_000_000);
    JsonNode in = j("{'how_many':'3'}");
    Outcome o = ResumeInputCheck.check(KEYSET, in, ANY_HOW_MANY, Map.of(), budget(0, 0, 0, 1).start(clock));
    assertEquals("Run input exceeds the server's limits: checking it took longer than 1 ms.", reason(o));
    assertInstanceOf(Ok.class, ResumeInputCheck.check(KEYSET, in, ANY_HOW_MANY, Map.of(),
        budget(0, 0, 0, 1000).start(clock)));
  }

  @Test
  void aPauseWithoutKeysetSpendsNothing() {
    Ok ok = assertInstanceOf(Ok.class, ResumeInputCheck.check(null, templates(5, "{{ 1 }}"), null, Map.of(),
        budget(0, 0, 0, 1).start(new Ticking(1_000_000_000))));
    assertEquals("{{ 1 }}", ok.input().get("f0").get("template").asText(), "nothing hydrated");
  }

  @Test
  void otherRejectionsAreNotOverBudget() {
    Outcome o = check(F.objectNode().put("how_many", 3), budget(0, 0, 0, 1000), FROZEN);
    assertTrue(reason(o).startsWith("Reason: Validation failed"), reason(o));
    assertFalse(ResumeInputCheck.overBudget(o));
    assertThrows(IllegalArgumentException.class, () -> budget(-1, 0, 0, 0));
  }

  @Test
  void warmUpAnswersAsAResumeWould() {
    List<Outcome> outcomes = ResumeInputCheck.warmUp();
    Ok ok = assertInstanceOf(Ok.class, outcomes.get(0));
    assertEquals("0,2,4 OK 1-2 2", ok.input().get("note").asText());
    assertEquals("2024-01-01T00:00:00Z", ok.input().get("when").asText());
    assertTrue(ok.input().get("tags").get(1).asText().startsWith("Failed to render template"));
    assertTrue(reason(outcomes.get(1)).startsWith("Reason: Validation failed"), reason(outcomes.get(1)));
  }
}
