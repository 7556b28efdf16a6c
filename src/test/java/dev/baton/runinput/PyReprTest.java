package dev.baton.runinput;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PyReprTest {
  @Test
  void strings() {
    assertEquals("'abc'", PyRepr.repr("abc"));
    assertEquals("\"a'b\"", PyRepr.repr("a'b"));
    assertEquals("'a\\'b\"'", PyRepr.repr("a'b\""));
    assertEquals("'a\\nb\\t\\\\'", PyRepr.repr("a\nb\t\\"));
    assertEquals("'\\x00\\x7f'", PyRepr.repr("\u0000\u007f"));
    assertEquals("'é😀'", PyRepr.repr("é😀"));
    assertEquals("'\\xa0\\u200b'", PyRepr.repr("\u00a0\u200b"));
  }

  @Test
  void values() {
    assertEquals("{'a': [1, 2.5, None, True, False, 'x'], 'b': {}}",
        PyRepr.repr(RunInputValidatorTest.j("{'a':[1,2.5,null,true,false,'x'],'b':{}}")));
    assertEquals("1.0", PyRepr.floatRepr(1.0));
    assertEquals("1e+16", PyRepr.floatRepr(1e16));
    assertEquals("1000000000000000.0", PyRepr.floatRepr(1e15));
    assertEquals("1.2345678901234568e+17", PyRepr.floatRepr(123456789012345678.0));
    assertEquals("-3.25e+20", PyRepr.floatRepr(-3.25e20));
    assertEquals("1.5e-07", PyRepr.floatRepr(1.5e-7));
    assertEquals("123.456", PyRepr.floatRepr(123.456));
    assertEquals("-0.0", PyRepr.floatRepr(-0.0));
    assertEquals("inf", PyRepr.floatRepr(Double.POSITIVE_INFINITY));
  }
}
