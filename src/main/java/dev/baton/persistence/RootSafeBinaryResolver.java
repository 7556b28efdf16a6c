package dev.baton.persistence;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * Makes zonky's PostgreSQL binaries usable when the JVM runs as root (containers, CI), where
 * {@code initdb} and {@code postgres} refuse to start.
 *
 * <p>It rewrites the bundled {@code .txz}: {@code bin/initdb}, {@code bin/pg_ctl} and
 * {@code bin/postgres} become {@code bin/<name>.real}, and {@code bin/<name>} becomes a small sh
 * script. Run as root, the script makes the unpacked tree readable and executable for everyone
 * (zonky marks {@code bin/} files executable for their owner only), changes to {@code /} and execs
 * the real binary as uid/gid 65534 ({@code nobody}) through {@code setpriv}. Run as any other user
 * it execs the real binary directly. {@code initdb}'s and {@code pg_ctl}'s lookup of their sibling
 * {@code postgres} (path next to themselves plus a {@code -V} version check) therefore finds the
 * wrapper, which — already running as nobody — execs {@code postgres.real}, whose version line is
 * the expected one. Binaries find {@code lib/} and {@code share/} relative to {@code bin/}, which
 * is unchanged. All paths zonky passes are absolute, so the {@code cd /} is harmless.
 *
 * <p>The rewritten archive is cached next to zonky's own unpack directory, keyed by the digest of
 * the original, so only the first start pays for the recompression.
 */
final class RootSafeBinaryResolver implements PgBinaryResolver {

  static final int NOBODY = 65534;
  static final Set<String> WRAPPED = Set.of("initdb", "pg_ctl", "postgres");

  /** One instance per JVM: zonky caches unpacked binaries per resolver instance. */
  static final RootSafeBinaryResolver INSTANCE = new RootSafeBinaryResolver(DefaultPostgresBinaryResolver.INSTANCE);

  private final PgBinaryResolver delegate;

  RootSafeBinaryResolver(PgBinaryResolver delegate) {
    this.delegate = delegate;
  }

  static String wrapperScript(String name) {
    return """
        #!/bin/sh
        # Written by Baton: PostgreSQL refuses to run as root, so root runs it as nobody (65534).
        bin=$(dirname "$0")
        if [ "$(id -u)" = 0 ]; then
          chmod -R a+rX "$bin/.." 2>/dev/null
          cd / || exit 1
          exec setpriv --reuid=%1$d --regid=%1$d --clear-groups -- "$bin/%2$s.real" "$@"
        fi
        exec "$bin/%2$s.real" "$@"
        """.formatted(NOBODY, name);
  }

  @Override
  public InputStream getPgBinary(String system, String machineHardware) throws IOException {
    InputStream original = delegate.getPgBinary(system, machineHardware);
    if (original == null) {
      return null;
    }
    byte[] bytes;
    try (original) {
      bytes = original.readAllBytes();
    }
    Path cacheDir = Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg");
    Path cached = cacheDir.resolve("baton-rootsafe-" + md5(bytes) + ".txz");
    if (Files.isRegularFile(cached)) {
      return Files.newInputStream(cached);
    }
    byte[] rewritten = rewrite(bytes);
    Files.createDirectories(cacheDir);
    Path tmp = Files.createTempFile(cacheDir, "baton-rootsafe-", ".part");
    Files.write(tmp, rewritten);
    try {
      Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(tmp); // another JVM won the race; either copy is identical
    }
    return new ByteArrayInputStream(rewritten);
  }

  /** Renames the wrapped binaries to {@code *.real} and adds the wrapper scripts. */
  static byte[] rewrite(byte[] txz) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(txz.length + 4096);
    // preset 1: a few seconds once; the result is cached
    try (XZInputStream xzIn = new XZInputStream(new ByteArrayInputStream(txz));
        TarArchiveInputStream tarIn = new TarArchiveInputStream(xzIn);
        XZOutputStream xzOut = new XZOutputStream(nonClosing(out), new LZMA2Options(1));
        TarArchiveOutputStream tarOut = new TarArchiveOutputStream(xzOut)) {
      tarOut.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tarOut.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      TarArchiveEntry entry;
      int wrapped = 0;
      while ((entry = tarIn.getNextEntry()) != null) {
        String name = wrappedName(entry);
        if (name != null) {
          wrapped++;
          TarArchiveEntry real = new TarArchiveEntry(entry.getName() + ".real");
          real.setSize(entry.getSize());
          real.setMode(0755);
          real.setModTime(entry.getLastModifiedDate());
          tarOut.putArchiveEntry(real);
          tarIn.transferTo(tarOut);
          tarOut.closeArchiveEntry();

          byte[] script = wrapperScript(name).getBytes(StandardCharsets.UTF_8);
          TarArchiveEntry wrapper = new TarArchiveEntry(entry.getName());
          wrapper.setSize(script.length);
          wrapper.setMode(0755);
          wrapper.setModTime(entry.getLastModifiedDate());
          tarOut.putArchiveEntry(wrapper);
          tarOut.write(script);
          tarOut.closeArchiveEntry();
        } else {
          tarOut.putArchiveEntry(entry);
          if (entry.isFile()) {
            tarIn.transferTo(tarOut);
          }
          tarOut.closeArchiveEntry();
        }
      }
      if (wrapped != WRAPPED.size()) {
        throw new IOException("unexpected PostgreSQL archive layout: found " + wrapped + " of "
            + WRAPPED + " under bin/");
      }
      tarOut.finish();
    }
    return out.toByteArray();
  }

  private static String wrappedName(TarArchiveEntry e) {
    if (!e.isFile()) {
      return null;
    }
    String n = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
    if (!n.startsWith("bin/")) {
      return null;
    }
    String base = n.substring(4);
    return WRAPPED.contains(base) ? base : null;
  }

  private static OutputStream nonClosing(OutputStream o) {
    return new java.io.FilterOutputStream(o) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }

  private static String md5(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
