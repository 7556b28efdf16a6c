package dev.baton.runinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RunInputValidatorTest {
  private static final ObjectMapper M = new ObjectMapper();

  static JsonNode j(String s) {
    try {
      return M.readTree(s.replace('\'', '"'));
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * Cases with the reason Prefect's validate(raise_on_error=True) gives under Python jsonschema 4.26
   * (one case, a `false` property schema, crashes Prefect's pre-processing; Baton reports it).
   */
  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        RunInputValidatorTest.class.getResourceAsStream("/runinput/validation-cases.jsonl"), StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) continue;
        JsonNode c = M.readTree(line);
        out.add(Arguments.of(++n, c.get(0), c.get(1), c.get(2).isNull() ? null : c.get(2).textValue()));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "case {0}")
  @MethodSource("cases")
  void matchesPrefect(int n, JsonNode instance, JsonNode schema, String expected) {
    assertEquals(expected, RunInputValidator.validate(instance, schema).reason(), "case " + n + ": " + schema);
  }

  @Test
  void requiredAtRootAndTypeAtField() {
    JsonNode schema = j("{'title':'Input','type':'object','properties':{'approved':{'title':'Approved','type':'boolean'}},"
        + "'required':['approved']}");
    RunInputValidator.Result r = RunInputValidator.validate(j("{}"), schema);
    assertInstanceOf(RunInputValidator.Invalid.class, r);
    assertEquals("Validation failed. Failure reason: 'approved' is a required property",
        ((RunInputValidator.Invalid) r).message());
    assertEquals("Reason: Validation failed for field 'approved'. Failure reason: 'not a bool!' is not of type 'boolean'",
        RunInputValidator.validate(j("{'approved':'not a bool!'}"), schema).reason());
    assertInstanceOf(RunInputValidator.Valid.class, RunInputValidator.validate(j("{'approved':true}"), schema));
  }

  @Test
  void circularReferences() {
    String expected = "Invalid schema: Unable to validate schema with circular references.";
    assertEquals(expected, RunInputValidator.validate(j("{}"), j("{'$ref':'#'}")).reason());
    assertEquals(expected, RunInputValidator.validate(j("{'x':1}"),
        j("{'$defs':{'A':{'allOf':[{'$ref':'#/$defs/B'}]},'B':{'anyOf':[{'$ref':'#/$defs/A'}]}},"
            + "'properties':{'x':{'$ref':'#/$defs/A'}}}")).reason());
    // the same cycle is not reached when the instance has no "x"
    assertNull(RunInputValidator.validate(j("{}"),
        j("{'$defs':{'A':{'$ref':'#/$defs/B'},'B':{'$ref':'#/$defs/A'}},'properties':{'x':{'$ref':'#/$defs/A'}}}"))
        .reason());
    // recursion that consumes the instance is fine
    assertNull(RunInputValidator.validate(j("{'child':{'child':{'child':{}}}}"),
        j("{'type':'object','properties':{'child':{'$ref':'#'}}}")).reason());
  }

  @Test
  void remoteRefsAreNeverFetched() {
    RunInputValidator.Result r = RunInputValidator.validate(j("{'a':1}"),
        j("{'properties':{'a':{'$ref':'http://127.0.0.1:9/schema.json'}}}"));
    assertTrue(r.reason().startsWith("Reason: Validation failed. Failure reason: Unresolvable"), r.reason());
    r = RunInputValidator.validate(j("{'a':1}"), j("{'properties':{'a':{'$ref':'classpath:logback.xml'}}}"));
    assertTrue(r.reason().startsWith("Reason: Validation failed. Failure reason: Unresolvable"), r.reason());
  }

  @Test
  void missingLocalRefIsUnresolvable() {
    RunInputValidator.Result r = RunInputValidator.validate(j("{'a':1}"),
        j("{'properties':{'a':{'$ref':'#/definitions/Nope'}}}"));
    assertTrue(r.reason().startsWith("Reason: Validation failed. Failure reason: Unresolvable"), r.reason());
  }

  @Test
  void invalidSchemas() {
    assertEquals("Invalid schema: 5 is not valid under any of the given schemas",
        RunInputValidator.validate(j("{}"), j("{'type':5}")).reason());
    assertEquals("Invalid schema: [1] is not of type 'object'",
        RunInputValidator.validate(j("{}"), j("[1]")).reason());
  }

  @Test
  void formatCheckingCanBeTurnedOff() {
    JsonNode schema = j("{'properties':{'u':{'type':'string','format':'uuid'}},'required':['u']}");
    assertEquals("Reason: Validation failed for field 'u'. Failure reason: 'nope' is not a 'uuid'",
        RunInputValidator.validate(j("{'u':'nope'}"), schema).reason());
    assertNull(RunInputValidator.validate(j("{'u':'nope'}"), schema, false).reason());
  }

  @Test
  void declaredDialectIsIgnored() {
    JsonNode schema = j("{'$schema':'http://example.invalid/unknown','properties':{'a':{'type':'integer'}},"
        + "'required':['a']}");
    assertEquals("Reason: Validation failed. Failure reason: 'a' is a required property",
        RunInputValidator.validate(j("{}"), schema).reason());
  }

  @Test
  void catastrophicPatternsDoNotHang() {
    long t0 = System.nanoTime();
    RunInputValidator.Result r = RunInputValidator.validate(j("{'s':'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'}"),
        j("{'properties':{'s':{'type':'string','pattern':'^(a+)+$'}},'required':['s']}"));
    assertTrue(r.reason().endsWith("does not match '^(a+)+$'"), r.reason());
    assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
  }
}
