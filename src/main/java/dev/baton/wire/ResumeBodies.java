package dev.baton.wire;

import static dev.baton.wire.Types.BOOL;
import static dev.baton.wire.Types.INT32;
import static dev.baton.wire.Types.OBJECT;
import static dev.baton.wire.Types.STR;
import static dev.baton.wire.Types.range;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.command.StateCreate;
import dev.baton.filter.Filters.FlowRunFilter;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Request bodies around pausing and resuming (resume.md §2, api.md §4.5, §4.7). All are FastAPI
 * multi-parameter ("embedded") bodies: unknown top-level keys are ignored, JSON null counts as
 * absent, and a non-object body makes every parameter {@code missing}.
 */
public final class ResumeBodies {
  private ResumeBodies() {}

  /** Largest {@code limit} of the bulk endpoints (Prefect's BULK_OPERATION_LIMIT). */
  public static final int BULK_LIMIT = 50;

  /** {@code POST /flow_runs/{id}/resume}: {@code runInput} is null when absent. */
  public record Resume(ObjectNode runInput) {}

  /** {@code POST /flow_runs/{id}/input}. */
  public record InputCreate(String key, String value, String sender) {}

  /** {@code POST /flow_runs/{id}/input/filter}. */
  public record InputFilter(String prefix, int limit, List<String> excludeKeys) {}

  /** {@code POST /flow_runs/bulk_set_state}: {@code flowRuns} null = all runs. */
  public record BulkSetState(FlowRunFilter flowRuns, StateCreate state, boolean force, int limit) {}

  /** {@code POST /flow_runs/bulk_delete}: {@code flowRuns} null = all runs. */
  public record BulkDelete(FlowRunFilter flowRuns, int limit) {}

  private static final Pattern KEY = Pattern.compile("[a-z0-9-]*");
  static final String KEY_ERROR = "value must only contain lowercase letters, numbers, and dashes.";

  /** pydantic {@code bytes} from JSON: a string (kept as text). */
  private static final Type<String> BYTES = (n, c) -> {
    if (!n.isTextual()) {
      c.error("bytes_type", "Input should be a valid bytes", n);
      return null;
    }
    return Types.str(n, c);
  };

  private static final Type<Integer> BULK = range(INT32, 1, BULK_LIMIT);

  static final Model<Resume> RESUME = Model.<Resume>embedded("resume")
      .opt("run_input", OBJECT.nullable())
      .build(v -> new Resume(v.get("run_input")));

  static final Model<InputCreate> INPUT_CREATE = Model.<InputCreate>embedded("create_flow_run_input")
      .req("key", STR.check(k -> KEY.matcher(k).matches() ? null : KEY_ERROR))
      .req("value", BYTES)
      .opt("sender", STR.nullable())
      .build(v -> new InputCreate(v.get("key"), v.get("value"), v.get("sender")));

  static final Model<InputFilter> INPUT_FILTER = Model.<InputFilter>embedded("filter_flow_run_input")
      .req("prefix", STR)
      .opt("limit", range(INT32, 0, null), 1)
      .opt("exclude_keys", Types.list(STR), List.of())
      .build(v -> new InputFilter(v.get("prefix"), v.get("limit"), List.copyOf(v.<List<String>>get("exclude_keys"))));

  static final Model<BulkSetState> BULK_SET_STATE = Model.<BulkSetState>embedded("bulk_set_state")
      .opt("flow_runs", FilterBodies.flowRunFilterType())
      .req("state", Bodies.STATE_CREATE)
      .opt("force", BOOL, false)
      .opt("limit", BULK, BULK_LIMIT)
      .build(v -> new BulkSetState(v.get("flow_runs"), v.get("state"), v.get("force"), v.get("limit")));

  static final Model<BulkDelete> BULK_DELETE = Model.<BulkDelete>embedded("bulk_delete")
      .opt("flow_runs", FilterBodies.flowRunFilterType())
      .opt("limit", BULK, BULK_LIMIT)
      .build(v -> new BulkDelete(v.get("flow_runs"), v.get("limit")));

  /** Body optional: an empty body or JSON null gives {@code Resume(null)}. */
  public static Decoded<Resume> resume(JsonNode body) {
    return RESUME.decodeBody(body);
  }

  /** Baton answers a bad key with 422 {@code value_error} at {@code ["body","key"]} (Prefect: 500). */
  public static Decoded<InputCreate> inputCreate(JsonNode body) {
    return INPUT_CREATE.decodeBody(body);
  }

  public static Decoded<InputFilter> inputFilter(JsonNode body) {
    return INPUT_FILTER.decodeBody(body);
  }

  public static Decoded<BulkSetState> bulkSetState(JsonNode body) {
    return BULK_SET_STATE.decodeBody(body);
  }

  public static Decoded<BulkDelete> bulkDelete(JsonNode body) {
    return BULK_DELETE.decodeBody(body);
  }
}
