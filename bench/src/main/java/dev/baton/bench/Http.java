package dev.baton.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** Client construction and the headers every request carries (as the Prefect Python client sends them). */
final class Http {
  static final String USER_AGENT = "prefect/3.8.4 (API 0.8.4)";
  static final String API_VERSION = "0.8.4";

  private Http() {}

  /** HTTP/1.1, keep-alive, at most {@code connections} connections, no pipelining. */
  static WebClient client(Vertx vertx, int connections) {
    WebClientOptions options = new WebClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setKeepAlive(true)
        .setKeepAliveTimeout(3600)
        .setPipelining(false)
        .setTcpNoDelay(true)
        .setUserAgentEnabled(false)
        .setFollowRedirects(false);
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1);
    return WebClient.create(vertx, options, pool);
  }

  static Future<HttpResponse<Buffer>> post(WebClient c, String url, Buffer body, long timeoutMs) {
    return c.postAbs(url)
        .timeout(timeoutMs)
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", USER_AGENT)
        .putHeader("X-PREFECT-API-VERSION", API_VERSION)
        .sendBuffer(body);
  }

  static Future<HttpResponse<Buffer>> get(WebClient c, String url, long timeoutMs) {
    return c.getAbs(url)
        .timeout(timeoutMs)
        .putHeader("User-Agent", USER_AGENT)
        .putHeader("X-PREFECT-API-VERSION", API_VERSION)
        .send();
  }

  static String snippet(HttpResponse<Buffer> r) {
    Buffer b = r.body();
    if (b == null) {
      return "HTTP " + r.statusCode() + " (no body)";
    }
    String s = b.toString();
    return "HTTP " + r.statusCode() + " " + (s.length() > 300 ? s.substring(0, 300) + "…" : s);
  }
}
