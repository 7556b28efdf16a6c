package dev.baton;

import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigException;
import dev.baton.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A container health probe that needs nothing but the JVM already in the image:
 * {@code java -cp baton.jar dev.baton.HealthCheck [path]} GETs {@code path} (default
 * {@code /api/health}) from the Baton of this container — port and host from the same
 * configuration Baton reads ({@code BATON_HTTP_PORT}, {@code conf/baton.json}) — and exits 0 on a
 * 200 answer, 1 otherwise (refused, timed out after 2 s, any other status).
 *
 * <p>The Dockerfile's HEALTHCHECK uses the default, liveness: Docker's only reactions to
 * "unhealthy" (Swarm, autoheal tools) replace the container, which cures a wedged process but not
 * a database outage. {@code /api/ready} is for load balancers and Kubernetes readiness probes.
 */
public final class HealthCheck {
  static final int TIMEOUT_MS = 2_000;

  private HealthCheck() {}

  public static void main(String[] args) {
    String path = args.length > 0 ? args[0] : "/api/health";
    BatonConfig.Http http;
    try {
      http = ConfigLoader.load().http();
    } catch (ConfigException e) {
      System.out.println("baton health check: configuration error: " + e.getMessage());
      System.exit(1);
      return;
    }
    if (http.port() == 0) {
      System.out.println("baton health check: BATON_HTTP_PORT is 0 (any free port): nothing to probe");
      System.exit(1);
      return;
    }
    String host = probeHost(http.host());
    int status = status(host, http.port(), path, TIMEOUT_MS);
    System.out.println("baton health check: GET http://" + host + ":" + http.port() + path + " -> "
        + (status < 0 ? "no answer" : String.valueOf(status)));
    System.exit(status == 200 ? 0 : 1);
  }

  /** Where to connect for a server bound to {@code bindHost}: loopback for a wildcard bind. */
  static String probeHost(String bindHost) {
    if (bindHost == null || bindHost.isBlank() || bindHost.equals("0.0.0.0") || bindHost.equals("::")
        || bindHost.equals("[::]")) {
      return "127.0.0.1";
    }
    return bindHost;
  }

  /** The HTTP status of {@code GET path}, or -1 when there is no well-formed answer in time. */
  static int status(String host, int port, String path, int timeoutMs) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), timeoutMs);
      s.setSoTimeout(timeoutMs);
      String hostHeader = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + ":" + port
          + "\r\nConnection: close\r\nUser-Agent: baton-healthcheck\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // the status line: "HTTP/1.1 200 OK"
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n' && line.length() < 200) {
        line.append((char) c);
      }
      String[] parts = line.toString().strip().split(" ");
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        return -1;
      }
      return Integer.parseInt(parts[1]);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }
}
