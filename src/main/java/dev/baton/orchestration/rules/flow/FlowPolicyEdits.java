package dev.baton.orchestration.rules.flow;

import dev.baton.domain.FlowRunPolicy;
import java.util.ArrayList;
import java.util.List;

/** Edits of {@code empirical_policy} shared by several flow rules. */
final class FlowPolicyEdits {
  private FlowPolicyEdits() {}

  /** {@code resuming := false}, {@code pause_keys := []}, {@code retry_type := retryType}. */
  static FlowRunPolicy resetForRerun(FlowRunPolicy p, String retryType) {
    return p.withResuming(false).withPauseKeys(List.of()).withRetryType(retryType);
  }

  static FlowRunPolicy addPauseKey(FlowRunPolicy p, String key) {
    List<String> keys = new ArrayList<>(p.pauseKeys());
    keys.add(key);
    return p.withPauseKeys(keys);
  }
}
