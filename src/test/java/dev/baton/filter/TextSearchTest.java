package dev.baton.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The text-search syntax of Prefect's log and event filters (server/utilities/text_search_parser.py). */
class TextSearchTest {
  static void parses(String query, List<String> include, List<String> exclude, List<String> required) {
    TextSearch t = TextSearch.parse(query);
    assertEquals(include, t.include(), "include of " + query);
    assertEquals(exclude, t.exclude(), "exclude of " + query);
    assertEquals(required, t.required(), "required of " + query);
  }

  @Test
  void termsPrefixesAndPhrases() {
    parses("error", List.of("error"), List.of(), List.of());
    parses("error warning", List.of("error", "warning"), List.of(), List.of());
    parses("error -debug !trace +prod", List.of("error"), List.of("debug", "trace"), List.of("prod"));
    parses("\"connection timeout\" -\"not me\"", List.of("connection timeout"), List.of("not me"), List.of());
    parses("a\"b c\"d", List.of("a", "b c", "d"), List.of(), List.of());
  }

  @Test
  void edgeCases() {
    assertTrue(TextSearch.parse("").isEmpty());
    assertTrue(TextSearch.parse("   \t ").isEmpty());
    assertTrue(TextSearch.parse("\u00a0").isEmpty(), "Python counts a no-break space as whitespace");
    parses("- error", List.of("error"), List.of(), List.of()); // a prefix before a space is dropped
    parses("error -", List.of("error"), List.of(), List.of());
    parses("--x", List.of(), List.of("-x"), List.of());
    parses("\"unclosed phrase", List.of("unclosed phrase"), List.of(), List.of());
    parses("\"   \" x", List.of("x"), List.of(), List.of()); // a blank phrase is dropped
    parses("\"say \\\"hi\\\" \\\\ \\n\"", List.of("say \"hi\" \\ \\n"), List.of(), List.of());
  }
}
