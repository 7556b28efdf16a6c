package dev.baton.orchestration.rules.concurrency;

import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.ConcurrencyEffect;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.ConcurrencyFacts.LegacyLimit;
import dev.baton.orchestration.engine.ConcurrencyFacts.Limit;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TaskRunDraft;
import dev.baton.orchestration.engine.TypeSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Task tag concurrency (spec/concurrency.md §2.1), CoreTaskPolicy, FROM any TO RUNNING. Decides from
 * the limits loaded for this proposal (a WAIT may rest on an unlocked read; a decision that takes a
 * slot is made again on locked rows, see run.RunOrchestrator); the acquisition is an effect, so it commits with the RUNNING
 * state or not at all (a fizzle drops it). Baton takes no slot it does not keep:
 * <ul>
 *   <li>a zero limit aborts before anything is taken (Prefect still takes the other tags' slots);</li>
 *   <li>a run that already holds slots on these limits is not charged again (RUNNING → RUNNING);</li>
 *   <li>legacy rows shadowed by an active v2 limit are skipped, and the first refusal decides.</li>
 * </ul>
 */
public final class SecureTaskConcurrencySlots extends Rule {
  private static final TypeSet TO = TypeSet.of(StateType.RUNNING);

  @Override public TypeSet fromStates() { return TypeSet.ALL; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void before(RuleContext ctx) {
    if (ctx.proposed() == null) {
      return;
    }
    TaskRunDraft run = ctx.taskRun();
    if (run.tags().isEmpty()) {
      return;
    }
    ConcurrencyFacts cf = Slots.facts(ctx);
    if (cf == null) {
      return;
    }

    // v2 "tag:" limits take precedence over legacy rows of the same tag
    Set<String> v2Tags = new HashSet<>();
    List<Limit> acquire = new ArrayList<>();
    for (Limit l : cf.tagLimits()) {
      if (!l.active()) {
        continue;
      }
      if (l.limit() == 0) {
        ctx.abort(Slots.zeroTagLimit(Slots.tagOf(l)));
        return;
      }
      v2Tags.add(Slots.tagOf(l));
      acquire.add(l);
    }
    List<ConcurrencyFacts.Lease> held = cf.heldBy(run.id());
    boolean alreadyHeld = !acquire.isEmpty() && Slots.covers(held, acquire);
    if (!acquire.isEmpty() && !alreadyHeld) {
      List<Limit> full = acquire.stream().filter(l -> !l.fits(1)).toList();
      if (!full.isEmpty()) {
        int delay = Slots.tagDelaySeconds(acquire, ctx.settings().tagConcurrencySlotWaitSeconds(), ctx.random());
        double retryAfter = Slots.retryAfterSeconds(full, 1, ctx.settings().tagConcurrencySlotWaitSeconds(),
            ctx.settings().maxSlotWaitSeconds(), ctx.random());
        ctx.emit(new ConcurrencyEffect.RecordDenied(Slots.ids(full), 1));
        ctx.delay(delay, "Concurrency limit reached for tags: "
            + acquire.stream().map(Slots::tagOf).collect(Collectors.joining(", ")), retryAfter);
        return;
      }
    }

    List<UUID> legacyToAdd = new ArrayList<>();
    for (LegacyLimit r : cf.legacyLimits()) {
      if (v2Tags.contains(r.tag()) || !run.tags().contains(r.tag())) {
        continue; // shadowed by an active v2 limit, or a row that only lists the run
      }
      if (r.limit() == 0) {
        ctx.abort(Slots.zeroTagLimit(r.tag()));
        return;
      }
      if (r.activeSlots().contains(run.id())) {
        continue; // already holds it (set semantics)
      }
      if (r.activeSlots().size() >= r.limit()) {
        int wait = ctx.settings().tagConcurrencySlotWaitSeconds();
        ctx.delay(wait, Slots.tagLimitReached(r.tag()), (double) wait);
        return;
      }
      legacyToAdd.add(r.id());
    }

    if (!acquire.isEmpty() && !alreadyHeld) {
      ctx.emit(new ConcurrencyEffect.AcquireSlots(Slots.ids(acquire), 1, ctx.newId(),
          ctx.settings().taskLeaseSeconds(), ConcurrencyEffect.HOLDER_TASK_RUN, run.id()));
    }
    if (!legacyToAdd.isEmpty()) {
      ctx.emit(new ConcurrencyEffect.AddLegacySlot(legacyToAdd, run.id()));
    }
  }
}
