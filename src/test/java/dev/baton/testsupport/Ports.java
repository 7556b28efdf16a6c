package dev.baton.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Local TCP ports for tests. */
public final class Ports {
  private Ports() {}

  /** A port nothing listens on now (the kernel's choice of a free one, closed again at once). */
  public static int free() {
    try (ServerSocket ss = new ServerSocket(0)) {
      return ss.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
