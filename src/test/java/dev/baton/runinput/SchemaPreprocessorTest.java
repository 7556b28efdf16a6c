package dev.baton.runinput;

import static dev.baton.runinput.RunInputValidatorTest.j;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class SchemaPreprocessorTest {
  @Test
  void preprocessingMakesOptionalFieldsNullableAndTuplesPrefixItems() {
    ObjectNode pre = SchemaPreprocessor.preprocess((ObjectNode) j(
        "{'properties':{'a':{'type':'integer'},'b':{'type':'integer','default':1},'c':{'type':'string'},"
            + "'t':{'type':'array','items':[{'type':'integer'}]}},'required':['c']}"));
    assertEquals(j("{'anyOf':[{'type':'integer'},{'type':'null'}]}"), pre.at("/properties/a"));
    assertEquals(j("{'type':'integer','default':1}"), pre.at("/properties/b"));
    assertEquals(j("{'type':'string'}"), pre.at("/properties/c"));
    assertEquals(j("{'prefixItems':[{'type':'integer'}],'anyOf':[{'type':'array'},{'type':'null'}]}"),
        pre.at("/properties/t"));
  }
}
