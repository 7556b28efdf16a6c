package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The harness's own check: a test whose server had an event loop blocked fails when the server is
 * closed, and the failure names the test that started the server and shows where the loop was
 * blocked. (The failure is expected here, so the suite stays green.)
 */
class TestServerBlockedLoopIT {

  @Test
  void aBlockedEventLoopFailsTheTestWithTheBlockedStack() throws Exception {
    TestServer s = TestServer.start();
    CountDownLatch done = new CountDownLatch(1);
    s.vertx().runOnContext(v -> {
      blockOnPurpose();
      done.countDown();
    });
    assertTrue(done.await(30, TimeUnit.SECONDS));
    AssertionError e = assertThrows(AssertionError.class, s::close);
    String report = e.getMessage();
    assertTrue(report.contains("an event loop was blocked"), report);
    assertTrue(report.contains("TestServerBlockedLoopIT.aBlockedEventLoopFailsTheTestWithTheBlockedStack"), report);
    assertTrue(report.contains("vert.x-eventloop-thread"), report);
    assertTrue(report.contains("dev.baton.it.TestServerBlockedLoopIT.blockOnPurpose("), report);
    assertTrue(report.contains("java.lang.Thread.sleep("), report);
  }

  /** Sleeps on the event loop: exactly what the check exists to catch. */
  private static void blockOnPurpose() {
    try {
      Thread.sleep(1_500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
