package dev.baton.orchestration.engine;

import dev.baton.domain.RunKind;
import dev.baton.domain.State;
import dev.baton.domain.StateType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A working copy of the run row that rules and bookkeeping transforms change during one
 * orchestration call. Every setter records how to undo itself, so that the engine can roll back the
 * changes of a rule that fizzles. After the call the service writes the final values.
 */
public abstract sealed class RunDraft permits FlowRunDraft, TaskRunDraft {

  /** Receives an undo action for every change. */
  public interface Journal {
    Journal NONE = undo -> {};

    void record(Runnable undo);
  }

  private Journal journal = Journal.NONE;
  private boolean changed;

  private final UUID id;
  private List<String> tags;
  private UUID stateId;
  private StateType stateType;
  private String stateName;
  private Instant stateTimestamp;
  private int runCount;
  private Instant expectedStartTime;
  private Instant nextScheduledStartTime;
  private Instant startTime;
  private Instant endTime;
  private long totalRunTimeMicros;

  protected RunDraft(UUID id, List<String> tags, UUID stateId, StateType stateType, String stateName,
      Instant stateTimestamp, int runCount, Instant expectedStartTime, Instant nextScheduledStartTime,
      Instant startTime, Instant endTime, long totalRunTimeMicros) {
    this.id = id;
    this.tags = tags == null ? List.of() : List.copyOf(tags);
    this.stateId = stateId;
    this.stateType = stateType;
    this.stateName = stateName;
    this.stateTimestamp = stateTimestamp;
    this.runCount = runCount;
    this.expectedStartTime = expectedStartTime;
    this.nextScheduledStartTime = nextScheduledStartTime;
    this.startTime = startTime;
    this.endTime = endTime;
    this.totalRunTimeMicros = totalRunTimeMicros;
  }

  public abstract RunKind kind();

  void attach(Journal j) {
    this.journal = j == null ? Journal.NONE : j;
  }

  protected final void record(Runnable undo) {
    changed = true;
    journal.record(undo);
  }

  /** True when any setter was called (the row must be written back). */
  public boolean changed() {
    return changed;
  }

  public UUID id() { return id; }
  public List<String> tags() { return tags; }
  public UUID stateId() { return stateId; }
  public StateType stateType() { return stateType; }
  public String stateName() { return stateName; }
  public Instant stateTimestamp() { return stateTimestamp; }
  public int runCount() { return runCount; }
  public Instant expectedStartTime() { return expectedStartTime; }
  public Instant nextScheduledStartTime() { return nextScheduledStartTime; }
  public Instant startTime() { return startTime; }
  public Instant endTime() { return endTime; }
  public long totalRunTimeMicros() { return totalRunTimeMicros; }

  /** Points the run's current-state columns at {@code s} (used by validation). */
  public void setCurrentState(State s) {
    UUID oid = stateId; StateType ot = stateType; String on = stateName; Instant ots = stateTimestamp;
    record(() -> { stateId = oid; stateType = ot; stateName = on; stateTimestamp = ots; });
    stateId = s.id(); stateType = s.type(); stateName = s.name(); stateTimestamp = s.timestamp();
  }

  public void setStateType(StateType v) { StateType o = stateType; record(() -> stateType = o); stateType = v; }
  public void setStateName(String v) { String o = stateName; record(() -> stateName = o); stateName = v; }
  public void setStateTimestamp(Instant v) { Instant o = stateTimestamp; record(() -> stateTimestamp = o); stateTimestamp = v; }
  public void setRunCount(int v) { int o = runCount; record(() -> runCount = o); runCount = v; }
  public void setExpectedStartTime(Instant v) { Instant o = expectedStartTime; record(() -> expectedStartTime = o); expectedStartTime = v; }
  public void setNextScheduledStartTime(Instant v) { Instant o = nextScheduledStartTime; record(() -> nextScheduledStartTime = o); nextScheduledStartTime = v; }
  public void setStartTime(Instant v) { Instant o = startTime; record(() -> startTime = o); startTime = v; }
  public void setEndTime(Instant v) { Instant o = endTime; record(() -> endTime = o); endTime = v; }
  public void setTotalRunTimeMicros(long v) { long o = totalRunTimeMicros; record(() -> totalRunTimeMicros = o); totalRunTimeMicros = v; }
}
