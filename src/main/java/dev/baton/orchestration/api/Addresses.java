package dev.baton.orchestration.api;

/**
 * Event-bus addresses of Baton's API, defined once (docs/event-bus.md).
 *
 * <p>Every address exists twice: {@code <address>} takes the typed Java records of this package
 * (local codec, same JVM only, registered with {@code localConsumer}), and {@code <address>.json}
 * ({@link #json(String)}) takes the REST API's JSON body as a {@code String} with the header
 * {@value #VERSION_HEADER}: {@value #VERSION} — usable from any language and across a clustered
 * bus. Path parameters of the REST route travel as headers (e.g. {@value #ID_HEADER}).
 */
public final class Addresses {
  private Addresses() {}

  /** Header every JSON message carries (and every JSON reply): the message-format version. */
  public static final String VERSION_HEADER = "baton-api";

  /** The only JSON message format version so far. */
  public static final String VERSION = "1";

  /** JSON messages: the run id, flow-run id or lease id a REST route takes in its path. */
  public static final String ID_HEADER = "id";

  /** JSON messages: the optional Prefect API version ({@code X-PREFECT-API-VERSION}). */
  public static final String API_VERSION_HEADER = "x-prefect-api-version";

  /** JSON messages: the optional proposal deadline, in milliseconds from the sending. */
  public static final String DEADLINE_HEADER = "baton-deadline-ms";

  /** JSON replies: the HTTP status the REST route would answer with (200, 201, 204). */
  public static final String STATUS_HEADER = "status";

  /** JSON replies to increment: seconds to wait before retrying, when no slot was free (HTTP 423). */
  public static final String RETRY_AFTER_HEADER = "retry-after";

  /** Typed {@link SetStateCommand} for a task run → {@link OrchestrationResult}. */
  public static final String TASK_RUN_SET_STATE = "baton.orchestration.task-run.set-state";

  /** Typed {@link SetStateCommand} for a flow run → {@link OrchestrationResult}. */
  public static final String FLOW_RUN_SET_STATE = "baton.orchestration.flow-run.set-state";

  /** Typed {@link ResumeCommand} → {@link OrchestrationResult}. */
  public static final String FLOW_RUN_RESUME = "baton.orchestration.flow-run.resume";

  /** Typed {@link CreateFlowCommand} → {@link CreatedRun}{@code <Flow>} (created, or found by its name). */
  public static final String FLOW_CREATE = "baton.api.flow.create";

  /** Typed {@link CreateFlowRunCommand} → {@link CreatedRun}{@code <FlowRun>}. */
  public static final String FLOW_RUN_CREATE = "baton.api.flow-run.create";

  /** Typed {@link CreateTaskRunCommand} → {@link CreatedRun}{@code <TaskRun>}. */
  public static final String TASK_RUN_CREATE = "baton.api.task-run.create";

  /** Typed {@link ReadCommand} → {@code FlowRun} (NOT_FOUND when there is none). */
  public static final String FLOW_RUN_READ = "baton.api.flow-run.read";

  /** Typed {@link ReadCommand} → {@code TaskRun} (NOT_FOUND when there is none). */
  public static final String TASK_RUN_READ = "baton.api.task-run.read";

  /** Typed {@link ReadCommand} → {@link StateHistory} (oldest first; empty for an unknown run). */
  public static final String FLOW_RUN_STATES = "baton.api.flow-run.states";

  /** Typed {@link ReadCommand} → {@link StateHistory} (oldest first; empty for an unknown run). */
  public static final String TASK_RUN_STATES = "baton.api.task-run.states";

  /** Typed {@link AcquireSlotsCommand} → {@link SlotsResult} ({@code increment[-with-lease]}). */
  public static final String CONCURRENCY_ACQUIRE = "baton.api.concurrency.acquire";

  /** Typed {@link ReleaseLeaseCommand} → {@code Integer}, the leases released (0 or 1; {@code decrement-with-lease}). */
  public static final String CONCURRENCY_RELEASE = "baton.api.concurrency.release";

  /** Typed {@link RenewLeaseCommand} → null body (NOT_FOUND when the lease expired or is gone). */
  public static final String CONCURRENCY_RENEW = "baton.api.concurrency.renew";

  /** The JSON twin of a typed address. */
  public static String json(String address) {
    return address + ".json";
  }
}
