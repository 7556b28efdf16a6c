package dev.baton.wire;

import static dev.baton.wire.TestJson.assertError;
import static dev.baton.wire.TestJson.j;
import static dev.baton.wire.TestJson.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SetStateBodyTest {

  static Decoded<Bodies.SetState> decode(String json) {
    return Bodies.setState(j(json));
  }

  @Test
  void minimal() {
    Bodies.SetState s = decode("{'state': {'type': 'RUNNING'}}").value();
    assertEquals(StateType.RUNNING, s.state().type());
    assertFalse(s.force());
    assertNull(s.state().name());
    assertNull(s.state().data());
    assertEquals(StateDetails.EMPTY, s.state().details());
    assertEquals(Boolean.FALSE, s.state().details().deferred());
  }

  @Test
  void full() {
    UUID fr = UUID.randomUUID();
    UUID tr = UUID.randomUUID();
    Bodies.SetState s = decode("{'state': {'type': 'PAUSED', 'name': 'Suspended', 'message': 'm',"
        + " 'data': {'storage_key': 'k', 'n': [1, 2.5]},"
        + " 'state_details': {'flow_run_id': '" + fr + "', 'task_run_id': '" + tr.toString().replace("-", "") + "',"
        + "   'pause_timeout': '2026-08-21T16:27:33.1234567+02:00', 'pause_reschedule': 'yes', 'pause_key': 'p1',"
        + "   'run_input_keyset': {'description': 'd', 'response': 'r', 'schema': 's'},"
        + "   'deferred': null, 'refresh_cache': true, 'retriable': false, 'unknown_future_key': 1}},"
        + " 'force': 'true', 'ignored_top_level': 1}").value();
    assertTrue(s.force());
    StateDetails d = s.state().details();
    assertEquals(fr, d.flowRunId());
    assertEquals(tr, d.taskRunId());
    assertEquals(Instant.parse("2026-08-21T14:27:33.123456Z"), d.pauseTimeout());
    assertTrue(d.pauseReschedule());
    assertEquals("p1", d.pauseKey());
    assertEquals(Map.of("description", "d", "response", "r", "schema", "s"), d.runInputKeyset());
    assertNull(d.deferred());
    assertEquals(Boolean.TRUE, d.refreshCache());
    assertEquals(Boolean.FALSE, d.retriable());
    assertEquals(j("{'storage_key': 'k', 'n': [1, 2.5]}"), s.state().data());
    assertEquals("Suspended", s.state().name());
  }

  @Test
  void q105UnknownEnum() {
    ValidationError e = only(decode("{'state': {'type': 'NOPE'}}"));
    assertError(e, "enum", "body.state.type");
    assertEquals("Input should be 'SCHEDULED', 'PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED',"
        + " 'CRASHED', 'PAUSED' or 'CANCELLING'", e.msg());
    assertEquals("NOPE", e.input().asText());
    assertEquals("'SCHEDULED', 'PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED', 'PAUSED' or"
        + " 'CANCELLING'", e.ctx().get("expected").asText());
  }

  @Test
  void q106TimestampAndIdAreExtra() {
    Decoded<Bodies.SetState> d = decode("{'state': {'type': 'RUNNING', 'id': 'x', 'timestamp': '2026-01-01'}}");
    assertEquals(2, d.errors().size());
    assertError(d.errors().get(0), "extra_forbidden", "body.state.id");
    assertError(d.errors().get(1), "extra_forbidden", "body.state.timestamp");
    assertEquals("Extra inputs are not permitted", d.errors().get(1).msg());
    assertEquals("2026-01-01", d.errors().get(1).input().asText());
  }

  @Test
  void q107MissingState() {
    ValidationError e = only(decode("{}"));
    assertError(e, "missing", "body.state");
    assertEquals("Field required", e.msg());
    assertTrue(e.input().isNull());
    assertError(only(Bodies.setState(null)), "missing", "body.state");
    assertError(only(decode("{'state': null}")), "missing", "body.state");
  }

  @Test
  void nonObjectBodyMakesEveryParameterMissing() {
    Decoded<Bodies.SetState> d = decode("[1]");
    assertEquals(List.of("body.state", "body.force"), d.errors().stream().map(ValidationError::path).toList());
  }

  @Test
  void stateNotAnObject() {
    ValidationError e = only(decode("{'state': 'RUNNING'}"));
    assertError(e, "model_attributes_type", "body.state");
    assertEquals("Input should be a valid dictionary or object to extract fields from", e.msg());
    assertNull(e.ctx());
  }

  @Test
  void allErrorsAreCollected() {
    Decoded<Bodies.SetState> d = decode("{'state': {'type': 5, 'name': 3, 'message': [],"
        + " 'state_details': {'flow_run_id': 'nope', 'scheduled_time': 'later', 'pause_reschedule': 'maybe',"
        + "  'run_input_keyset': {'a': 1}, 'cache_key': {}}, 'extra': 1}, 'force': 'perhaps'}");
    assertEquals(List.of("enum", "string_type", "string_type", "uuid_parsing", "datetime_from_date_parsing",
        "string_type", "bool_parsing", "string_type", "extra_forbidden", "bool_parsing"), TestJson.types(d));
    assertEquals(List.of("body.state.type", "body.state.name", "body.state.message",
        "body.state.state_details.flow_run_id", "body.state.state_details.scheduled_time",
        "body.state.state_details.cache_key", "body.state.state_details.pause_reschedule",
        "body.state.state_details.run_input_keyset.a", "body.state.extra", "body.force"),
        d.errors().stream().map(ValidationError::path).toList());
  }

  @Test
  void nulCharactersRejectedEverywhere() {
    assertError(only(decode("{'state': {'type': 'RUNNING', 'name': 'a\\u0000'}}")), "value_error", "body.state.name");
    ValidationError e = only(decode("{'state': {'type': 'COMPLETED', 'data': {'x': ['\\u0000']}}}"));
    assertError(e, "value_error", "body.state.data.x.0");
    assertEquals("Value error, NUL characters are not allowed", e.msg());
    assertTrue(e.ctx().get("error").isObject());
    assertError(only(decode("{'state': {'type': 'COMPLETED', 'data': {'\\u0000': 1}}}")), "value_error",
        "body.state.data.\u0000.[key]");
    assertError(only(decode("{'state': {'type': 'PAUSED', 'state_details': {'run_input_keyset': {'a': 'b\\u0000'}}}}")),
        "value_error", "body.state.state_details.run_input_keyset.a");
  }

  @Test
  void anyDataRoundTrips() {
    for (String data : List.of("1", "'test'", "{'foo': 'bar'}", "[1, [2, {'a': null}]]", "true", "1.5")) {
      JsonNode expected = j(data);
      assertEquals(expected, decode("{'state': {'type': 'COMPLETED', 'data': " + data + "}}").value().state().data());
    }
    assertNull(decode("{'state': {'type': 'COMPLETED', 'data': null}}").value().state().data());
  }

  @Test
  void hostileDeepDataStillDecodes() {
    String deep = "[".repeat(60) + "]".repeat(60);
    assertTrue(decode("{'state': {'type': 'COMPLETED', 'data': " + deep + "}}").isOk());
  }

  @Test
  void errorBodyEchoesRequest() {
    JsonNode body = j("{'state': {'type': 'NOPE'}}");
    JsonNode out = Bodies.setState(body).errorBody(body);
    assertEquals("Invalid request received.", out.get("exception_message").asText());
    assertEquals(body, out.get("request_body"));
    JsonNode err = out.get("exception_detail").get(0);
    assertEquals(j("['body', 'state', 'type']"), err.get("loc"));
    assertEquals(List.of("type", "loc", "msg", "input", "ctx"), iter(err));
  }

  static List<String> iter(JsonNode n) {
    List<String> out = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
