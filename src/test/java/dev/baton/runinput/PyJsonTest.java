package dev.baton.runinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

class PyJsonTest {
  private static final ObjectMapper M = new ObjectMapper();

  /** Inputs with CPython 3.12 json.loads' error text, or the repr() of the decoded value. */
  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        PyJsonTest.class.getResourceAsStream("/runinput/pyjson-cases.jsonl"), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode c = M.readTree(line);
        out.add(Arguments.of(c.get(0).textValue(), c.get(1).isNull() ? null : c.get(1).textValue(),
            c.get(2).isNull() ? null : c.get(2).textValue()));
      }
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void behavesLikePython(String input, String error, String repr) throws Exception {
    if (error != null) {
      PyJson.DecodeError e = assertThrows(PyJson.DecodeError.class, () -> PyJson.loads(input));
      assertEquals(error, e.getMessage());
    } else {
      assertEquals(repr, PyRepr.repr(PyJson.loads(input)));
    }
  }

  @Test
  void specExample() {
    PyJson.DecodeError e = assertThrows(PyJson.DecodeError.class, () -> PyJson.loads("{\"how_many\": }"));
    assertEquals("Expecting value: line 1 column 14 (char 13)", e.getMessage());
  }

  @Test
  void deepNestingFailsCleanly() {
    String deep = "[".repeat(100_000);
    PyJson.DecodeError e = assertThrows(PyJson.DecodeError.class, () -> PyJson.loads(deep));
    assertTrue(e.getMessage().startsWith("Maximum nesting depth exceeded"), e.getMessage());
  }

  @Test
  void bigIntegersAndFloats() throws Exception {
    assertEquals("123456789012345678901234567890", PyRepr.repr(PyJson.loads("123456789012345678901234567890")));
    assertEquals("1e+100", PyRepr.repr(PyJson.loads("1e100")));
    assertEquals("0.0001", PyRepr.repr(PyJson.loads("1e-4")));
    assertEquals("1e-05", PyRepr.repr(PyJson.loads("1e-5")));
    PyJson.DecodeError e = assertThrows(PyJson.DecodeError.class, () -> PyJson.loads("1".repeat(4301)));
    assertTrue(e.getMessage().startsWith("Exceeds the limit (4300 digits)"), e.getMessage());
  }
}
