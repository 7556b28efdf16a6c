package dev.baton.orchestration.rules.concurrency;

import dev.baton.domain.TagLimitNames;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.ConcurrencyFacts.Limit;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.rules.task.ClampedPoisson;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;

/** Shared arithmetic of the concurrency rules and endpoints: waits, client versions. */
public final class Slots {
  private Slots() {}

  /** Workers of these versions manage deployment concurrency themselves (spec/concurrency.md §3.1). */
  public static final Set<String> SELF_MANAGING_CLIENTS = Set.of("3.0.0rc20", "3.0.0", "3.0.1", "3.0.2", "3.0.3");

  /** First client version that renews deployment leases. */
  private static final int[] RENEWING_CLIENT = {3, 4, 11};

  /**
   * The concurrency facts, or null when the service did not load them (it loads them for every
   * transition a concurrency rule can act on; engine tests without them see the rules inert).
   */
  public static ConcurrencyFacts facts(RuleContext ctx) {
    return ctx.facts().concurrency();
  }

  public static boolean selfManaging(String clientVersion) {
    return clientVersion != null && SELF_MANAGING_CLIENTS.contains(clientVersion);
  }

  /** A client that renews deployment leases: version ≥ 3.4.11 (null counts as 2.0.0). */
  public static boolean renewsLeases(String clientVersion) {
    return clientVersion != null && compare(clientVersion, RENEWING_CLIENT) >= 0;
  }

  /**
   * Compares a PEP 440-ish version ({@code 3.4.11}, {@code 3.0.0rc20}, {@code 3.5.0.dev3},
   * {@code 3.4.11+local}) with a release {@code x.y.z}: a pre-/dev-release sorts before its release.
   */
  static int compare(String version, int[] release) {
    String v = version.trim();
    int plus = v.indexOf('+');
    if (plus >= 0) {
      v = v.substring(0, plus);
    }
    int i = 0;
    int[] nums = new int[3];
    for (int part = 0; part < 3; part++) {
      int start = i;
      while (i < v.length() && Character.isDigit(v.charAt(i))) {
        i++;
      }
      if (start == i) {
        break;
      }
      try {
        nums[part] = Integer.parseInt(v.substring(start, i));
      } catch (NumberFormatException e) {
        nums[part] = Integer.MAX_VALUE;
      }
      if (i < v.length() && v.charAt(i) == '.' && i + 1 < v.length() && Character.isDigit(v.charAt(i + 1)) && part < 2) {
        i++;
      } else {
        break;
      }
    }
    for (int k = 0; k < 3; k++) {
      if (nums[k] != release[k]) {
        return Integer.compare(nums[k], release[k]);
      }
    }
    String rest = v.substring(i);
    // ".post1" is after the release; anything else left over (rc, a, b, .dev) is before it
    if (rest.isEmpty() || rest.startsWith(".post") || rest.startsWith("post")) {
      return 0;
    }
    return -1;
  }

  /** The ids of the limits. */
  public static List<UUID> ids(Collection<Limit> limits) {
    List<UUID> out = new ArrayList<>(limits.size());
    limits.forEach(l -> out.add(l.id()));
    return out;
  }

  /** True when the leases together cover every limit in {@code limits}. */
  public static boolean covers(List<ConcurrencyFacts.Lease> leases, Collection<Limit> limits) {
    Set<UUID> held = new HashSet<>();
    leases.forEach(l -> held.addAll(l.resourceIds()));
    return limits.stream().allMatch(l -> held.contains(l.id()));
  }

  /**
   * Prefect's WAIT delay for full tag limits: the limit with the largest {@code active/limit}
   * decides; {@code round(clamped_poisson(min(avg occupancy or W, W)))}, W = the tag wait setting.
   */
  public static int tagDelaySeconds(List<Limit> limits, int tagWaitSeconds, RandomGenerator random) {
    Limit busiest = null;
    double worst = -1;
    for (Limit l : limits) {
      double ratio = l.limit() == 0 ? Double.MAX_VALUE : (double) l.activeSlots() / l.limit();
      if (ratio > worst) {
        worst = ratio;
        busiest = l;
      }
    }
    double avg = busiest == null || busiest.avgSlotOccupancySeconds() <= 0 ? tagWaitSeconds
        : Math.min(busiest.avgSlotOccupancySeconds(), tagWaitSeconds);
    return (int) Math.round(ClampedPoisson.interval(avg, 0.3, random));
  }

  /**
   * When to retry an acquisition of {@code slots} refused by {@code limits} (spec/concurrency.md
   * §4.2.1, step 5), from the limits' state: the limit with the most pressure
   * ({@code (slots + denied) / limit}, or {@code slots + denied} for rate limits) decides; the
   * expected wait is its average occupancy scaled by that pressure, capped by the wait setting
   * ({@code tagWait} for {@code tag:} limits, {@code maxWait} otherwise), or
   * {@code pressure / decay} for rate limits; jittered with a clamped Poisson interval. Seconds,
   * rounded to 2 decimals, at least 0.1.
   */
  public static double retryAfterSeconds(List<Limit> limits, int slots, int tagWait, int maxWait, RandomGenerator random) {
    Limit blocking = null;
    double pressure = -1;
    for (Limit l : limits) {
      if (!l.active() || l.limit() <= 0) {
        continue;
      }
      double p = l.slotDecayPerSecond() > 0 ? slots + l.deniedSlots() : (double) (slots + l.deniedSlots()) / l.limit();
      if (p > pressure) {
        pressure = p;
        blocking = l;
      }
    }
    double mean;
    if (blocking == null) {
      mean = tagWait;
    } else if (blocking.slotDecayPerSecond() > 0) {
      mean = pressure / blocking.slotDecayPerSecond();
    } else {
      double w = TagLimitNames.isTagLimit(blocking.name()) ? tagWait : maxWait;
      double occupancy = blocking.avgSlotOccupancySeconds() > 0 ? blocking.avgSlotOccupancySeconds() : w;
      mean = Math.min(Math.min(occupancy, w) * pressure, w);
    }
    double v = ClampedPoisson.interval(mean, 0.3, random);
    return Math.max(0.1, Math.round(v * 100) / 100.0);
  }

  /** The refusal of a tag whose limit is 0 (an ABORT for a proposal, a 423 for the v1 increment). */
  public static String zeroTagLimit(String tag) {
    return "The concurrency limit on tag \"" + tag + "\" is 0 and will deadlock if the task tries to run again.";
  }

  /** The refusal of a tag whose limit is full (a WAIT for a proposal, a 423 for the v1 increment). */
  public static String tagLimitReached(String tag) {
    return "Concurrency limit for the " + tag + " tag has been reached";
  }

  /** The tag of a tag limit ({@link TagLimitNames#tagOf}). */
  public static String tagOf(Limit l) {
    return TagLimitNames.tagOf(l.name());
  }
}
