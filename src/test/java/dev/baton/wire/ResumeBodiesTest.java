package dev.baton.wire;

import static dev.baton.wire.TestJson.assertError;
import static dev.baton.wire.TestJson.j;
import static dev.baton.wire.TestJson.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.StateType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResumeBodiesTest {

  @Test
  void resumeBody() {
    assertNull(ResumeBodies.resume(null).value().runInput());
    assertNull(ResumeBodies.resume(Json.parse("").value()).value().runInput());
    assertNull(ResumeBodies.resume(j("null")).value().runInput());
    assertNull(ResumeBodies.resume(j("{}")).value().runInput());
    assertNull(ResumeBodies.resume(j("{'run_input':null}")).value().runInput());
    assertEquals(j("{'approved':true}"), ResumeBodies.resume(j("{'run_input':{'approved':true},'other':1}")).value()
        .runInput());
    assertError(only(ResumeBodies.resume(j("{'run_input':[1]}"))), "dict_type", "body.run_input");
    assertError(only(ResumeBodies.resume(j("{'run_input':'x'}"))), "dict_type", "body.run_input");
    assertError(only(ResumeBodies.resume(j("[1]"))), "missing", "body.run_input");
    assertError(only(ResumeBodies.resume(j("'x'"))), "missing", "body.run_input");
    assertError(only(ResumeBodies.resume(j("{'run_input':{'a':'\\u0000'}}"))), "value_error", "body.run_input.a");
  }

  @Test
  void inputCreate() {
    ResumeBodies.InputCreate c = ResumeBodies.inputCreate(j("{'key':'paused-1-schema','value':'{}'}")).value();
    assertEquals(new ResumeBodies.InputCreate("paused-1-schema", "{}", null), c);
    assertEquals("me", ResumeBodies.inputCreate(j("{'key':'','value':'v','sender':'me'}")).value().sender());
    ValidationError e = only(ResumeBodies.inputCreate(j("{'key':'Bad_Key','value':'v'}")));
    assertError(e, "value_error", "body.key");
    assertEquals("Value error, value must only contain lowercase letters, numbers, and dashes.", e.msg());
    assertError(only(ResumeBodies.inputCreate(j("{'key':'k','value':5}"))), "bytes_type", "body.value");
    assertError(only(ResumeBodies.inputCreate(j("{'key':'k'}"))), "missing", "body.value");
    assertError(only(ResumeBodies.inputCreate(j("{'key':'k','value':'v','sender':1}"))), "string_type", "body.sender");
    Decoded<ResumeBodies.InputCreate> none = ResumeBodies.inputCreate(null);
    assertEquals(2, none.errors().size());
    assertError(only(ResumeBodies.inputCreate(j("{'key':'a\\nb','value':'v'}"))), "value_error", "body.key");
  }

  @Test
  void inputFilter() {
    assertEquals(new ResumeBodies.InputFilter("paused", 1, List.of()),
        ResumeBodies.inputFilter(j("{'prefix':'paused'}")).value());
    assertEquals(new ResumeBodies.InputFilter("p", 5, List.of("a", "b")),
        ResumeBodies.inputFilter(j("{'prefix':'p','limit':'5','exclude_keys':['a','b']}")).value());
    assertError(only(ResumeBodies.inputFilter(j("{}"))), "missing", "body.prefix");
    assertError(only(ResumeBodies.inputFilter(j("{'prefix':'p','limit':-1}"))), "greater_than_equal", "body.limit");
    assertError(only(ResumeBodies.inputFilter(j("{'prefix':'p','exclude_keys':'a'}"))), "list_type",
        "body.exclude_keys");
    assertError(only(ResumeBodies.inputFilter(j("{'prefix':'p','exclude_keys':[1]}"))), "string_type",
        "body.exclude_keys.0");
  }

  @Test
  void bulkSetState() {
    ResumeBodies.BulkSetState b = ResumeBodies.bulkSetState(j("{'state':{'type':'CANCELLING'}}")).value();
    assertEquals(StateType.CANCELLING, b.state().type());
    assertNull(b.flowRuns());
    assertFalse(b.force());
    assertEquals(50, b.limit());
    b = ResumeBodies.bulkSetState(j("{'state':{'type':'FAILED'},'force':true,'limit':3,"
        + "'flow_runs':{'state':{'type':{'any_':['RUNNING']}}}}")).value();
    assertTrue(b.force());
    assertEquals(3, b.limit());
    assertEquals(List.of(StateType.RUNNING), b.flowRuns().state().typeAny());
    assertError(only(ResumeBodies.bulkSetState(j("{}"))), "missing", "body.state");
    assertError(only(ResumeBodies.bulkSetState(j("{'state':{'type':'FAILED'},'limit':0}"))), "greater_than_equal",
        "body.limit");
    ValidationError e = only(ResumeBodies.bulkSetState(j("{'state':{'type':'FAILED'},'limit':51}")));
    assertError(e, "less_than_equal", "body.limit");
    assertEquals("Input should be less than or equal to 50", e.msg());
    assertError(only(ResumeBodies.bulkSetState(j("{'state':{'type':'FAILED'},'flow_runs':{'nope':1}}"))),
        "extra_forbidden", "body.flow_runs.nope");
    assertError(only(ResumeBodies.bulkSetState(j("{'state':{'type':'NOPE'}}"))), "enum", "body.state.type");
    assertError(only(ResumeBodies.bulkSetState(j("{'state':{'type':'FAILED','id':'x'}}"))), "extra_forbidden",
        "body.state.id");
  }

  @Test
  void bulkDelete() {
    assertEquals(50, ResumeBodies.bulkDelete(null).value().limit());
    assertEquals(7, ResumeBodies.bulkDelete(j("{'limit':7}")).value().limit());
    assertNull(ResumeBodies.bulkDelete(j("{'flow_runs':null}")).value().flowRuns());
    assertError(only(ResumeBodies.bulkDelete(j("{'limit':100}"))), "less_than_equal", "body.limit");
    assertError(only(ResumeBodies.bulkDelete(j("{'limit':1.5}"))), "int_from_float", "body.limit");
    assertError(only(ResumeBodies.bulkDelete(j("{'flow_runs':[]}"))), "model_attributes_type", "body.flow_runs");
    // an overflowing float (Jackson: Infinity) is a finite_number error, not an exception
    assertError(only(ResumeBodies.bulkDelete(Json.parse("{\"limit\":1e400}").value())), "finite_number", "body.limit");
  }

  @Test
  void hostileInput() {
    String deep = "{\"run_input\":" + "{\"a\":".repeat(200) + "1" + "}".repeat(201);
    Decoded<JsonNode> parsed = Json.parse(deep);
    assertFalse(parsed.isOk()); // nesting beyond Json.MAX_DEPTH is a json_invalid 422 before decoding
    for (String body : new String[] {"1", "true", "\"s\"", "[]", "[{}]", "{\"limit\":\"NaN\"}",
        "{\"limit\":1e400}", "{\"limit\":99999999999999999999}", "{\"state\":[]}", "{\"flow_runs\":1}"}) {
      JsonNode n = Json.parse(body).value();
      for (Decoded<?> d : List.of(ResumeBodies.resume(n), ResumeBodies.inputCreate(n), ResumeBodies.inputFilter(n),
          ResumeBodies.bulkSetState(n), ResumeBodies.bulkDelete(n))) {
        if (!d.isOk()) assertFalse(d.errors().isEmpty(), body);
      }
      assertFalse(ResumeBodies.bulkSetState(n).isOk(), body);
    }
  }
}
