package dev.baton.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.domain.Event;
import dev.baton.domain.StateType;
import dev.baton.wire.Decoded;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventJsonTest {
  static final ObjectMapper M = new ObjectMapper();
  static final Instant NOW = Instant.parse("2026-08-21T17:00:00Z");

  static JsonNode json(String s) {
    try {
      return M.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static final String TASK_RUN = "00000000-0000-4000-8000-000000000001";
  static final String FLOW_RUN = "00000000-0000-4000-8000-000000000002";

  static String taskEvent(String extraResource) {
    return "{'occurred':'2026-08-21T16:27:33.123456789Z','event':'prefect.task-run.Running',"
        + "'resource':{'prefect.resource.id':'prefect.task-run." + TASK_RUN + "'" + extraResource + "},"
        + "'related':[{'prefect.resource.id':'prefect.flow-run." + FLOW_RUN + "','prefect.resource.role':'flow-run'},"
        + "{'prefect.resource.id':'prefect.tag.db','prefect.resource.role':'tag'}],"
        + "'payload':{'validated_state':{'type':'RUNNING','name':'Running','message':'','state_details':{'retriable':false}},"
        + "'task_run':{'name':'t-1','task_key':'t','dynamic_key':'1','run_count':1,'total_run_time':0.25,"
        + "'empirical_policy':{'retries':2,'retry_delay':3}}},"
        + "'id':'00000000-0000-4000-8000-0000000000aa','follows':null,'received':'ignored'}";
  }

  @Test
  void decodesAnEventTruncatedToMicroseconds() {
    Decoded<Event> d = EventJson.event(json(taskEvent("")), NOW);
    assertTrue(d.isOk(), String.valueOf(d.errors()));
    Event e = d.value();
    assertEquals(Instant.parse("2026-08-21T16:27:33.123456Z"), e.occurred());
    assertEquals("prefect.task-run." + TASK_RUN, e.resourceId());
    assertEquals(List.of("prefect.flow-run." + FLOW_RUN, "prefect.tag.db"), e.relatedIds());
    assertEquals(NOW, e.received());
    assertNull(e.follows());
  }

  @Test
  void rejectsWhatPrefectRejects() {
    for (String bad : List.of(
        "{'occurred':'2026-01-01T00:00:00Z','event':'x','resource':{}, 'id':'" + UUID.randomUUID() + "'}",
        "{'occurred':'2026-01-01T00:00:00Z','event':'x','resource':{'prefect.resource.id':''}, 'id':'" + UUID.randomUUID() + "'}",
        "{'occurred':'2026-01-01T00:00:00Z','event':'x','resource':{'prefect.resource.id':'r','n':1}, 'id':'" + UUID.randomUUID() + "'}",
        "{'occurred':'2026-01-01T00:00:00Z','event':'x','resource':{'prefect.resource.id':'r'},"
            + "'related':[{'prefect.resource.id':'q'}], 'id':'" + UUID.randomUUID() + "'}",
        "{'occurred':'2026-01-01T00:00:00Z','event':'x','resource':{'prefect.resource.id':'r'}, 'id':'nope'}",
        "{'occurred':'yesterday','event':'x','resource':{'prefect.resource.id':'r'}, 'id':'" + UUID.randomUUID() + "'}",
        "{'occurred':'2026-01-01T00:00:00Z','event':'" + "x".repeat(1025) + "','resource':{'prefect.resource.id':'r'},"
            + "'id':'" + UUID.randomUUID() + "'}",
        "{'occurred':'2026-01-01T00:00:00Z','event':'x','resource':{'prefect.resource.id':'r'},'payload':[],"
            + "'id':'" + UUID.randomUUID() + "'}")) {
      assertFalse(EventJson.event(json(bad), NOW).isOk(), bad);
    }
  }

  @Test
  void taskRunFactsComeFromTheEvent() {
    Event e = EventJson.event(json(taskEvent(",'prefect.orchestration':'client'")), NOW).value();
    assertTrue(EventJson.isClientTaskRunEvent(e));
    TaskRunEvent t = EventJson.taskRunEvent(e).value();
    assertEquals(UUID.fromString(TASK_RUN), t.taskRunId());
    assertEquals(UUID.fromString(FLOW_RUN), t.flowRunId());
    assertEquals(e.id(), t.stateId());
    assertEquals(e.occurred(), t.stateTimestamp());
    assertEquals(StateType.RUNNING, t.stateType());
    assertEquals(250_000, t.totalRunTimeMicros());
    assertEquals(2, t.empiricalPolicy().retries());
    assertEquals(UUID.fromString(TASK_RUN), t.stateDetails().taskRunId());
    assertEquals(UUID.fromString(FLOW_RUN), t.stateDetails().flowRunId());
    assertEquals(Boolean.FALSE, t.stateDetails().retriable());
    UUID other = UUID.randomUUID();
    assertEquals(other, t.withTaskRunId(other).stateDetails().taskRunId());
  }

  @Test
  void onlyClientOrchestratedTaskRunEventsAreRecorded() {
    assertFalse(EventJson.isClientTaskRunEvent(EventJson.event(json(taskEvent("")), NOW).value()));
    Event noPayload = EventJson.event(json("{'occurred':'2026-01-01T00:00:00Z','event':'prefect.task-run.Running',"
        + "'resource':{'prefect.resource.id':'prefect.task-run." + TASK_RUN + "','prefect.orchestration':'client'},"
        + "'id':'" + UUID.randomUUID() + "'}"), NOW).value();
    assertTrue(EventJson.isClientTaskRunEvent(noPayload));
    assertFalse(EventJson.taskRunEvent(noPayload).isOk());
  }

  @Test
  void filterDefaultsAndLiveMatching() {
    EventFilter all = EventJson.filter(null, NOW).value();
    assertEquals(NOW, all.until());
    assertFalse(all.untilGiven());
    assertEquals(Instant.parse("2026-02-22T00:00:00Z"), all.since());
    assertTrue(all.descending());
    Event e = EventJson.event(json(taskEvent("")), NOW).value();
    // a defaulted until does not end a live subscription
    assertTrue(all.matchesLive(e));
    EventFilter f = EventJson.filter(json("{'event':{'prefix':['prefect.task-run.']},"
        + "'related':{'id':['prefect.flow-run." + FLOW_RUN + "'],'role':['flow-run']},'order':'ASC'}"), NOW).value();
    assertTrue(f.matchesLive(e));
    assertFalse(f.descending());
    EventFilter wrongRole = EventJson.filter(json("{'related':{'id':['prefect.flow-run." + FLOW_RUN + "'],"
        + "'role':['tag']}}"), NOW).value();
    assertFalse(wrongRole.matchesLive(e));
    EventFilter anyResource = EventJson.filter(json("{'any_resource':{'id_prefix':['prefect.tag.']}}"), NOW).value();
    assertTrue(anyResource.matchesLive(e));
    EventFilter excluded = EventJson.filter(json("{'event':{'exclude_name':['prefect.task-run.Running']}}"), NOW).value();
    assertFalse(excluded.matchesLive(e));
    assertFalse(EventJson.filter(json("{'resource':{'labels':{'a':'b'}}}"), NOW).isOk());
    assertFalse(EventJson.filter(json("{'nope':1}"), NOW).isOk());
  }

  /** The EventFilter the 3.8 client always sends: empty lists constrain nothing (sweep item 3). */
  @Test
  void clientFilterWithEmptyListsMatchesEverything() {
    Event e = EventJson.event(json(taskEvent("")), NOW).value();
    EventFilter client = EventJson.filterRequest(json("{'filter':{'occurred':{'since':'2026-08-21T15:27:33.968148Z',"
        + "'until':'2026-08-21T17:28:33.968170Z'},'event':null,'resource':null,'related':null,'any_resource':null,"
        + "'id':{'id':[]},'text':null,'order':'DESC'},'limit':1}"), NOW).value().filter();
    assertNull(client.ids());
    assertTrue(client.matchesLive(e));
    EventFilter empties = EventJson.filter(json("{'event':{'prefix':[],'exclude_prefix':[],'name':[],'exclude_name':[]},"
        + "'resource':{'id':[],'id_prefix':[]},'any_resource':{'id':[],'id_prefix':[]},"
        + "'related':{'id':[],'role':[],'resources_in_roles':[]},'id':{'id':[]}}"), NOW).value();
    assertTrue(empties.matchesLive(e));
    assertEquals(List.of(), empties.related());
    assertEquals(List.of(), empties.anyResource());
    assertNull(empties.name());
  }

  @Test
  void relatedAndAnyResourceTakeListsAndOneResourceMeetsEachFilter() {
    Event e = EventJson.event(json(taskEvent("")), NOW).value();
    String flowRun = "prefect.flow-run." + FLOW_RUN;
    EventFilter both = EventJson.filter(json("{'related':[{'id':['" + flowRun + "']},{'role':['tag']}]}"), NOW).value();
    assertEquals(2, both.related().size());
    assertTrue(both.matchesLive(e));
    // id and role of one filter must hold for the same related resource
    assertFalse(EventJson.filter(json("{'related':{'id':['" + flowRun + "'],'role':['tag']}}"), NOW).value()
        .matchesLive(e));
    assertTrue(EventJson.filter(json("{'related':{'resources_in_roles':[['" + flowRun + "','flow-run']]}}"), NOW)
        .value().matchesLive(e));
    assertTrue(EventJson.filter(json("{'any_resource':[{'id_prefix':['prefect.tag.']},{'id_prefix':['prefect.task-run.']}]}"),
        NOW).value().matchesLive(e));
    assertFalse(EventJson.filter(json("{'any_resource':{'id':['" + flowRun + "'],'id_prefix':['prefect.tag.']}}"), NOW)
        .value().matchesLive(e));
  }

  @Test
  void textSearch() {
    Event e = EventJson.event(json(taskEvent("")), NOW).value();
    assertTrue(EventJson.filter(json("{'text':{'query':'TASK-RUN'}}"), NOW).value().matchesLive(e));
    assertFalse(EventJson.filter(json("{'text':{'query':'running -task'}}"), NOW).value().matchesLive(e));
    assertFalse(EventJson.filter(json("{'text':{'query':'+nowhere task'}}"), NOW).value().matchesLive(e));
    assertNull(EventJson.filter(json("{'text':{'query':'  '}}"), NOW).value().text());
    assertFalse(EventJson.filter(json("{'text':{}}"), NOW).isOk());
    assertFalse(EventJson.filter(json("{'text':{'query':'" + "x".repeat(201) + "'}}"), NOW).isOk());
  }

  @Test
  void rendersAReceivedEvent() {
    Event e = EventJson.event(json(taskEvent("")), NOW).value();
    JsonNode r = EventJson.render(e);
    assertEquals("2026-08-21T16:27:33.123456Z", r.get("occurred").asText());
    assertEquals("2026-08-21T17:00:00Z", r.get("received").asText());
    assertTrue(r.get("follows").isNull());
    assertEquals(List.of("occurred", "event", "resource", "related", "payload", "id", "follows", "received"),
        iterable(r.fieldNames()));
  }

  static List<String> iterable(java.util.Iterator<String> it) {
    List<String> l = new java.util.ArrayList<>();
    it.forEachRemaining(l::add);
    return l;
  }
}
