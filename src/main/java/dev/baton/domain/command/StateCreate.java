package dev.baton.domain.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import java.time.Instant;
import java.util.UUID;

/**
 * A validated {@code StateCreate} body (spec/api.md §2.4). {@code name} null means "default name";
 * an empty string is kept. {@code data} is any JSON or null.
 */
public record StateCreate(StateType type, String name, String message, JsonNode data, StateDetails details) {

  public StateCreate {
    if (details == null) {
      details = StateDetails.EMPTY;
    }
  }

  public static StateCreate of(StateType type) {
    return new StateCreate(type, null, null, null, StateDetails.EMPTY);
  }

  /**
   * The full State the server builds from this body: new id, timestamp {@code now}, default name,
   * and for SCHEDULED a default {@code scheduled_time} of {@code now}.
   */
  public State toState(UUID id, Instant now) {
    StateDetails d = details;
    if (type == StateType.SCHEDULED && d.scheduledTime() == null) {
      d = d.toBuilder().scheduledTime(now).build();
    }
    return new State(id, type, name == null ? type.defaultName() : name, now, message, data, d);
  }
}
