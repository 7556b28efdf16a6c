package dev.baton.runinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JinjaTemplatesTest {
  static String render(String t) throws JinjaTemplates.InvalidTemplate {
    JinjaTemplates.validate(t);
    return JinjaTemplates.render(t);
  }

  @Test
  void rendersExpressions() throws Exception {
    assertEquals("4", render("{{ 2 + 2 }}"));
    assertEquals("HELLO", render("{{ 'hello' | upper }}"));
    assertEquals("0,1,2", render("{{ range(3) | join(',') }}"));
    assertEquals("plain {# not a template #}", render("plain {# not a template #}"));
  }

  @Test
  void loopLimits() throws Exception {
    String eleven = "{% for i in range(1) %}{% endfor %}".repeat(11);
    assertEquals("Contains 11 for loops. Templates can contain no more than 10 for loops.",
        assertThrows(JinjaTemplates.InvalidTemplate.class, () -> JinjaTemplates.validate(eleven)).getMessage());
    JinjaTemplates.validate("{% for i in range(1) %}{% endfor %}".repeat(10));
    String deep = "{% for a in range(2) %}{% for b in range(2) %}{% for c in range(2) %}x{% endfor %}{% endfor %}{% endfor %}";
    assertEquals("Contains nested for loops at a depth of 3. Templates can nest for loops no more than 2 loops deep.",
        assertThrows(JinjaTemplates.InvalidTemplate.class, () -> JinjaTemplates.validate(deep)).getMessage());
    assertEquals("xxxx", render("{% for a in range(2) %}{% for b in range(2) %}x{% endfor %}{% endfor %}"));
  }

  @Test
  void rangeTooBigFailsTheRenderNotTheValidation() throws Exception {
    String t = "{% for i in range(101) %}{% endfor %}";
    assertEquals("Failed to render template due to the following error: OverflowError('Range too big. The sandbox "
        + "blocks ranges larger than MAX_TEMPLATE_RANGE=100.')\nTemplate source:\n" + t, render(t));
    assertEquals(100, render("{% for i in range(100) %}x{% endfor %}").length());
  }

  @Test
  void syntaxErrorsAreInvalid() {
    for (String t : new String[] {"{{ 2 + }}", "{% for x in y %}", "{% endfor %}", "{% nosuchtag %}", "{{ foo( }}"}) {
      assertThrows(JinjaTemplates.InvalidTemplate.class, () -> render(t), t);
    }
  }

  @Test
  void sandboxed() throws Exception {
    for (String t : new String[] {
        "{% include '/etc/passwd' %}", "{% import 'x.j2' as x %}", "{% extends 'base.html' %}",
        "{% from 'x' import y %}"}) {
      String out;
      try {
        out = render(t);
      } catch (JinjaTemplates.InvalidTemplate e) {
        continue;
      }
      assertFalse(out.contains("root:"), t + " -> " + out);
    }
    for (String t : new String[] {
        "{{ ''.getClass().forName('java.lang.Runtime') }}", "{{ ''.class.forName('java.lang.System') }}",
        "{{ ____int3rpr3t3r____ }}", "{{ ____int3rpr3t3r____.config }}"}) {
      String out;
      try {
        out = render(t);
      } catch (JinjaTemplates.InvalidTemplate e) {
        continue;
      }
      assertTrue(out.startsWith("Failed to render template") || out.isEmpty(), t + " -> " + out);
    }
  }

  @Test
  void outputIsBounded() throws Exception {
    String big = "x".repeat(200);
    String out = render("{% for a in range(100) %}{% for b in range(100) %}" + big + "{% endfor %}{% endfor %}");
    assertTrue(out.startsWith("Failed to render template"), () -> "length " + out.length());
  }
}
