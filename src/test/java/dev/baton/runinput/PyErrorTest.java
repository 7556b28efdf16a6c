package dev.baton.runinput;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PyErrorTest {
  @Test
  void pythonJsonPaths() {
    assertEquals("$.a[0]['q w']['it\\'s']", PyError.jsonPath(List.of("a", 0, "q w", "it's")));
  }
}
