package dev.baton.wire;

import static dev.baton.wire.TestJson.assertError;
import static dev.baton.wire.TestJson.j;
import static dev.baton.wire.TestJson.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** VariableCreate / VariableUpdate as Prefect 3.8's client sends them, validated as Prefect's server does. */
class VariableBodiesTest {
  @Test
  void theClientsBodies() {
    // create_variable: model_dump(mode="json", exclude_unset=True)
    VariableBodies.VariableCreate c = VariableBodies.create(j("{'name': 'sweep_var_a908b6', 'value': {'a': [1, 2]},"
        + " 'tags': ['sweep']}")).value();
    assertEquals("sweep_var_a908b6", c.name());
    assertEquals(j("{'a': [1, 2]}"), c.value());
    assertEquals(List.of("sweep"), c.tags());
    assertEquals(List.of(), VariableBodies.create(j("{'name': 'v', 'value': 1}")).value().tags());
    assertNull(VariableBodies.create(j("{'name': 'v', 'value': null}")).value().value());
    // update_variable (Variable.set(..., overwrite=True))
    VariableBodies.VariableUpdate u = VariableBodies.update(j("{'name': 'sweep_var_a908b6', 'value': 'new value',"
        + " 'tags': ['sweep', 'updated']}")).value();
    assertTrue(u.hasValue());
    assertEquals("new value", u.value().asText());
    VariableBodies.VariableUpdate tagsOnly = VariableBodies.update(j("{'tags': []}")).value();
    assertFalse(tagsOnly.hasValue());
    assertNull(tagsOnly.name());
    assertTrue(VariableBodies.update(j("{'value': null}")).value().hasValue());
  }

  @Test
  void namesAndValuesAsPrefectChecksThem() {
    assertEquals("", VariableBodies.create(j("{'name': '', 'value': 1}")).value().name(), "VariableName has no minimum");
    assertEquals("a-b_c9", VariableBodies.create(j("{'name': 'a-b_c9', 'value': 1}")).value().name());
    ValidationError bad = only(VariableBodies.create(j("{'name': 'Bad Name', 'value': 1}")));
    assertError(bad, "value_error", "body.name");
    assertEquals("Value error, Variable name must only contain lowercase letters, numbers, and dashes or underscores.",
        bad.msg());
    ValidationError tooLong = only(VariableBodies.create(j("{'name': '" + "a".repeat(256) + "', 'value': 1}")));
    assertError(tooLong, "too_long", "body.name");
    assertEquals("Value should have at most 255 items after validation, not 256", tooLong.msg());
    assertEquals(256, tooLong.ctx().get("actual_length").asInt());
    // the character rule is checked first
    assertError(only(VariableBodies.create(j("{'name': '" + "A".repeat(256) + "', 'value': 1}"))), "value_error", "body.name");
    assertError(only(VariableBodies.create(j("{'name': 'v'}"))), "missing", "body.value");
    ValidationError big = only(VariableBodies.create(j("{'name': 'v', 'value': '" + "x".repeat(4999) + "'}")));
    assertEquals("Value error, Variable value must be less than 5000 characters", big.msg());
    assertTrue(VariableBodies.create(j("{'name': 'v', 'value': '" + "x".repeat(4998) + "'}")).isOk(), "5000 bytes of JSON");
    assertError(only(VariableBodies.create(j("{'name': 'v', 'value': 1, 'tags': null}"))), "list_type", "body.tags");
    assertError(only(VariableBodies.create(j("{'name': 'v', 'value': 1, 'id': 'x'}"))), "extra_forbidden", "body.id");
    assertError(only(VariableBodies.update(j("{'name': 'B'}"))), "value_error", "body.name");
    assertError(only(VariableBodies.update(j("{'name': null}"))), "string_type", "body.name");
  }
}
