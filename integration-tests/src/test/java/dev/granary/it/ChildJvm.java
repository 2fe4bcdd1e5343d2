package dev.granary.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * JVM options for the {@code bin/granary} processes tests start, passed through
 * {@code GRANARY_JAVA_OPTS} (never in the launcher: operators keep its defaults). The process
 * tests start a few hundred short-lived JVMs (CLI commands, masters and chunkservers that live for
 * seconds), and on a 2-core machine their start-up is most of a process test's time, so they run
 * with the client compiler only ({@code -XX:TieredStopAtLevel=1}: no C2 compile threads competing
 * for the cores; a 200 MiB demo measured no slower) and with a class-data-sharing archive of
 * granary's own classes, made once per test JVM by a {@code granary demo} run (a master,
 * chunkservers and a client in one process, so it holds the classes of every role). Without an
 * archive (it could not be made) the processes start as before, only with C1. JVM logging of the
 * archive is off, so a stale or unusable archive never adds a line to what a test reads from
 * stdout or stderr.
 */
public final class ChildJvm {
  private static final String BASE =
      "-XX:TieredStopAtLevel=1 -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off";
  private static String options;

  private ChildJvm() {}

  /**
   * Puts the test options in {@code pb}'s {@code GRANARY_JAVA_OPTS}, ahead of any it already holds
   * (so a test's own options, e.g. a smaller heap, win); returns {@code pb}.
   */
  public static ProcessBuilder configure(ProcessBuilder pb) {
    Map<String, String> env = pb.environment();
    String own = env.get("GRANARY_JAVA_OPTS");
    env.put("GRANARY_JAVA_OPTS", own == null || own.isBlank() ? options() : options() + " " + own);
    return pb;
  }

  /** The options, making the archive on first use. */
  static synchronized String options() {
    if (options == null) {
      Path archive = makeArchive();
      options = archive == null ? BASE : BASE + " -XX:SharedArchiveFile=" + archive;
    }
    return options;
  }

  /** Dumps the classes a demo run loads into a fresh archive; null if that fails. */
  private static Path makeArchive() {
    try {
      Path target = ProcessCluster.root().resolve("integration-tests/target");
      Path dir = Files.isDirectory(target) ? target : Files.createTempDirectory("granary-it");
      // One archive per test JVM (a previous build's would not match this jar, and two test JVMs
      // must not write one file), removed when the test JVM exits; its log stays if it failed.
      long pid = ProcessHandle.current().pid();
      Path archive = dir.resolve("granary-test-classes-" + pid + ".jsa");
      Path log = dir.resolve("granary-test-classes-" + pid + ".log");
      Files.deleteIfExists(archive);
      archive.toFile().deleteOnExit();
      ProcessBuilder pb = new ProcessBuilder(ProcessCluster.launcher().toString(), "demo",
          "--size", "1MiB").redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().remove("GRANARY_MASTER");
      pb.environment().remove("GRANARY_CREDENTIALS");
      pb.environment().put("GRANARY_JAVA_OPTS", BASE + " -XX:ArchiveClassesAtExit=" + archive);
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        System.err.println("ChildJvm: no class archive, the demo did not finish; see " + log);
        return null;
      }
      if (p.exitValue() != 0 || !Files.isRegularFile(archive)) {
        System.err.println("ChildJvm: no class archive (demo exit " + p.exitValue() + "); see "
            + log);
        return null;
      }
      log.toFile().deleteOnExit();
      return archive;
    } catch (IOException e) {
      System.err.println("ChildJvm: no class archive: " + e);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
