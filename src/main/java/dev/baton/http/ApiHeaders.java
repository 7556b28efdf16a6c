package dev.baton.http;

import dev.baton.domain.ApiVersion;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The request headers the server reads (spec/api.md §1.2). */
public final class ApiHeaders {
  public static final String API_VERSION = "X-PREFECT-API-VERSION";
  private static final Pattern USER_AGENT = Pattern.compile("^prefect/(\\d+\\.\\d+\\.\\d+(?:[a-z.+0-9]+)?) \\(API \\S+\\)$");

  private ApiHeaders() {}

  /** Outcome of reading {@code X-PREFECT-API-VERSION}: a version (null when absent) or a 400 text. */
  public record VersionCheck(ApiVersion version, String error) {}

  public static VersionCheck checkApiVersion(String header) {
    if (header == null) {
      return new VersionCheck(null, null);
    }
    ApiVersion v = ApiVersion.parse(header);
    if (v == null) {
      return new VersionCheck(null, "Invalid X-PREFECT-API-VERSION header format.Expected header in format 'x.y.z' but received " + header);
    }
    if (v.compareTo(ApiVersion.V0_8_0) < 0) {
      return new VersionCheck(null, "The request specified API version " + v
          + " but this server requires version " + ApiVersion.V0_8_0 + " or higher.");
    }
    return new VersionCheck(v, null);
  }

  /** The Prefect client version in a {@code User-Agent} like {@code prefect/3.4.11 (API 0.8.4)}, or null. */
  public static String clientVersion(String userAgent) {
    if (userAgent == null) {
      return null;
    }
    Matcher m = USER_AGENT.matcher(userAgent);
    return m.matches() ? m.group(1) : null;
  }
}
