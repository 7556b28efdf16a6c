package dev.baton.automations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.automations.Triggers.EventTrigger;
import dev.baton.automations.Triggers.ResourceSpec;
import dev.baton.automations.Windows.Bucket;
import dev.baton.automations.Windows.Fired;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The window algorithm (spec/automations.md §2.3–§2.5), on an in-memory table of buckets. */
class WindowsTest {
  static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

  /** Buckets by key, as one transaction would see them. */
  static final class Memory implements Windows.BucketTable {
    final Map<List<String>, Bucket> rows = new HashMap<>();

    @Override
    public Bucket read(EventTrigger t, List<String> key) {
      return rows.get(key);
    }

    @Override
    public void write(EventTrigger t, Bucket b) {
      rows.put(b.key(), b);
    }

    @Override
    public void remove(EventTrigger t, List<String> key) {
      rows.remove(key);
    }
  }

  static EventTrigger trigger(boolean proactive, List<String> after, List<String> expect, int threshold,
      long withinSeconds, String... forEach) {
    return new EventTrigger(UUID.randomUUID(), new ResourceSpec(Map.of()), List.of(), after, expect,
        List.of(forEach), proactive, threshold, Duration.ofSeconds(withinSeconds));
  }

  static JsonNode event(String name, Instant at) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("id", UUID.randomUUID().toString());
    e.put("event", name);
    e.put("occurred", at.toString());
    return e;
  }

  final Memory table = new Memory();
  final List<Fired> fired = new ArrayList<>();

  void react(EventTrigger t, String name, Instant at) {
    Windows.react(t, table, List.of(), name, at, event(name, at), fired::add);
  }

  @Test
  void anImmediateTriggerFiresForEveryEvent() {
    EventTrigger t = trigger(false, List.of(), List.of("x.happened"), 1, 0);
    for (int i = 0; i < 50; i++) {
      react(t, "x.happened", T0.plusMillis(i));
    }
    assertEquals(50, fired.size());
  }

  @Test
  void aThresholdFiresOnceItIsMetAndOncePerWindow() {
    EventTrigger t = trigger(false, List.of(), List.of("x.happened"), 3, 60);
    react(t, "x.happened", T0);
    react(t, "x.happened", T0.plusSeconds(10));
    assertEquals(0, fired.size());
    react(t, "x.happened", T0.plusSeconds(20));
    assertEquals(1, fired.size(), "fires as soon as the third event arrives");
    // the next window opens where the first one ends: events until then are ignored
    react(t, "x.happened", T0.plusSeconds(30));
    react(t, "x.happened", T0.plusSeconds(40));
    react(t, "x.happened", T0.plusSeconds(50));
    assertEquals(1, fired.size());
    Bucket next = table.rows.get(List.of());
    assertEquals(T0.plusSeconds(60), next.start(), "the first window (from 15 min back) ended at T0 + 60 s");
    assertEquals(T0.plusSeconds(120), next.end());
    react(t, "x.happened", T0.plusSeconds(70));
    react(t, "x.happened", T0.plusSeconds(80));
    react(t, "x.happened", T0.plusSeconds(90));
    assertEquals(2, fired.size(), "three events in the next window fire it");
  }

  @Test
  void unrelatedEventsDoNotCount() {
    EventTrigger t = trigger(false, List.of(), List.of("x.happened"), 1, 0);
    react(t, "y.happened", T0);
    assertEquals(0, fired.size());
    assertTrue(table.rows.isEmpty(), "no window for an event the trigger does not expect");
  }

  @Test
  void aProactiveTriggerFiresWhenTheExpectedEventDoesNotCome() {
    EventTrigger t = trigger(true, List.of("run.Pending"), List.of("run.Running"), 1, 300, "prefect.resource.id");
    List<String> key = List.of("prefect.flow-run.1");
    Windows.react(t, table, key, "run.Pending", T0, event("run.Pending", T0), fired::add);
    assertEquals(1, table.rows.size(), "the Pending armed a window");
    Windows.proactive(t, table, new ArrayList<>(table.rows.values()), T0.plusSeconds(299), fired::add);
    assertEquals(0, fired.size(), "not before the window ends");
    Windows.proactive(t, table, new ArrayList<>(table.rows.values()), T0.plusSeconds(301), fired::add);
    assertEquals(1, fired.size());
    assertEquals(Map.of("prefect.resource.id", "prefect.flow-run.1"), fired.get(0).labels());
    assertEquals("run.Pending", fired.get(0).event().get("event").asText(), "the event that armed it");
    assertTrue(table.rows.isEmpty(), "the window is gone with the firing (after: re-armed by the next Pending)");
  }

  @Test
  void aProactiveTriggerIsSatisfiedByTheExpectedEvent() {
    EventTrigger t = trigger(true, List.of("run.Pending"), List.of("run.Running"), 1, 300, "prefect.resource.id");
    List<String> key = List.of("prefect.flow-run.1");
    Windows.react(t, table, key, "run.Pending", T0, event("run.Pending", T0), fired::add);
    Windows.react(t, table, key, "run.Running", T0.plusSeconds(5), event("run.Running", T0.plusSeconds(5)), fired::add);
    Windows.proactive(t, table, new ArrayList<>(table.rows.values()), T0.plusSeconds(400), fired::add);
    assertEquals(0, fired.size());
    assertTrue(table.rows.isEmpty());
  }

  @Test
  void anEventBothAfterAndExpectedIsAHeartbeat() {
    // zombie detection: each heartbeat restarts the window; silence fires with the last heartbeat
    EventTrigger t = trigger(true, List.of("beat"), List.of("beat", "done"), 1, 90);
    react(t, "beat", T0);
    react(t, "beat", T0.plusSeconds(60));
    react(t, "beat", T0.plusSeconds(120));
    Windows.proactive(t, table, new ArrayList<>(table.rows.values()), T0.plusSeconds(200), fired::add);
    assertEquals(0, fired.size(), "the window restarted at the last heartbeat (+90 s = 210 s)");
    Windows.proactive(t, table, new ArrayList<>(table.rows.values()), T0.plusSeconds(211), fired::add);
    assertEquals(1, fired.size());
    assertEquals(T0.plusSeconds(120).toString(), fired.get(0).event().get("occurred").asText());
  }

  @Test
  void anAfterAndExpectedEventAloneNeverReactsImmediately() {
    EventTrigger t = trigger(false, List.of("x"), List.of("x"), 1, 60);
    react(t, "x", T0);
    assertEquals(0, fired.size(), "the window starts at -1: the arming event counts itself out");
    react(t, "x", T0.plusSeconds(1));
    assertEquals(1, fired.size());
  }

  @Test
  void aLateEventForAWindowThatMovedOnIsIgnored() {
    EventTrigger t = trigger(false, List.of(), List.of("x"), 1, 60);
    react(t, "x", T0.plusSeconds(100));
    assertEquals(1, fired.size());
    Bucket next = table.rows.get(List.of());
    assertFalse(next.start().isAfter(T0.plusSeconds(160)));
    react(t, "x", T0.plusSeconds(110));
    assertEquals(1, fired.size(), "inside the time the fired window still covered");
  }

  @Test
  void aProactiveTriggerWithoutAfterFiresEveryWindowWithoutTheEvent() {
    EventTrigger t = trigger(true, List.of(), List.of("x"), 1, 60);
    Windows.proactive(t, table, List.of(), T0, fired::add);
    assertEquals(1, table.rows.size());
    Windows.proactive(t, table, new ArrayList<>(table.rows.values()), T0.plusSeconds(61), fired::add);
    assertEquals(1, fired.size());
    assertNull(fired.get(0).event());
    Windows.proactive(t, table, new ArrayList<>(table.rows.values()), T0.plusSeconds(122), fired::add);
    assertEquals(2, fired.size());
  }
}
