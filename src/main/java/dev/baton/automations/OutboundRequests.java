package dev.baton.automations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.wire.Json;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP requests of the send-notification and call-webhook actions, built from a block
 * document's data (with its secrets) as Prefect's blocks build them: pure, so every rule is
 * unit-tested; {@link Outbound} sends them.
 *
 * <p>Notification blocks served: {@code custom-webhook} (Prefect's own request builder:
 * {@code {{subject}}}/{@code {{body}}}/{@code {{name}}}/secret placeholders in url, params, json or
 * form data, headers and cookies), and the webhook-URL blocks Prefect sends through Apprise —
 * {@code slack-webhook}, {@code ms-teams-webhook}, {@code discord-webhook},
 * {@code mattermost-webhook} — with Apprise's payload shapes. The API-key services (PagerDuty,
 * Opsgenie, Twilio, SendGrid) are {@link Unsupported} (docs/compatibility.md).
 */
final class OutboundRequests {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** The notifier's name, as Prefect's Apprise blocks present themselves. */
  static final String APP = "Prefect Notifications";

  private OutboundRequests() {}

  /** One request; {@code body} null for none. */
  record Request(String method, String url, Map<String, String> headers, byte[] body, Duration timeout,
      boolean verify, boolean allowPrivate) {}

  /** The block's data cannot make a request (Prefect: the block fails to load). */
  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /** A notification block type Baton does not send. */
  static final class Unsupported extends Exception {
    Unsupported(String slug) {
      super("Baton does not send notifications of block type '" + slug + "'", null, false, false);
    }
  }

  // ---- notification blocks ------------------------------------------------------------------

  /** The request that notifies through a block of type {@code slug} with {@code data}. */
  static Request notification(String slug, JsonNode data, String subject, String body)
      throws Invalid, Unsupported {
    switch (slug) {
      case "custom-webhook":
        return customWebhook(data, subject, body);
      case "slack-webhook":
        return json(text(data, "url"), slack(data, subject, body), data);
      case "ms-teams-webhook":
        return json(text(data, "url"), teams(data, subject, body), data);
      case "discord-webhook":
        return json("https://discord.com/api/webhooks/" + required(data, "webhook_id") + "/"
            + required(data, "webhook_token"), discord(data, subject, body), data);
      case "mattermost-webhook":
        return json(mattermostUrl(data), mattermost(data, subject, body), data);
      default:
        throw new Unsupported(slug);
    }
  }

  private static Request json(String url, ObjectNode payload, JsonNode data) throws Invalid {
    checkUrl(url);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("User-Agent", APP);
    headers.put("Content-Type", "application/json");
    return new Request("POST", url, headers, payload.toString().getBytes(StandardCharsets.UTF_8),
        Duration.ofSeconds(30), true, data.path("allow_private_urls").asBoolean(true));
  }

  /** Apprise's colours by notify type (info, success, warning, failure). */
  static String color(JsonNode data) {
    switch (data.path("notify_type").asText("prefect_default")) {
      case "success":
        return "#3AA337";
      case "warning":
        return "#CACF29";
      case "failure":
        return "#A32037";
      default:
        return "#3AA3E3";
    }
  }

  static ObjectNode slack(JsonNode data, String subject, String body) {
    ObjectNode p = F.objectNode().put("username", APP).put("mrkdwn", true);
    ObjectNode a = p.putArray("attachments").addObject();
    if (subject != null && !subject.isEmpty()) {
      a.put("title", subject);
    }
    a.put("text", body).put("color", color(data)).put("footer", APP);
    return p;
  }

  static ObjectNode teams(JsonNode data, String subject, String body) {
    ObjectNode p = F.objectNode().put("@type", "MessageCard").put("@context", "https://schema.org/extensions")
        .put("summary", subject == null || subject.isEmpty() ? APP : subject).put("themeColor", color(data));
    ObjectNode s = p.putArray("sections").addObject();
    if (subject != null && !subject.isEmpty()) {
      s.put("activityTitle", subject);
    }
    s.put("text", body);
    return p;
  }

