package dev.baton.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.testsupport.Ports;
import dev.baton.testsupport.TestDatabase;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.XZInputStream;

/**
 * The setpriv path of the root-safe bootstrap, exercised directly (zonky itself prefers
 * {@code unshare -U} where user namespaces work, as on this machine): unpack the rewritten archive
 * the way zonky does (bin/ executable for the owner only), then initdb, start, query and stop
 * through the wrapper scripts as root, and check the server really runs as uid 65534.
 */
class RootSafeBinaryResolverIT {

  @Test
  void rewrittenArchiveStartsPostgresAsNobodyWhenRoot() throws Exception {
    assumeTrue(Processes.isRoot(), "the wrappers only switch users for root");
    Path dir = Files.createTempDirectory("baton-rootsafe-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    try {
      byte[] original;
      try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", "x86_64")) {
        original = in.readAllBytes();
      }
      byte[] rewritten = RootSafeBinaryResolver.rewrite(original);
      Path pg = dir.resolve("pg");
      unpackLikeZonky(rewritten, pg);
      assertTrue(Files.readString(pg.resolve("bin/postgres")).contains("setpriv"));
      assertTrue(Files.isRegularFile(pg.resolve("bin/postgres.real")));

      Path data = Files.createDirectory(dir.resolve("data"));
      Files.setAttribute(data, "unix:uid", RootSafeBinaryResolver.NOBODY);
      Files.setAttribute(data, "unix:gid", RootSafeBinaryResolver.NOBODY);
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));

      String bin = pg.resolve("bin").toString();
      run(bin + "/initdb", "-A", "trust", "-U", "postgres", "-D", data.toString(), "-E", "UTF-8");
      int port = Ports.free();
      run(bin + "/pg_ctl", "-D", data.toString(), "-o",
          "-p " + port + " -c unix_socket_directories= -c listen_addresses=localhost", "-w", "start");
      try {
        String pid = Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim();
        String uidLine = Files.readAllLines(Path.of("/proc", pid, "status")).stream()
            .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
        assertEquals(String.valueOf(RootSafeBinaryResolver.NOBODY), uidLine.split("\\s+")[1]);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", null);
            ResultSet rs = c.createStatement().executeQuery("SELECT 41 + 1")) {
          assertTrue(rs.next());
          assertEquals(42, rs.getInt(1));
        }
      } finally {
        run(bin + "/pg_ctl", "-D", data.toString(), "stop", "-m", "fast", "-w");
      }
      assertTrue(Files.notExists(data.resolve("postmaster.pid")));
    } finally {
      TestDatabase.deleteTree(dir);
    }
  }

  private static void unpackLikeZonky(byte[] txz, Path target) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(txz)))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        Path p = target.resolve(e.getName());
        if (e.isDirectory()) {
          Files.createDirectories(p);
        } else if (e.isSymbolicLink()) {
          Files.createDirectories(p.getParent());
          Files.createSymbolicLink(p, Path.of(e.getLinkName()));
        } else {
          Files.createDirectories(p.getParent());
          Files.write(p, tar.readAllBytes());
          if (e.getName().startsWith("bin/")) {
            p.toFile().setExecutable(true); // owner only, as zonky does
          }
        }
      }
    }
  }

  private static void run(String... cmd) throws Exception {
    // output to a file: the postmaster inherits it and outlives pg_ctl, so a pipe never ends
    Path log = Files.createTempFile("baton-rootsafe-", ".log");
    try {
      Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
      assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + Files.readString(log));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
