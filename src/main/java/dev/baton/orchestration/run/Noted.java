package dev.baton.orchestration.run;

import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.RunKind;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.SetStateCommand;
import dev.baton.orchestration.engine.ConcurrencyEffect;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import java.util.List;
import java.util.UUID;

/**
 * A set-state proposal's answer, noted with what it did to tag slots (for the held WAITs of {@code
 * group.ProposalBatcher}).
 *
 * @param waitsOn when the answer is a WAIT that wrote nothing but its denied slot: the ids of the
 *     full limits that refused it; else empty
 * @param holds the ids of the limits whose slots this answer took for the run (a tagged task run's
 *     RUNNING); else empty
 * @param releases whether this answer gave back slots the run held
 */
public record Noted(OrchestrationResult result, List<UUID> waitsOn, List<UUID> holds, boolean releases) {

  /** The answer to {@code cmd} of an outcome committed (or decided on a snapshot, for a lone WAIT). */
  public static Noted of(SetStateCommand cmd, OrchestrationOutcome o) {
    OrchestrationResult r = new OrchestrationResult(o.state(), o.status(), o.details(), o.stateWritten());
    List<UUID> waitsOn = List.of();
    List<UUID> holds = List.of();
    boolean releases = false;
    boolean onlyDenials = o.status() == OrchestrationStatus.WAIT && !o.stateWritten() && !o.effects().isEmpty();
    for (Effect e : o.effects()) {
      if (e instanceof ConcurrencyEffect.RecordDenied d) {
        waitsOn = d.limitIds();
      } else {
        onlyDenials = false;
        if (e instanceof ConcurrencyEffect.AcquireSlots a && cmd.runId().equals(a.holderId())) {
          holds = a.limitIds();
        } else if (e instanceof ConcurrencyEffect.ReleaseLeases) {
          releases = true;
        }
      }
    }
    return new Noted(r, onlyDenials && cmd.kind() == RunKind.TASK_RUN ? waitsOn : List.of(), holds, releases);
  }
}
