package dev.baton.wire;

import static dev.baton.wire.TestJson.j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TypesTest {

  /** Decodes {@code json} with {@code t}; returns the value or the single error's type. */
  static Object run(Type<?> t, String json) {
    Ctx c = new Ctx("body");
    Object v = t.decode(j(json), c);
    if (!c.ok()) {
      assertEquals(1, c.errors().size(), () -> c.errors().toString());
      return "!" + c.errors().get(0).type();
    }
    return v;
  }

  static ValidationError err(Type<?> t, String json) {
    Ctx c = new Ctx("body");
    t.decode(j(json), c);
    return c.errors().get(0);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "5 | 5", "-3 | -3", "5.0 | 5", "'7' | 7", "' 8 ' | 8", "true | 1", "false | 0",
      "5.5 | !int_from_float", "'5.5' | !int_parsing", "'x' | !int_parsing", "null | !int_type",
      "[] | !int_type", "{} | !int_type", "99999999999999999999999 | !int_parsing_size",
      "'99999999999999999999999' | !int_parsing_size", "1e300 | !int_parsing_size"})
  void ints(String json, String expected) {
    assertEquals(expected, String.valueOf(run(Types.INT, json)));
  }

  @Test
  void int32Overflow() {
    assertEquals("!int_parsing_size", run(Types.INT32, "3000000000"));
    assertEquals(2147483647, run(Types.INT32, "2147483647"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "1.5 | 1.5", "2 | 2.0", "'3.25' | 3.25", "' 1e3 ' | 1000.0", "true | 1.0", "'x' | !float_parsing",
      "null | !float_type", "{} | !float_type", "'inf' | !finite_number", "1e400 | !finite_number"})
  void floats(String json, String expected) {
    assertEquals(expected, String.valueOf(run(Types.FLOAT, json)));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "true | true", "false | false", "0 | false", "1 | true", "1.0 | true", "'YES' | true", "'off' | false",
      "'t' | true", "'N' | false", "'True' | true", "2 | !bool_parsing", "'maybe' | !bool_parsing",
      "null | !bool_type", "[] | !bool_type"})
  void bools(String json, String expected) {
    assertEquals(expected, String.valueOf(run(Types.BOOL, json)));
  }

  @Test
  void strings() {
    assertEquals("abc", run(Types.STR, "'abc'"));
    assertEquals("!string_type", run(Types.STR, "5"));
    assertEquals("!string_type", run(Types.STR, "null"));
    ValidationError e = err(Types.STR, "'a\\u0000b'");
    assertEquals("value_error", e.type());
    assertEquals("Value error, NUL characters are not allowed", e.msg());
    assertEquals("!string_too_short", run(Types.str(1, 5), "''"));
    ValidationError tooLong = err(Types.str(1, 3), "'abcd'");
    assertEquals("String should have at most 3 characters", tooLong.msg());
    assertEquals(3, tooLong.ctx().get("max_length").asInt());
  }

  @Test
  void uuids() {
    UUID u = UUID.fromString("0198c2a4-1b2c-7d3e-8f40-123456789abc");
    assertEquals(u, run(Types.UUID_T, "'0198c2a4-1b2c-7d3e-8f40-123456789abc'"));
    assertEquals(u, run(Types.UUID_T, "'0198C2A41B2C7D3E8F40123456789ABC'"));
    assertEquals(u, run(Types.UUID_T, "'urn:uuid:0198c2a4-1b2c-7d3e-8f40-123456789abc'"));
    assertEquals("!uuid_type", run(Types.UUID_T, "5"));
    ValidationError e = err(Types.UUID_T, "'abc'");
    assertEquals("uuid_parsing", e.type());
    assertEquals("Input should be a valid UUID, invalid length: expected length 32 for simple format, found 3", e.msg());
    assertEquals("invalid length: expected length 32 for simple format, found 3", e.ctx().get("error").asText());
    assertTrue(err(Types.UUID_T, "'zz'").msg().contains("invalid character"));
    assertTrue(err(Types.UUID_T, "'0198c2a4-1b2c-7d3e-8f40'").msg().contains("invalid group count: expected 5, found 4"));
    assertTrue(err(Types.UUID_T, "'0198c2a4-1b2c-7d3e-8f4-0123456789abc'").msg()
        .contains("invalid group length in group 3: expected 4, found 3"));
    // Java's UUID.fromString would accept this short form; pydantic does not
    assertEquals("!uuid_parsing", run(Types.UUID_T, "'1-2-3-4-5'"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "'2026-08-21T16:27:33.123456Z' | 2026-08-21T16:27:33.123456Z",
      "'2026-08-21T16:27:33.1234567Z' | 2026-08-21T16:27:33.123456Z",
      "'2026-08-21T16:27:33+00:00' | 2026-08-21T16:27:33Z",
      "'2026-08-21T18:27:33+02:00' | 2026-08-21T16:27:33Z",
      "'2026-08-21T11:27:33-0500' | 2026-08-21T16:27:33Z",
      "'2026-08-21T16:27:33' | 2026-08-21T16:27:33Z",
      "'2026-08-21 16:27' | 2026-08-21T16:27:00Z",
      "'2026-08-21' | 2026-08-21T00:00:00Z",
      "1700000000 | 2023-11-14T22:13:20Z",
      "1700000000.5 | 2023-11-14T22:13:20.500Z",
      "'1700000000' | 2023-11-14T22:13:20Z",
      "1700000000000 | 2023-11-14T22:13:20Z",
      "'2026-13-01' | !datetime_from_date_parsing",
      "'2026-02-30' | !datetime_from_date_parsing",
      "'nope' | !datetime_from_date_parsing",
      "'2026-08-21T25:00:00Z' | !datetime_parsing",
      "'2026-08-21T16:27:33Zjunk' | !datetime_parsing",
      "'2026-08-21Tab:00' | !datetime_parsing",
      "true | !datetime_type",
      "{} | !datetime_type",
      "1e300 | !datetime_parsing",
      "9223372036854775808 | !datetime_parsing",
      "-9223372036854775808 | !datetime_parsing",
      "9223372036854775807 | !datetime_parsing",
      "99999999999999999999999 | !datetime_parsing"})
  void datetimes(String json, String expected) {
    Object v = run(Types.DATETIME, json);
    assertEquals(expected, v instanceof Instant t ? Times.micros(t).toString() : String.valueOf(v));
  }

  @Test
  void datetimeMessages() {
    ValidationError e = err(Types.DATETIME, "'2026-08-21T25:00:00Z'");
    assertEquals("Input should be a valid datetime, hour value is outside expected range of 0-23", e.msg());
    ValidationError d = err(Types.DATETIME, "'2026-0'");
    assertEquals("Input should be a valid datetime or date, input is too short", d.msg());
    assertEquals("input is too short", d.ctx().get("error").asText());
  }

  enum Color { RED, GREEN, BLUE }

  @Test
  void enums() {
    assertEquals(Color.RED, run(Types.enumOf(Color.class), "'RED'"));
    ValidationError e = err(Types.enumOf(Color.class), "'red'");
    assertEquals("enum", e.type());
    assertEquals("Input should be 'RED', 'GREEN' or 'BLUE'", e.msg());
    assertEquals("'RED', 'GREEN' or 'BLUE'", e.ctx().get("expected").asText());
    assertEquals("!enum", run(Types.enumOf(Color.class), "3"));
    ValidationError l = err(Types.literal("a", "b"), "'c'");
    assertEquals("literal_error", l.type());
    assertEquals("Input should be 'a' or 'b'", l.msg());
  }

  @Test
  void containersReportEveryErrorWithIndexOrKeyLoc() {
    Ctx c = new Ctx("body");
    Types.list(Types.INT).decode(j("[1, 'x', 3, null]"), c);
    assertEquals(2, c.errors().size());
    assertEquals(java.util.List.of("body", 1), c.errors().get(0).loc());
    assertEquals(java.util.List.of("body", 3), c.errors().get(1).loc());
    assertEquals("!list_type", run(Types.list(Types.INT), "{}"));
    assertEquals("!dict_type", run(Types.dict(Types.STR), "[]"));
    Ctx d = new Ctx("body");
    Types.STR_MAP.decode(j("{'a': 1}"), d);
    assertEquals("body.a", d.errors().get(0).path());
    assertEquals("!set_type", run(Types.set(Types.STR), "'x'"));
    assertEquals(java.util.List.of("a", "b"), run(Types.set(Types.STR), "['a','b','a']"));
  }

  @Test
  void anyJsonRejectsNulInNestedStringsAndKeys() {
    Ctx c = new Ctx("body");
    JsonNode n = j("{'a': ['ok', {'b': 'x\\u0000'}], 'k\\u0000': 1}");
    assertNull(Types.ANY.decode(n, c));
    assertEquals(2, c.errors().size());
    assertEquals("body.a.1.b", c.errors().get(0).path());
    assertEquals("body.k\u0000.[key]", c.errors().get(1).path());
    assertEquals(TextNode.valueOf("k\u0000"), c.errors().get(1).input());
    assertEquals("!finite_number", run(Types.ANY, "[1e400]"));
    assertEquals(j("{'x': [1, 2.5, 'y', null]}"), run(Types.ANY, "{'x': [1, 2.5, 'y', null]}"));
  }

  @Test
  void labelsUnionErrors() {
    assertEquals(j("{'a': 'x', 'b': 1, 'c': 1.5, 'd': true}"),
        run(Types.LABELS, "{'a': 'x', 'b': 1, 'c': 1.5, 'd': true}"));
    Ctx c = new Ctx("body");
    Types.LABELS.decode(j("{'a': null}"), c);
    assertEquals(java.util.List.of("body.a.bool", "body.a.int", "body.a.float", "body.a.str"),
        c.errors().stream().map(ValidationError::path).toList());
  }

  @Test
  void rangeBounds() {
    Type<Integer> t = Types.range(Types.INT32, 60, 86400);
    assertEquals(60, run(t, "60"));
    ValidationError lo = err(t, "59");
    assertEquals("greater_than_equal", lo.type());
    assertEquals("Input should be greater than or equal to 60", lo.msg());
    assertEquals(60, lo.ctx().get("ge").asInt());
    assertEquals("less_than_equal", err(t, "86401").type());
  }

  @Test
  void timeFormat() {
    assertEquals("2026-08-21T16:27:33.123456Z", Times.format(Instant.parse("2026-08-21T16:27:33.123456789Z")));
    assertEquals("2026-08-21T16:27:33Z", Times.format(Instant.parse("2026-08-21T16:27:33Z")));
    assertEquals("2026-08-21T16:27:33.100000Z", Times.format(Instant.parse("2026-08-21T16:27:33.1Z")));
    assertEquals("1969-12-31T23:59:59.500000Z", Times.format(Instant.parse("1969-12-31T23:59:59.5Z")));
    assertEquals("0001-01-01T00:00:00Z", Times.format(Times.MIN));
  }

  /** pydantic-core 2.4x's wording, the one a Prefect 3.8 install answers with. */
  @Test
  void uuidInvalidCharacterWording() {
    assertEquals("Input should be a valid UUID, invalid character: found `n` at 1", err(Types.UUID_T, "'nope'").msg());
    assertEquals("invalid character: found ` ` at 1",
        err(Types.UUID_T, "'  0198c2a4-1b2c-7d3e-8f40-123456789abc'").ctx().get("error").asText());
  }

  @Test
  void boundsAndStringEnums() {
    ValidationError f = err(Types.range(Types.FLOAT, 60, 86400), "10");
    assertEquals("Input should be greater than or equal to 60", f.msg());
    assertTrue(f.ctx().get("ge").isDouble(), "a float field's bound is a float: " + f.ctx());
    ValidationError i = err(Types.range(Types.INT32, 0, null), "-1");
    assertTrue(i.ctx().get("ge").isInt());
    assertEquals("2.5", Types.display(2.5));
    assertEquals("60", Types.display(60.0));
    assertEquals("and_", run(Types.enumValues("and_", "or_"), "'and_'"));
    ValidationError e = err(Types.enumValues("and_", "or_"), "'xor'");
    assertEquals("enum", e.type());
    assertEquals("Input should be 'and_' or 'or_'", e.msg());
  }
}