  static ObjectNode discord(JsonNode data, String subject, String body) {
    ObjectNode p = F.objectNode().put("tts", data.path("tts").asBoolean(false)).put("wait", true);
    if (data.hasNonNull("botname")) {
      p.put("username", data.get("botname").asText());
    }
    if (data.hasNonNull("avatar_url")) {
      p.put("avatar_url", data.get("avatar_url").asText());
    }
    p.put("content", subject == null || subject.isEmpty() ? body : "**" + subject + "**\r\n" + body);
    return p;
  }

  static ObjectNode mattermost(JsonNode data, String subject, String body) {
    ObjectNode p = F.objectNode().put("text", subject == null || subject.isEmpty() ? body
        : "##### " + subject + "\r\n" + body);
    if (data.hasNonNull("botname")) {
      p.put("username", data.get("botname").asText());
    }
    JsonNode channels = data.get("channels");
    if (channels != null && channels.isArray() && channels.size() > 0) {
      p.put("channel", channels.get(0).asText());
    }
    return p;
  }

  static String mattermostUrl(JsonNode data) throws Invalid {
    boolean secure = data.path("secure").asBoolean(false);
    String host = required(data, "hostname");
    int port = data.path("port").asInt(8065);
    String path = data.hasNonNull("path") ? data.get("path").asText() : "";
    if (!path.isEmpty() && !path.startsWith("/")) {
      path = "/" + path;
    }
    return (secure ? "https" : "http") + "://" + host + ":" + port + path + "/hooks/" + required(data, "token");
  }

  // ---- custom webhook -----------------------------------------------------------------------

  private static final Pattern PLACEHOLDER = Pattern.compile("(\\{\\{\\s*([\\w.\\-\\[\\]$]+)\\s*}})");
  /** A placeholder with no value: the key (or list item) it stands for is left out. */
  private static final Object NOT_SET = new Object();

  /** Prefect's CustomWebhookNotificationBlock: its checks at load, then its request. */
  static Request customWebhook(JsonNode data, String subject, String body) throws Invalid {
    String url = text(data, "url");
    JsonNode formData = data.get("form_data");
    JsonNode jsonData = data.get("json_data");
    boolean hasForm = formData != null && !formData.isNull();
    boolean hasJson = jsonData != null && !jsonData.isNull();
    if (hasForm && hasJson) {
      throw new Invalid("ValueError('both `Form Data` and `JSON Data` provided')");
    }
    Map<String, Object> values = new LinkedHashMap<>();
    JsonNode secrets = data.path("secrets");
    secrets.fields().forEachRemaining(e -> values.put(e.getKey(), Templates.plain(e.getValue())));
    Set<String> allowed = new LinkedHashSet<>(List.of("subject", "body", "name"));
    allowed.addAll(values.keySet());
    for (String field : List.of("url", "params", "form_data", "json_data", "headers", "cookies")) {
      JsonNode t = data.get(field);
      if (t == null || t.isNull()) {
        continue;
      }
      for (String name : placeholders(t)) {
        if (!allowed.contains(name)) {
          throw new Invalid("KeyError('" + field + "/{{ " + name + " }}')");
        }
      }
    }
    values.put("subject", subject == null ? "null" : subject);
    values.put("body", body);
    values.put("name", data.path("name").asText(""));

    Object resolvedUrl = apply(url, values);
    String target = resolvedUrl == NOT_SET ? "" : String.valueOf(resolvedUrl);
    Object params = hasValue(data, "params") ? apply(Templates.plain(data.get("params")), values) : null;
    if (params instanceof Map<?, ?> m && !m.isEmpty()) {
      StringBuilder q = new StringBuilder(target.contains("?") ? "&" : "?");
      m.forEach((k, v) -> {
        if (q.length() > 1) {
          q.append('&');
        }
        q.append(form(String.valueOf(k))).append('=').append(form(pyStr(v)));
      });
      target = target + q;
    }
    checkUrl(target);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("User-Agent", APP);
    if (hasValue(data, "headers") && apply(Templates.plain(data.get("headers")), values) instanceof Map<?, ?> h) {
      h.forEach((k, v) -> {
        headers.keySet().removeIf(x -> x.equalsIgnoreCase(String.valueOf(k))); // a given User-Agent wins
        headers.put(String.valueOf(k), pyStr(v));
      });
    }
    if (hasValue(data, "cookies") && apply(Templates.plain(data.get("cookies")), values) instanceof Map<?, ?> c
        && !c.isEmpty()) {
      List<String> pairs = new ArrayList<>();
      c.forEach((k, v) -> pairs.add(k + "=" + pyStr(v)));
      headers.put("Cookie", String.join("; ", pairs));
    }
    byte[] payload = null;
    if (hasJson) {
      Object j = apply(Templates.plain(jsonData), values);
      payload = Json.MAPPER.valueToTree(j == NOT_SET ? null : j).toString().getBytes(StandardCharsets.UTF_8);
      putIfAbsent(headers, "Content-Type", "application/json");
    } else if (hasForm && formData.isTextual()) {
      Object raw = apply(formData.asText(), values);
      payload = (raw == NOT_SET ? "" : pyStr(raw)).getBytes(StandardCharsets.UTF_8);
    } else if (hasForm && apply(Templates.plain(formData), values) instanceof Map<?, ?> f) {
      StringBuilder b = new StringBuilder();
      f.forEach((k, v) -> {
        if (b.length() > 0) {
          b.append('&');
        }
        b.append(form(String.valueOf(k))).append('=').append(form(pyStr(v)));
      });
      payload = b.toString().getBytes(StandardCharsets.UTF_8);
      putIfAbsent(headers, "Content-Type", "application/x-www-form-urlencoded");
    }
    String method = data.path("method").asText("POST").toUpperCase(Locale.ROOT);
    double timeout = data.path("timeout").asDouble(10);
    return new Request(method, target, headers, payload, Duration.ofMillis(Math.max(1, Math.round(timeout * 1000))),
        true, data.path("allow_private_urls").asBoolean(true));
  }

