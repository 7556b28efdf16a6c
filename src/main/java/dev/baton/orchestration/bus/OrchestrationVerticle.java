package dev.baton.orchestration.bus;

import dev.baton.orchestration.api.Addresses;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.orchestration.api.ResumeCommand;
import dev.baton.orchestration.api.SetStateCommand;
import dev.baton.admission.ServerState;
import dev.baton.admission.InFlightLimiter;
import dev.baton.observability.OverloadMetrics;
import dev.baton.orchestration.api.OrchestrationFailure;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.function.BooleanSupplier;
import dev.baton.orchestration.group.ProposalBatcher;
import dev.baton.orchestration.Orchestration;

/**
 * Consumes typed set-state and resume commands from the event bus and answers with the
 * orchestration result. Expected failures travel as {@code message.fail(code, text)} with the codes
 * of {@link dev.baton.orchestration.api.OrchestrationFailure}.
 *
 * <p>Bounded like the HTTP side: at most {@code maxInFlight} proposals (from any sender, across
 * all instances) accepted and not yet answered; one more, one past its deadline, or any while the
 * server drains, is answered UNAVAILABLE at once without touching the database.
 */
public final class OrchestrationVerticle extends VerticleBase {
  private final Orchestration orchestration;
  private final int maxGroupSize;
  private final int groupsInFlight;
  private final InFlightLimiter inFlight;
  private final ServerState state;
  private final OverloadMetrics overload;
  private final long waitHoldMs;
  private final int maxHeldWaits;
  private final BooleanSupplier crowded;
  private ProposalBatcher batcher;
  private BusAdmission admission;

  /**
   * Set-state proposals grouped (see {@link ProposalBatcher}): at most {@code groupsInFlight}
   * transactions of this verticle at once, each for up to {@code maxGroupSize} proposals.
   *
   * @param inFlight shared by all instances: proposals accepted and not yet answered
   * @param waitHoldMs longest a WAIT on a full tag limit is held (0 = answered at once)
   * @param maxHeldWaits most WAITs held at once by this instance
   * @param crowded true while requests are being refused for lack of an in-flight place: no new
   *     WAIT is held then (held requests keep their places)
   */
  public OrchestrationVerticle(Orchestration orchestration, int maxGroupSize, int groupsInFlight,
      InFlightLimiter inFlight, ServerState state, OverloadMetrics overload, long waitHoldMs, int maxHeldWaits,
      BooleanSupplier crowded) {
    this.crowded = crowded;
    this.waitHoldMs = waitHoldMs;
    this.maxHeldWaits = maxHeldWaits;
    this.orchestration = orchestration;
    this.maxGroupSize = maxGroupSize;
    this.groupsInFlight = groupsInFlight;
    this.inFlight = inFlight;
    this.state = state;
    this.overload = overload;
  }

  @Override
  public Future<?> start() {
    OrchestrationClient.registerCodecs(vertx);
    admission = new BusAdmission(inFlight, state, overload);
    // the in-flight bound also bounds the queue: every queued proposal is in flight
    ProposalBatcher.Timers timers = new ProposalBatcher.Timers() {
      @Override
      public long schedule(long delayMillis, Runnable action) {
        return vertx.setTimer(Math.max(1, delayMillis), id -> action.run());
      }

      @Override
      public void cancel(long id) {
        vertx.cancelTimer(id);
      }
    };
    ProposalBatcher.HoldEvents holdEvents = new ProposalBatcher.HoldEvents() {
      @Override
      public void started() {
        orchestration.metrics().waitHeld();
      }

      @Override
      public void ended(String how) {
        orchestration.metrics().waitHoldEnded(how);
      }
    };
    // held WAITs keep their in-flight places: never past maxHeldWaits, never while draining or while
    // requests are being refused for lack of a place
    batcher = new ProposalBatcher(orchestration.proposals()::setStatesNoted, maxGroupSize, groupsInFlight, Math.max(1, inFlight.max()),
        orchestration.metrics()::group, new ProposalBatcher.WaitHolds(waitHoldMs, maxHeldWaits,
            () -> !state.draining() && !crowded.getAsBoolean(), timers),
        holdEvents);
    MessageConsumer<SetStateCommand> task = vertx.eventBus().<SetStateCommand>localConsumer(Addresses.TASK_RUN_SET_STATE, this::handle);
    MessageConsumer<SetStateCommand> flow = vertx.eventBus().<SetStateCommand>localConsumer(Addresses.FLOW_RUN_SET_STATE, this::handle);
    MessageConsumer<ResumeCommand> resume = vertx.eventBus().<ResumeCommand>localConsumer(Addresses.FLOW_RUN_RESUME,
        msg -> {
          if (admission.admit(msg, msg.body().deadlinePassed())) {
            admission.reply(msg, orchestration.resumes().resume(msg.body()));
          }
        });
    return Future.all(task.completion(), flow.completion(), resume.completion());
  }

  @Override
  public Future<?> stop() {
    if (batcher != null) {
      batcher.close(); // held WAITs answered now, not when their time runs out
    }
    return Future.succeededFuture();
  }

  private void handle(Message<SetStateCommand> msg) {
    if (admission.admit(msg, msg.body().deadlinePassed())) {
      admission.reply(msg, batcher.submit(msg.body()));
    }
  }
}
