package dev.baton.service;

import dev.baton.config.BatonConfig;
import dev.baton.automations.AutomationService;
import dev.baton.events.EventFeed;
import dev.baton.events.EventRecorder;
import dev.baton.orchestration.api.RunCommands;
import dev.baton.orchestration.api.SlotCommands;
import dev.baton.service.blocks.BlockServices;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Everything the HTTP layer calls, built once per server ({@code BatonServer.deploy}) and shared
 * by every HTTP verticle: the routes are constructed from this, never from the database pool, so
 * no route can touch SQL. To add a service, add a component and build it in {@link #create}.
 *
 * @param runs creating and reading runs and their state histories: the commands the event bus serves too
 * @param slots taking and giving back concurrency slots (v2 leases, v1 tag slots), shared with the bus
 * @param apiConfig page sizes and input bounds of the REST API
 * @param concurrencyLimits v1 tag limits' and v2 limits' CRUD, v2 decrement, leases' listing
 * @param eventQueries stored events: filter pages and websocket backfills
 * @param eventRecorder where reported events are written (one per instance)
 * @param eventFeed live events of every instance, for this instance's {@code /events/out} subscribers
 * @param automations the automations API
 * @param health the database probe behind readiness
 * @param clock the clock requests are timed with
 * @param artifacts artifacts and their keys' collections
 * @param blocks block types, schemas, documents and the default result storage
 * @param console the operator console's reads (runs by state, keyset pages)
 * @param consoleLive the console's live feed (one per instance, a verticle the server deploys)
 */
public record Services(
    RunCommands runs,
    SlotCommands slots,
    BatonConfig.Api apiConfig,
    ConcurrencyLimits concurrencyLimits,
    EventQueries eventQueries,
    EventRecorder eventRecorder,
    EventFeed eventFeed,
    AutomationService automations,
    Health health,
    Clock clock,
    Flows flows,
    FlowRuns flowRuns,
    TaskRuns taskRuns,
    Logs logs,
    FlowRunInputs flowRunInputs,
    Variables variables,
    Deployments deployments,
    Artifacts artifacts,
    BlockServices blocks,
    Console console,
    ConsoleLive consoleLive) {

  /**
   * The services of one server, over its pool.
   *
   * @param scheduler the window of manual scheduling ({@code POST /deployments/{id}/schedule})
   * @param encryptionKey the key block document data is encrypted with (base64), or null for the one kept in the database
   * @param consoleLive the console's live feed (its reads are the console service)
   */
  public static Services create(Pool pool, RunCommands runs, SlotCommands slots, BatonConfig.Api apiConfig,
      EventRecorder eventRecorder, EventFeed eventFeed, AutomationService automations, Clock clock,
      BatonConfig.Scheduler scheduler, String encryptionKey, ConsoleLive consoleLive) {
    return new Services(runs, slots, apiConfig, new ConcurrencyLimits(pool),
        new EventQueries(pool), eventRecorder, eventFeed, automations, new Health(pool), clock, new Flows(pool), new FlowRuns(pool),
        new TaskRuns(pool), new Logs(pool), new FlowRunInputs(pool), new Variables(pool),
        new Deployments(pool, runs, scheduler, clock), new Artifacts(pool), BlockServices.create(pool, encryptionKey),
        consoleLive.console(), consoleLive);
  }

  /** Microsecond-precision "now" of {@link #clock}, matching PostgreSQL timestamptz (rendered estimates). */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