  private static void putIfAbsent(Map<String, String> headers, String name, String value) {
    if (headers.keySet().stream().noneMatch(k -> k.equalsIgnoreCase(name))) {
      headers.put(name, value);
    }
  }

  private static boolean hasValue(JsonNode data, String field) {
    return data.hasNonNull(field);
  }

  /** The placeholder names in a template (strings anywhere in it). */
  static Set<String> placeholders(JsonNode t) {
    Set<String> out = new LinkedHashSet<>();
    if (t.isTextual()) {
      Matcher m = PLACEHOLDER.matcher(t.asText());
      while (m.find()) {
        out.add(m.group(2));
      }
    } else if (t.isContainerNode()) {
      t.forEach(c -> out.addAll(placeholders(c)));
    }
    return out;
  }

  /**
   * Prefect's {@code apply_values}: a string that is one placeholder becomes its value (any type;
   * none: left out), other placeholders in a string are replaced by their text (none: by
   * nothing); maps and lists are walked, leaving out what is not set.
   */
  static Object apply(Object template, Map<String, Object> values) {
    if (template == null || template instanceof Number || template instanceof Boolean) {
      return template;
    }
    if (template instanceof String s) {
      Matcher m = PLACEHOLDER.matcher(s);
      List<String[]> found = new ArrayList<>();
      Set<String> seen = new LinkedHashSet<>();
      while (m.find()) {
        if (seen.add(m.group(1))) {
          found.add(new String[] {m.group(1), m.group(2)});
        }
      }
      if (found.isEmpty()) {
        return s;
      }
      if (found.size() == 1 && found.get(0)[0].equals(s)) {
        return lookup(values, found.get(0)[1]);
      }
      String out = s;
      for (String[] p : found) {
        Object v = lookup(values, p[1]);
        out = out.replace(p[0], v == NOT_SET ? "" : pyStr(v));
      }
      return out;
    }
    if (template instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> {
        Object r = apply(v, values);
        if (r != NOT_SET) {
          out.put(String.valueOf(k), r);
        }
      });
      return out;
    }
    if (template instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object v : list) {
        Object r = apply(v, values);
        if (r != NOT_SET) {
          out.add(r);
        }
      }
      return out;
    }
    return template;
  }

  /** {@code get_from_dict}: a dotted path ({@code a.b[0]}) into maps and lists; NOT_SET when absent. */
  private static Object lookup(Map<String, Object> values, String path) {
    if (path.startsWith("$") || path.startsWith("prefect.")) {
      return NOT_SET; // environment and block/variable references are never resolved here
    }
    Object at = values;
    for (String k : path.replace("[", ".").replace("]", "").split("\\.")) {
      if (at instanceof Map<?, ?> m && m.containsKey(k)) {
        at = m.get(k);
      } else if (at instanceof List<?> l && k.matches("\\d+") && Integer.parseInt(k) < l.size()) {
        at = l.get(Integer.parseInt(k));
      } else {
        return NOT_SET;
      }
    }
    return at;
  }

  /** Python's {@code str()} of a JSON-ish value. */
  static String pyStr(Object v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (v instanceof Map<?, ?> || v instanceof List<?>) {
      return Json.MAPPER.valueToTree(v).toString();
    }
    return String.valueOf(v);
  }

  private static String form(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---- webhook blocks -----------------------------------------------------------------------

  /** Prefect's Webhook block called with a (rendered) text payload: sent as the raw body. */
  static Request webhook(JsonNode data, String payload) throws Invalid {
    String url = text(data, "url");
    checkUrl(url);
    Map<String, String> headers = new LinkedHashMap<>();
    data.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
    return new Request(data.path("method").asText("POST").toUpperCase(Locale.ROOT), url, headers,
        payload == null ? null : payload.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5),
        data.path("verify").asBoolean(true), data.path("allow_private_urls").asBoolean(true));
  }

  /** Prefect's {@code should_redact_header}: sensitive or noisy response headers kept out of events. */
  static boolean redacted(String header) {
    String k = header.toLowerCase(Locale.ROOT);
    return k.equals("authorization") || k.equals("traceparent") || k.equals("via") || k.startsWith("x-forwarded")
        || k.startsWith("x-b3") || k.startsWith("x-cloud-trace") || k.startsWith("x-envoy")
        || k.startsWith("x-prefect");
  }

  /** Prefect's {@code truncated_to}: the beginning and end of a long text, with what was left out counted. */
  static String truncatedTo(int length, String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    if (value.length() <= length) {
      return value;
    }
    int half = length / 2;
    String beginning = value.substring(0, half);
    String end = value.substring(value.length() - half);
    int omitted = value.length() - (beginning.length() + end.length());
    String proposed = beginning + "..." + omitted + " additional characters..." + end;
    return proposed.length() < value.length() ? proposed : value;
  }

  // ---- addresses -----------------------------------------------------------------------------

  /** Only http(s) URLs with a host (Prefect: "… is not a valid URL."). */
  static void checkUrl(String url) throws Invalid {
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new Invalid("ValueError(\"'" + url + "' is not a valid URL.\")");
    }
    if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
      throw new Invalid("ValueError(\"'" + url + "' is not a valid URL.  Only HTTP and HTTPS URLs are allowed.\")");
    }
    if (u.getHost() == null || u.getHost().isEmpty()) {
      throw new Invalid("ValueError(\"'" + url + "' is not a valid URL.\")");
    }
  }

  /**
   * An address a block that does not allow private URLs may not reach: private, loopback,
   * link-local (the cloud metadata services), unspecified, multicast, carrier-grade NAT, IPv6
   * unique-local — the ranges Prefect's {@code validate_restricted_url} refuses.
   */
  static boolean restricted(InetAddress a) {
    if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return true;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet6Address) {
      if ((b[0] & 0xfe) == 0xfc) {
        return true; // fc00::/7
      }
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        try {
          return restricted(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
        } catch (java.net.UnknownHostException e) {
          return true;
        }
      }
      return false;
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    return first == 0 || (first == 100 && second >= 64 && second < 128) || (first == 192 && second == 0
        && (b[2] & 0xff) == 0) || (first == 198 && (second == 18 || second == 19)) || first >= 240;
  }

  // ---- fields --------------------------------------------------------------------------------

  private static String text(JsonNode data, String field) throws Invalid {
    JsonNode v = data.get(field);
    if (v == null || v.isNull() || !v.isTextual()) {
      throw new Invalid("ValidationError: " + field + " is required");
    }
    return v.asText();
  }

  private static String required(JsonNode data, String field) throws Invalid {
    JsonNode v = data.get(field);
    if (v == null || v.isNull()) {
      throw new Invalid("ValidationError: " + field + " is required");
    }
    return v.asText();
  }
}
