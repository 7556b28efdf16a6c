package dev.baton.automations;

import dev.baton.automations.OutboundRequests.Request;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sends the requests of notification and webhook actions with Vert.x's HTTP client (never on an
 * event loop's time: name resolution for the private-address check runs on a worker thread).
 * A block that does not allow private URLs is resolved first, every address checked, and the
 * connection made to the checked address (the Host header and TLS name stay the URL's), so a DNS
 * answer that changes between check and connection cannot reach an internal address.
 */
final class Outbound {
  /** Response bodies are read up to this size (events keep at most 1,000 characters of them). */
  static final int MAX_BODY = 64 * 1024;

  /** An answer: status, body (at most {@link #MAX_BODY}), headers. */
  record Response(int status, String body, Map<String, String> headers) {}

  private final Vertx vertx;
  private final HttpClient verified;
  private final HttpClient insecure;

  Outbound(Vertx vertx) {
    this.vertx = vertx;
    this.verified = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setMaxRedirects(0));
    this.insecure = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setMaxRedirects(0)
        .setTrustAll(true).setVerifyHost(false));
  }

  Future<Response> send(Request r) {
    URI u = URI.create(r.url());
    boolean tls = "https".equals(u.getScheme());
    int port = u.getPort() > 0 ? u.getPort() : tls ? 443 : 80;
    String host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
    Future<InetAddress> address = r.allowPrivate() ? Future.succeededFuture(null)
        : vertx.executeBlocking(() -> {
          InetAddress[] all = InetAddress.getAllByName(host);
          for (InetAddress a : all) {
            if (OutboundRequests.restricted(a)) {
              throw new IllegalArgumentException("'" + r.url() + "' is not a valid URL.  It resolves to a "
                  + "private address (" + a.getHostAddress() + ")");
            }
          }
          return all[0];
        }, false);
    return address.compose(a -> {
      String path = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
          + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
      RequestOptions o = new RequestOptions().setMethod(HttpMethod.valueOf(r.method())).setHost(host).setPort(port)
          .setSsl(tls).setURI(path).setConnectTimeout(r.timeout().toMillis()).setIdleTimeout(r.timeout().toMillis());
      if (a != null) {
        o.setServer(SocketAddress.inetSocketAddress(port, a.getHostAddress()));
      }
      r.headers().forEach(o::putHeader);
      HttpClient client = r.verify() ? verified : insecure;
      return client.request(o).compose(req -> (r.body() == null ? req.send() : req.send(Buffer.buffer(r.body()))))
          .compose(resp -> {
            Promise<Response> done = Promise.promise();
            Buffer body = Buffer.buffer();
            resp.handler(chunk -> {
              if (body.length() < MAX_BODY) {
                body.appendBuffer(chunk.length() > MAX_BODY - body.length()
                    ? chunk.getBuffer(0, MAX_BODY - body.length()) : chunk);
              }
            });
            resp.exceptionHandler(done::tryFail);
            resp.endHandler(v -> {
              Map<String, String> headers = new LinkedHashMap<>();
              resp.headers().forEach(h -> headers.merge(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue(),
                  (x, y) -> x + ", " + y));
              done.tryComplete(new Response(resp.statusCode(), body.toString(), headers));
            });
            return done.future();
          });
    });
  }

  Future<Void> close() {
    return Future.all(verified.close(), insecure.close()).mapEmpty();
  }
}
