package dev.baton.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.StateType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link Bodies#setStateFast} (no tree) against the tree path ({@link Json#parse} then
 * {@link Bodies#setState}) on generated bodies: whenever the fast decoder answers, the tree path
 * succeeds with an equal value; and on the plain valid bodies Prefect clients send, it does answer.
 * Everything else (null) goes to the tree path, whose answer is then the only one.
 */
class SetStateFastTest {

  /** The tree path's outcome for these bytes. */
  private static Decoded<Bodies.SetState> tree(byte[] body) {
    Decoded<JsonNode> parsed = Json.parse(body);
    return parsed.isOk() ? Bodies.setState(parsed.value()) : Decoded.invalid(parsed.errors());
  }

  private static void assertAgrees(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Bodies.SetState fast = Bodies.setStateFast(bytes);
    if (fast != null) {
      Decoded<Bodies.SetState> t = tree(bytes);
      assertTrue(t.isOk(), () -> "fast decoded a body the tree path refuses: " + body + " → " + t);
      assertEquals(t.value(), fast, () -> "different values for " + body);
    }
  }

  private static Bodies.SetState fast(String body) {
    return Bodies.setStateFast(body.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void prefectClientBodiesTakeTheFastPathWithTheTreeValue() {
    UUID run = UUID.randomUUID();
    String[] bodies = {
        "{'state': {'type': 'RUNNING'}}",
        "{'state': {'type': 'PENDING', 'name': 'Pending', 'message': null, 'data': null,"
            + " 'state_details': {'flow_run_id': '" + run + "', 'task_run_id': null, 'child_flow_run_id': null,"
            + " 'scheduled_time': null, 'cache_key': null, 'cache_expiration': null, 'deferred': false,"
            + " 'untrackable_result': false, 'pause_timeout': null, 'pause_reschedule': false, 'pause_key': null,"
            + " 'run_input_keyset': null, 'refresh_cache': null, 'retriable': null, 'transition_id': '"
            + UUID.randomUUID() + "', 'task_parameters_id': null, 'traceparent': null}}, 'force': false}",
        "{'state': {'type': 'COMPLETED', 'data': {'storage_key': 'k', 'n': [1, 2.5, -0.0, 12345678901234567890, null]},"
            + " 'state_details': {'scheduled_time': '2026-08-21T16:27:33.1234567+02:00', 'unknown_key': [1, {'a': 2}],"
            + " 'run_input_keyset': {'description': 'd'}, 'deferred': 'yes'}}, 'force': 1, 'extra_top': {'x': 1}}",
        " \n{'force': null, 'state': {'type': 'PAUSED', 'state_details': {'pause_timeout': 1700000000}}} \t\n",
        // bench/ LoadGenerator's body, as Vert.x encodes it
        "{'state':{'type':'PENDING','name':'Pending','message':null,'data':null,'state_details':{'transition_id':'"
            + UUID.randomUUID() + "'}},'force':false}",
    };
    for (String b : bodies) {
      String body = b.replace('\'', '"');
      assertNotNull(Bodies.setStateFast(body.getBytes(StandardCharsets.UTF_8)), body);
      assertAgrees(body);
    }
    assertEquals(StateType.RUNNING, fast(bodies[0]).state().type());
  }

  @Test
  void whatTheTreePathRefusesIsLeftToIt() {
    for (String b : List.of("", "  ", "null", "[]", "1", "{}", "{'force': true}", "{'state': null}",
        "{'state': {'type': 'NOPE'}}", "{'state': {'type': 'RUNNING', 'id': 'x'}}",
        "{'state': {'type': 'RUNNING', 'timestamp': '2026-01-01T00:00:00Z'}}",
        "{'state': {'type': 'RUNNING'}, 'force': 'maybe'}", "{'state': {'type': 'RUNNING', 'state_details': null}}",
        "{'state': {'type': 'RUNNING', 'name': 'a\\u0000b'}}", "{'state': {'type': 'RUNNING', 'data': {'a': NaN}}}",
        "{'state': {'type': 'RUNNING'}} x", "{'state': {'type': 'RUNNING'}}{}", "{'state': {'type': 'RUNNING'}",
        "{'state': {'type': 'RUNNING'}, 'state': {'type': 'PENDING'}}",
        "{'state': {'type': 'RUNNING', 'state_details': {'flow_run_id': 'not-a-uuid'}}}",
        "{'state': {'type': 'RUNNING', 'state_details': {'scheduled_time': 'yesterday'}}}",
        "{'state': {'type': 'RUNNING', 'state_details': {'cache_key': 1}}}")) {
      String body = b.replace('\'', '"');
      assertNull(Bodies.setStateFast(body.getBytes(StandardCharsets.UTF_8)), body);
    }
  }

  @Test
  void generatedBodiesAgreeWithTheTreePath() {
    Random r = new Random(13);
    int fastCount = 0;
    for (int i = 0; i < 20_000; i++) {
      String body = body(r);
      if (r.nextInt(5) == 0) {
        body = corrupt(body, r);
      }
      assertAgrees(body);
      if (Bodies.setStateFast(body.getBytes(StandardCharsets.UTF_8)) != null) {
        fastCount++;
      }
    }
    // the generator is not degenerate: both paths are exercised
    assertTrue(fastCount > 2_000 && fastCount < 18_000, "fast decodes: " + fastCount);
  }

  // ---- generator -------------------------------------------------------------------------

  private static final String[] STATE_KEYS = {"type", "name", "message", "data", "state_details", "id", "timestamp",
      "Type", "extra"};
  private static final String[] DETAIL_KEYS = {"flow_run_id", "task_run_id", "child_flow_run_id", "scheduled_time",
      "cache_key", "cache_expiration", "deferred", "untrackable_result", "pause_timeout", "pause_reschedule",
      "pause_key", "run_input_keyset", "refresh_cache", "retriable", "transition_id", "task_parameters_id",
      "traceparent", "deployment_concurrency_lease_id", "unknown_future_key"};

  private static String body(Random r) {
    List<String> members = new ArrayList<>();
    if (r.nextInt(10) != 0) {
      members.add(q("state") + ": " + (r.nextInt(12) == 0 ? any(r, 2) : state(r)));
    }
    if (r.nextBoolean()) {
      members.add(q("force") + ": " + pick(r, "true", "false", "null", "0", "1", "2", "\"yes\"", "\"off\"", "\"x\"",
          "1.0", "[]"));
    }
    if (r.nextInt(6) == 0) {
      members.add(q(pick(r, "extra", "state", "force")) + ": " + any(r, 2));
    }
    return object(members, r);
  }

  private static String state(Random r) {
    List<String> members = new ArrayList<>();
    if (r.nextInt(12) != 0) {
      members.add(q("type") + ": " + pick(r, "\"RUNNING\"", "\"PENDING\"", "\"COMPLETED\"", "\"SCHEDULED\"",
          "\"PAUSED\"", "\"FAILED\"", "\"CANCELLING\"", "\"running\"", "\"NOPE\"", "1", "null"));
    }
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      String key = r.nextInt(8) == 0 ? pick(r, STATE_KEYS) : pick(r, "name", "message", "data", "state_details");
      String value = switch (key) {
        case "name", "message" -> pick(r, "null", "\"Running\"", "\"\"", "\"a\\u0000b\"", "\"\\u00e9\\n\"", "3",
            "\"\\ud83d\\ude00\"");
        case "data" -> any(r, 3);
        case "state_details" -> r.nextInt(15) == 0 ? pick(r, "null", "[]", "\"x\"") : details(r);
        default -> any(r, 1);
      };
      members.add(q(key) + ": " + value);
    }
    return object(members, r);
  }

  private static String details(Random r) {
    List<String> members = new ArrayList<>();
    int n = r.nextInt(8);
    for (int i = 0; i < n; i++) {
      String key = pick(r, DETAIL_KEYS);
      String value = switch (key) {
        case "flow_run_id", "task_run_id", "child_flow_run_id", "transition_id", "task_parameters_id",
            "deployment_concurrency_lease_id" -> uuid(r);
        case "scheduled_time", "cache_expiration", "pause_timeout" -> pick(r, "null", "\"2026-08-21T16:27:33.1234567+02:00\"",
            "\"2026-08-21T14:27:33Z\"", "\"2026-08-21\"", "\"2026-13-01T00:00:00Z\"", "\"later\"", "1700000000",
            "1700000000.5", "1e300", "true");
        case "deferred", "untrackable_result", "pause_reschedule", "refresh_cache", "retriable" -> pick(r, "true",
            "false", "null", "\"yes\"", "\"no\"", "0", "1", "0.0", "2", "\"maybe\"", "{}");
        case "run_input_keyset" -> pick(r, "null", "{}", "{\"description\": \"d\", \"response\": \"r\"}",
            "{\"description\": 1}", "[]", "\"x\"");
        case "unknown_future_key" -> any(r, 2);
        default -> pick(r, "null", "\"k\"", "\"\"", "1", "\"00-abc-01\"", "[\"a\"]");
      };
      members.add(q(key) + ": " + value);
    }
    return object(members, r);
  }

  private static String uuid(Random r) {
    UUID u = UUID.randomUUID();
    return switch (r.nextInt(9)) {
      case 0 -> "null";
      case 1 -> q(u.toString().replace("-", ""));
      case 2 -> q("urn:uuid:" + u);
      case 3 -> q("{" + u + "}");
      case 4 -> q(u.toString().toUpperCase());
      case 5 -> q("not-a-uuid");
      case 6 -> "42";
      default -> q(u.toString());
    };
  }

  private static String any(Random r, int depth) {
    int k = r.nextInt(depth > 0 ? 11 : 8);
    return switch (k) {
      case 0 -> "null";
      case 1 -> pick(r, "true", "false");
      case 2 -> pick(r, "0", "-1", "12345678901234567890", "1.5", "-0.0", "1e400", "2E-3");
      case 3 -> q(pick(r, "", "x", "k\\u0000", "\\u00fc", "a\\\"b"));
      case 4 -> "\"" + r.nextInt(1000) + "\"";
      case 5, 6, 7 -> q("s" + r.nextInt(10));
      case 8 -> {
        List<String> items = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) items.add(any(r, depth - 1));
        yield "[" + String.join(", ", items) + "]";
      }
      default -> {
        List<String> members = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) members.add(q(pick(r, "a", "b", "a\\u0000")) + ": " + any(r, depth - 1));
        yield "{" + String.join(", ", members) + "}";
      }
    };
  }

  private static String object(List<String> members, Random r) {
    if (r.nextInt(20) == 0 && !members.isEmpty()) {
      members.add(members.get(r.nextInt(members.size()))); // a duplicate key
    }
    java.util.Collections.shuffle(members, r);
    String ws = pick(r, "", " ", "\n  ");
    return "{" + ws + String.join("," + ws, members) + ws + "}";
  }

  private static String corrupt(String body, Random r) {
    int at = r.nextInt(body.length() + 1);
    return switch (r.nextInt(5)) {
      case 0 -> body.substring(0, at);
      case 1 -> body.substring(0, at) + pick(r, "}", "]", ",", ":", "\"", "x", "\u0001", "{") + body.substring(at);
      case 2 -> body + pick(r, " x", "{}", " 1", "\n\n", " null");
      case 3 -> pick(r, "", " ", "null", "[", "\"s\"", "[" + body + "]");
      default -> at < body.length() ? body.substring(0, at) + body.substring(at + 1) : body;
    };
  }

  private static String q(String s) {
    return "\"" + s + "\"";
  }

  @SafeVarargs
  private static <T> T pick(Random r, T... options) {
    return options[r.nextInt(options.length)];
  }
}
