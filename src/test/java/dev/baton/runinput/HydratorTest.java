package dev.baton.runinput;

import static dev.baton.runinput.RunInputValidatorTest.j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HydratorTest {
  private static final Map<String, JsonNode> VARS = Map.of("my_variable", TextNode.valueOf("my_value"),
      "num", j("5"), "obj", j("{'a':[1,2]}"));

  static JsonNode h(String json) throws Hydrator.HydrationException {
    return Hydrator.hydrate(j(json), VARS);
  }

  static String err(String json) {
    return assertThrows(Hydrator.HydrationException.class, () -> h(json)).getMessage();
  }

  @Test
  void aVariableWhoseValueIsNullHydratesToNull() throws Exception {
    Map<String, JsonNode> vars = Map.of("empty", com.fasterxml.jackson.databind.node.NullNode.instance,
        "my_variable", TextNode.valueOf("my_value"));
    assertEquals(j("{\"a\": null, \"b\": \"my_value\"}"), Hydrator.hydrate(j(
        "{\"a\": {\"__prefect_kind\": \"workspace_variable\", \"variable_name\": \"empty\"},"
            + " \"b\": {\"__prefect_kind\": \"workspace_variable\", \"variable_name\": \"my_variable\"}}"), vars));
  }

  @Test
  void plainValuesPassThrough() throws Exception {
    assertEquals(j("{'a':1,'b':[true,null,'x'],'c':{'d':{}}}"), h("{'a':1,'b':[true,null,'x'],'c':{'d':{}}}"));
  }

  @Test
  void jsonKind() throws Exception {
    assertEquals(j("{'how_many':'3'}"), Hydrator.hydrate(
        j("{'how_many':{'__prefect_kind':'json','value':'\\'3\\''}}".replace("\\'", "\\\"")), VARS));
    assertEquals(j("{'x':{'a':[1,2]}}"), Hydrator.hydrate(
        RunInputValidatorTest.j("{'x':{'__prefect_kind':'json','value':'{\\\"a\\\": [1, 2]}'}}"), VARS));
    // missing value: member removed, from objects and arrays, and at the top level
    assertEquals(j("{'keep':1}"), h("{'keep':1,'x':{'__prefect_kind':'json'}}"));
    assertEquals(j("{'l':[1]}"), h("{'l':[1,{'__prefect_kind':'json'}]}"));
    assertEquals(j("{}"), h("{'__prefect_kind':'json'}"));
    // an object value is hydrated first, and must produce a string
    assertEquals(j("{'x':4}"), h("{'x':{'__prefect_kind':'json','value':{'__prefect_kind':'jinja','template':'{{ 2 + 2 }}'}}}"));
  }

  @Test
  void invalidJson() {
    assertEquals("Invalid JSON: Expecting value: line 1 column 13 (char 12)",
        err("{'x':{'__prefect_kind':'json','value':'{\\\"invalid\\\": json}'}}"));
    assertEquals("Invalid JSON: the JSON object must be str, bytes or bytearray, not int",
        err("{'x':{'__prefect_kind':'json','value':3}}"));
    assertEquals("Invalid JSON: the JSON object must be str, bytes or bytearray, not dict",
        err("{'x':{'__prefect_kind':'json','value':{'a':1}}}"));
    assertEquals("Invalid JSON: the JSON object must be str, bytes or bytearray, not NoneType",
        err("{'x':{'__prefect_kind':'json','value':null}}"));
  }

  @Test
  void noneKind() throws Exception {
    assertEquals(j("{'x':{'y':'my_value'}}"),
        h("{'x':{'__prefect_kind':'none','value':{'y':{'__prefect_kind':'workspace_variable','variable_name':'my_variable'}}}}"));
    assertEquals(j("{'x':null}"), h("{'x':{'__prefect_kind':'none','value':null}}"));
    assertEquals("Missing 'value' key in __prefect object", err("{'x':{'__prefect_kind':'none'}}"));
  }

  @Test
  void jinjaKind() throws Exception {
    assertEquals(j("{'how_many':'4'}"), h("{'how_many':{'__prefect_kind':'jinja','template':'{{ 2 + 2 }}'}}"));
    assertEquals(j("{'t':'no template here'}"), h("{'t':{'__prefect_kind':'jinja','template':'no template here'}}"));
    assertEquals(j("{'t':'a-b-c'}"),
        h("{'t':{'__prefect_kind':'jinja','template':'{% for x in [\\\"a\\\",\\\"b\\\",\\\"c\\\"] %}{{ x }}{% if not loop.last %}-{% endif %}{% endfor %}'}}"));
    assertEquals(j("{'t':'[]'}"), h("{'t':{'__prefect_kind':'jinja','template':'[{{ undefined_thing }}]'}}"));
    assertEquals("Missing 'template' key in __prefect object", err("{'x':{'__prefect_kind':'jinja'}}"));
    assertTrue(err("{'x':{'__prefect_kind':'jinja','template':'{% for x in y %}'}}").startsWith("Invalid jinja: "));
    assertTrue(err("{'x':{'__prefect_kind':'jinja','template':'{{ 2 + }}'}}").startsWith("Invalid jinja: "));
  }

  @Test
  void workspaceVariableKind() throws Exception {
    assertEquals(j("{'how_many':'my_value'}"),
        h("{'how_many':{'__prefect_kind':'workspace_variable','variable_name':'my_variable'}}"));
    assertEquals(j("{'n':5,'o':{'a':[1,2]}}"),
        h("{'n':{'__prefect_kind':'workspace_variable','variable_name':'num'},"
            + "'o':{'__prefect_kind':'workspace_variable','variable_name':'obj'}}"));
    assertEquals("Variable 'nope' not found in workspace.",
        err("{'x':{'__prefect_kind':'workspace_variable','variable_name':'nope'}}"));
    assertEquals("Variable '5' not found in workspace.",
        err("{'x':{'__prefect_kind':'workspace_variable','variable_name':5}}"));
    assertEquals(j("{}"), h("{'x':{'__prefect_kind':'workspace_variable'}}"));
  }

  @Test
  void otherKindsGiveTheirValue() throws Exception {
    assertEquals(j("{'x':{'__prefect_kind':'json'},'y':null,'z':null}"),
        h("{'x':{'__prefect_kind':'something','value':{'__prefect_kind':'json'}},"
            + "'y':{'__prefect_kind':'something'},'z':{'__prefect_kind':null,'value':null}}"));
  }

  @Test
  void firstErrorWins() {
    assertEquals("Variable 'a' not found in workspace.",
        err("{'p':{'__prefect_kind':'workspace_variable','variable_name':'a'},'q':{'__prefect_kind':'none'}}"));
  }

  @Test
  void inputIsNotModified() throws Exception {
    JsonNode in = j("{'x':{'__prefect_kind':'json','value':'1'},'drop':{'__prefect_kind':'json'}}");
    JsonNode copy = in.deepCopy();
    assertEquals(j("{'x':1}"), Hydrator.hydrate(in, VARS));
    assertEquals(copy, in);
    assertFalse(Hydrator.hydrate(j("null"), VARS).isObject());
  }

  @Test
  void findsWorkspaceVariableReferencesAnywhereInTheTree() {
    assertTrue(Hydrator.referencesVariables(j("{'__prefect_kind':'workspace_variable','variable_name':'v'}")));
    assertTrue(Hydrator.referencesVariables(j("{'a':[1,{'b':{'__prefect_kind':'workspace_variable'}}]}")));
    assertTrue(Hydrator.referencesVariables(
        j("{'__prefect_kind':'none','value':{'__prefect_kind':'workspace_variable','variable_name':'v'}}")));
    // the word alone, a json kind's text, other kinds: nothing to load
    assertFalse(Hydrator.referencesVariables(j("{'workspace_variable':'workspace_variable'}")));
    assertFalse(Hydrator.referencesVariables(
        j("{'__prefect_kind':'json','value':'{\\\"__prefect_kind\\\": \\\"workspace_variable\\\"}'}")));
    assertFalse(Hydrator.referencesVariables(j("{'__prefect_kind':'jinja','template':'x'}")));
    assertFalse(Hydrator.referencesVariables(j("[1,'a',null]")));
    assertFalse(Hydrator.referencesVariables(null));
  }
}
