package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.it.TestServer;
import dev.baton.testsupport.Ports;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The container probe against a real server, and its exit status as Docker sees it. */
class HealthCheckIT {

  @Test
  void probesTheServerAndExitsZeroOnlyOnOk() throws Exception {
    try (TestServer s = TestServer.start()) {
      assertEquals(200, HealthCheck.status("127.0.0.1", s.port(), "/api/health", 2_000));
      assertEquals(200, HealthCheck.status("127.0.0.1", s.port(), "/api/ready", 2_000));
      assertEquals(404, HealthCheck.status("127.0.0.1", s.port(), "/api/nothing-here", 2_000));

      assertEquals(0, run(s.port()), "healthy: exit 0");
      assertEquals(0, run(s.port(), "/api/ready"));
      s.baton().readiness().setDraining();
      assertEquals(1, run(s.port(), "/api/ready"), "draining: not ready, exit 1");
      assertEquals(0, run(s.port()), "a draining server is still alive");
    }
    int closed = Ports.free();
    assertEquals(-1, HealthCheck.status("127.0.0.1", closed, "/api/health", 2_000));
    assertEquals(1, run(closed), "nothing listening: exit 1");
  }

  @Test
  void aWildcardBindIsProbedOnLoopback() {
    assertEquals("127.0.0.1", HealthCheck.probeHost("0.0.0.0"));
    assertEquals("127.0.0.1", HealthCheck.probeHost("::"));
    assertEquals("127.0.0.1", HealthCheck.probeHost(null));
    assertEquals("10.1.2.3", HealthCheck.probeHost("10.1.2.3"));
  }

  /** Runs the probe as the Dockerfile does: its own JVM, configured through the environment. */
  private static int run(int port, String... args) throws Exception {
    String jvm = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(jvm, "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC", "-Xmx32m", "-cp", System.getProperty("java.class.path"), "dev.baton.HealthCheck"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("BATON_"));
    env.put("BATON_HTTP_PORT", String.valueOf(port));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), out);
    assertTrue(out.contains("baton health check: GET http://127.0.0.1:" + port), out);
    return p.exitValue();
  }
}
