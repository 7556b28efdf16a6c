package dev.baton.runinput;

import static dev.baton.runinput.RunInputValidatorTest.j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.baton.runinput.ResumeInputCheck.Ok;
import dev.baton.runinput.ResumeInputCheck.Outcome;
import dev.baton.runinput.ResumeInputCheck.Reject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** resume.md §7, input-side checklist items 6–13. */
class ResumeInputCheckTest {
  static final Map<String, String> KEYSET = Map.of("description", "paused-1-description",
      "response", "paused-1-response", "schema", "paused-1-schema");
  static final String APPROVAL = "{\"title\":\"Approval\",\"type\":\"object\",\"properties\":{\"approved\":"
      + "{\"title\":\"Approved\",\"type\":\"boolean\"}},\"required\":[\"approved\"]}";
  static final String WITH_DEFAULTS = "{\"title\":\"Input\",\"type\":\"object\",\"properties\":{\"how_many\":"
      + "{\"title\":\"How Many\",\"default\":1,\"type\":\"integer\"}}}";
  static final String ANY_HOW_MANY = "{\"type\":\"object\",\"properties\":{\"how_many\":{\"type\":\"string\"}},"
      + "\"required\":[\"how_many\"]}";
  static final Map<String, JsonNode> VARS = Map.of("my_variable", TextNode.valueOf("my_value"));

  static Outcome check(String runInput, String schema) {
    return ResumeInputCheck.check(KEYSET, runInput == null ? null : j(runInput), schema, VARS);
  }

  static String reason(Outcome o) {
    return assertInstanceOf(Reject.class, o).reason();
  }

  @Test
  void item6SchemaWithDefaultsAndNoBody() {
    Ok ok = assertInstanceOf(Ok.class, check(null, WITH_DEFAULTS));
    assertEquals(j("{}"), ok.input());
    assertEquals("paused-1-response", ok.responseKey());
    assertFalse(ok.shouldStore()); // defaults are not applied; nothing stored
  }

  @Test
  void item7RequiredFieldMissing() {
    assertEquals("Reason: Validation failed. Failure reason: 'approved' is a required property",
        reason(check(null, APPROVAL)));
    assertEquals("Reason: Validation failed. Failure reason: 'approved' is a required property",
        reason(check("{}", APPROVAL)));
  }

  @Test
  void item8SchemaMissing() {
    assertEquals("Run input schema not found.", reason(check("{'approved':true}", null)));
    // a keyset without a "schema" key (Prefect: 500)
    assertEquals("Run input schema not found.", reason(ResumeInputCheck.check(Map.of("response", "r"),
        j("{'approved':true}"), APPROVAL, VARS)));
  }

  @Test
  void item9SchemaNotJson() {
    assertEquals("Run input schema is not valid JSON.", reason(check("{'approved':true}", "not json")));
  }

  @Test
  void item10WrongType() {
    assertEquals("Reason: Validation failed for field 'approved'. Failure reason: 'not a bool!' is not of type 'boolean'",
        reason(check("{'approved':'not a bool!'}", APPROVAL)));
  }

  @Test
  void item11Accepted() {
    Ok ok = assertInstanceOf(Ok.class, check("{'approved':true}", APPROVAL));
    assertEquals("{\"approved\":true}", ok.input().toString());
    assertTrue(ok.shouldStore());
    assertEquals("paused-1-response", ok.responseKey());
  }

  @Test
  void item12Hydration() {
    Ok json = assertInstanceOf(Ok.class,
        check("{'how_many':{'__prefect_kind':'json','value':'\\\"3\\\"'}}", ANY_HOW_MANY));
    assertEquals("{\"how_many\":\"3\"}", json.input().toString());
    Ok jinja = assertInstanceOf(Ok.class,
        check("{'how_many':{'__prefect_kind':'jinja','template':'{{ 2 + 2 }}'}}", ANY_HOW_MANY));
    assertEquals("{\"how_many\":\"4\"}", jinja.input().toString());
    Ok variable = assertInstanceOf(Ok.class,
        check("{'how_many':{'__prefect_kind':'workspace_variable','variable_name':'my_variable'}}", ANY_HOW_MANY));
    assertEquals("{\"how_many\":\"my_value\"}", variable.input().toString());
  }

  @Test
  void item13MalformedDehydratedJson() {
    String r = reason(check("{'how_many':{'__prefect_kind':'json','value':'{\\\"invalid\\\": json}'}}", ANY_HOW_MANY));
    assertEquals("Error hydrating run input: Invalid JSON: Expecting value: line 1 column 13 (char 12)", r);
  }

  @Test
  void hydrationErrorsComeBeforeSchemaLookup() {
    assertEquals("Error hydrating run input: Variable 'x' not found in workspace.",
        reason(check("{'a':{'__prefect_kind':'workspace_variable','variable_name':'x'}}", null)));
  }

  @Test
  void circularSchema() {
    assertEquals("Invalid schema: Unable to validate schema with circular references.",
        reason(check("{}", "{\"$ref\":\"#\"}")));
  }

  @Test
  void noKeysetMeansNoInputHandling() {
    Ok ok = assertInstanceOf(Ok.class, ResumeInputCheck.check(null,
        j("{'x':{'__prefect_kind':'json','value':'bad'}}"), null, VARS));
    assertNull(ok.responseKey());
    assertFalse(ok.shouldStore());
    assertInstanceOf(Ok.class, ResumeInputCheck.check(Map.of(), null, null, VARS));
    assertNull(ResumeInputCheck.schemaKey(Map.of()));
    assertEquals("paused-1-schema", ResumeInputCheck.schemaKey(KEYSET));
  }

  @Test
  void topLevelRemovalBecomesEmptyInput() {
    Ok ok = assertInstanceOf(Ok.class, check("{'__prefect_kind':'json'}", WITH_DEFAULTS));
    assertEquals(j("{}"), ok.input());
    assertFalse(ok.shouldStore());
  }
}
