package dev.baton.orchestration.run;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.RunKind;
import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.persistence.ServerEventStore.FlowRunStateEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * The {@code prefect.flow-run.<state name>} event of a flow-run transition that wrote a state —
 * accepted, or rejected into a new state (Prefect's InstrumentFlowRunStateTransitions, in every flow
 * policy): its id is the new state's, it occurred at the state's timestamp, and it follows the
 * previous state's event when the two are less than five minutes apart. WAITs, ABORTs and rejections
 * that keep the current state write no state and emit nothing.
 */
public final class FlowRunStateEvents {
  /** Longest state message carried (Prefect truncates to 100,000 characters, keeping both ends). */
  static final int TRUNCATE_AT = 100_000;
  private static final Duration TIGHT = Duration.ofMinutes(5);
  /** Python's {@code datetime.isoformat()} of an aware UTC time: the fraction only when non-zero. */
  private static final DateTimeFormatter ISO_MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx")
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter ISO_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx")
      .withZone(ZoneOffset.UTC);

  private FlowRunStateEvents() {}

  /** The event of {@code o} for a run whose state was {@code initial}; null when there is none. */
  public static FlowRunStateEvent of(RunKind kind, OrchestrationOutcome o, State initial) {
    if (kind != RunKind.FLOW_RUN || !o.stateWritten() || o.state() == null) {
      return null;
    }
    State validated = o.state();
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode labels = f.objectNode();
    labels.put("prefect.run-count", Integer.toString(o.run().runCount()));
    labels.put("prefect.state-message", truncated(validated.message()));
    labels.put("prefect.state-name", validated.name() == null ? "" : validated.name());
    labels.put("prefect.state-timestamp", validated.timestamp() == null ? null : isoformat(validated.timestamp()));
    labels.put("prefect.state-type", validated.type().name());
    ObjectNode payload = f.objectNode();
    ObjectNode intended = payload.putObject("intended");
    intended.put("from", initial == null ? null : initial.type().name());
    intended.put("to", validated.type().name());
    payload.set("initial_state", statePayload(initial));
    payload.set("validated_state", statePayload(validated));
    UUID follows = initial != null && initial.timestamp() != null && validated.timestamp() != null
        && Duration.between(initial.timestamp(), validated.timestamp()).abs().compareTo(TIGHT) < 0 ? initial.id() : null;
    return new FlowRunStateEvent(validated.id(), o.run().id(), validated.timestamp(),
        "prefect.flow-run." + validated.name(), labels, payload, follows);
  }

  /** The essential string parts of a state (Prefect's {@code state_payload}); null for no state. */
  static ObjectNode statePayload(State s) {
    if (s == null) {
      return null;
    }
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    p.put("type", s.type().name());
    if (s.name() != null && !s.name().isEmpty()) {
      p.put("name", s.name());
    }
    if (s.message() != null && !s.message().isEmpty()) {
      p.put("message", truncated(s.message()));
    }
    if (s.type() == StateType.PAUSED) {
      p.put("pause_reschedule", Boolean.toString(s.details().pauseReschedule()));
    }
    return p;
  }

  /** At most about {@link #TRUNCATE_AT} characters: both halves kept around "...N additional characters...". */
  static String truncated(String s) {
    if (s == null || s.isEmpty()) {
      return "";
    }
    if (s.length() <= TRUNCATE_AT) {
      return s;
    }
    int half = TRUNCATE_AT / 2;
    int omitted = s.length() - 2 * half;
    String proposed = s.substring(0, half) + "..." + omitted + " additional characters..." + s.substring(s.length() - half);
    return proposed.length() < s.length() ? proposed : s;
  }

  static String isoformat(Instant t) {
    return (t.getNano() / 1000 == 0 ? ISO_SECONDS : ISO_MICROS).format(t);
  }
}
