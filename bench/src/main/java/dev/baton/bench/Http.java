package dev.baton.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
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

  /**
   * The measured requests' client: Vert.x's plain HttpClient, HTTP/1.1 keep-alive, at most
   * {@code connections} connections, no pipelining. Lighter than {@link WebClient} (no request
   * context, interceptors or per-request URL parsing), so the generator takes less of the CPU it
   * shares with Baton and PostgreSQL on one machine.
   */
  static HttpClient measuredClient(Vertx vertx, int connections, URI server) {
    boolean https = "https".equalsIgnoreCase(server.getScheme());
    HttpClientOptions options = new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setKeepAlive(true)
        .setKeepAliveTimeout(3600)
        .setPipelining(false)
        .setTcpNoDelay(true)
        .setSsl(https)
        .setDefaultHost(server.getHost())
        .setDefaultPort(server.getPort() != -1 ? server.getPort() : https ? 443 : 80);
    return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
  }

  /** The headers of every measured POST, made once (the same as {@link #post} sends). */
  private static final MultiMap POST_HEADERS = HttpHeaders.headers()
      .add(HttpHeaders.CONTENT_TYPE, HttpHeaders.createOptimized("application/json"))
      .add(HttpHeaders.USER_AGENT, HttpHeaders.createOptimized(USER_AGENT))
      .add(HttpHeaders.createOptimized("X-PREFECT-API-VERSION"), HttpHeaders.createOptimized(API_VERSION));

  /** A POST on the measured client: {@code path} is the server's base path plus the API path. */
  static Future<Reply> post(HttpClient c, String path, Buffer body, long timeoutMs) {
    RequestOptions ro = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setURI(path)
        .setHeaders(POST_HEADERS)
        .setIdleTimeout(timeoutMs);
    return c.request(ro)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b, resp.getHeader("Retry-After"))));
  }

  /** A response of the measured client: status, body, and the one header the generator reads. */
  record Reply(int statusCode, Buffer body, String retryAfter) {}

  private static final JsonFactory JSON = new JsonFactory();

  /**
   * The scalar fields of a JSON object body and of the objects directly in it, by name and by
   * "parent.name" (a JSON null is {@link #NULL}); null when the body is not one well-formed JSON
   * object. Parsed with Jackson's streaming parser: the whole body is still read and checked.
   */
  static Map<String, Object> fields(Buffer body) {
    if (body == null) {
      return null;
    }
    try (JsonParser p = JSON.createParser(body.getBytes())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Map<String, Object> out = new HashMap<>();
      readObject(p, "", 0, out);
      return p.nextToken() == null ? out : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** A JSON null field in {@link #fields}. */
  static final Object NULL = new Object();

  private static void readObject(JsonParser p, String prefix, int depth, Map<String, Object> out) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = prefix + p.currentName();
      JsonToken v = p.nextToken();
      switch (v) {
        case START_OBJECT -> {
          if (depth == 0) {
            readObject(p, name + ".", 1, out);
          } else {
            p.skipChildren();
          }
        }
        case START_ARRAY -> p.skipChildren();
        case VALUE_STRING -> out.put(name, p.getText());
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> out.put(name, p.getNumberValue());
        case VALUE_TRUE -> out.put(name, Boolean.TRUE);
        case VALUE_FALSE -> out.put(name, Boolean.FALSE);
        case VALUE_NULL -> out.put(name, NULL);
        default -> throw new IOException("unexpected " + v);
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new IOException("unexpected " + t);
    }
  }

  static String snippet(Reply r) {
    return snippet(r.statusCode(), r.body());
  }

  static String snippet(HttpResponse<Buffer> r) {
    return snippet(r.statusCode(), r.body());
  }

  private static String snippet(int status, Buffer b) {
    if (b == null) {
      return "HTTP " + status + " (no body)";
    }
    String s = b.toString();
    return "HTTP " + status + " " + (s.length() > 300 ? s.substring(0, 300) + "…" : s);
  }
}
