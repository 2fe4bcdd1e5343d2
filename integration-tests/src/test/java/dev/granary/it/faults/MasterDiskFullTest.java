package dev.granary.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.GranaryClient;
import dev.granary.client.UnavailableException;
import dev.granary.config.ClientConfig;
import dev.granary.config.HostPort;
import dev.granary.it.ChildJvm;
import dev.granary.it.Cli;
import dev.granary.it.ProcessCluster;
import dev.granary.it.Wait;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real master process whose data dir is on a small file system that the test fills: a tmpfs of
 * 8 MiB mounted in a mount namespace of the test's own ({@code unshare -rm}, no root needed where
 * user namespaces are allowed). The master runs inside that namespace ({@code nsenter}); the test
 * fills and frees the file system through {@code /proc/PID/root} of the process holding it, and
 * runs {@code bin/granary} commands from outside. Skipped where no such file system can be mounted
 * (the same behaviour is covered in-process by the master's ReadOnlyModeTest, with faults injected
 * below the operation log).
 */
class MasterDiskFullTest {
  private static final Duration T = Duration.ofSeconds(60);

  @TempDir
  Path tmp;

  private Process holder;
  private Process master;
  private Path mount;
  private int port;
  private int logs;

  @AfterEach
  void stop() throws InterruptedException {
    for (Process p : new Process[] {master, holder}) {
      if (p != null) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Mounts the tmpfs in a namespace held by a sleeping process; false if this machine cannot. */
  private boolean mountSmallFileSystem() throws IOException, InterruptedException {
    mount = Files.createDirectory(tmp.resolve("mnt"));
    try {
      holder = new ProcessBuilder("unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=8m tmpfs '"
          + mount + "' && echo mounted && exec sleep 600").redirectErrorStream(true).start();
    } catch (IOException e) {
      return false;
    }
    BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
        StandardCharsets.UTF_8));
    String line = out.readLine();
    if (!"mounted".equals(line)) {
      holder.waitFor(10, TimeUnit.SECONDS);
      System.err.println("MasterDiskFullTest skipped: cannot mount a tmpfs here: " + line);
      return false;
    }
    return true;
  }

  /** The mounted file system as the test (outside the namespace) reaches it. */
  private Path inside(String name) {
    return Path.of("/proc/" + holder.pid() + "/root" + mount).resolve(name);
  }

  private void startMaster() throws IOException {
    List<String> cmd = new ArrayList<>(List.of("nsenter", "--preserve-credentials", "-t",
        Long.toString(holder.pid()), "-U", "-m", ProcessCluster.launcher().toString(), "master",
        "--host", "127.0.0.1", "--port", Integer.toString(port), "--data-dir",
        mount.resolve("master").toString(), "--http-port", "0",
        // The master's files live in the test's own mount namespace, where its admin.credentials
        // cannot be read from here; what is tested is the full disk, not security.
        "--security", "none"));
    Path log = tmp.resolve("master-" + (logs++) + ".log");
    master = ChildJvm.configure(new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile())).start();
  }

  private String masterLogs() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < logs; i++) {
      try {
        sb.append("==== master-").append(i).append('\n')
            .append(Files.readString(tmp.resolve("master-" + i + ".log")));
      } catch (IOException e) {
        sb.append("(unreadable: ").append(e).append(")\n");
      }
    }
    return sb.toString();
  }

  private void stopMaster() throws InterruptedException {
    master.destroy(); // SIGTERM: a clean stop
    assertTrue(master.waitFor(30, TimeUnit.SECONDS), "master did not stop\n" + masterLogs());
    master = null;
  }

  /** Writes to a filler file until the file system is full; returns the bytes added. */
  private long fill() throws IOException {
    long added = 0;
    byte[] block = new byte[64 * 1024];
    try (FileOutputStream out = new FileOutputStream(inside("filler").toFile(), true)) {
      while (true) {
        try {
          out.write(block);
          added += block.length;
        } catch (IOException full) {
          break;
        }
      }
      // The last partial block: byte by byte.
      while (true) {
        try {
          out.write(1);
          added++;
        } catch (IOException full) {
          return added;
        }
      }
    }
  }

  private Cli.Result cli(String... args) throws IOException, InterruptedException {
    return Cli.run("127.0.0.1:" + port, null, args);
  }

  private Cli.Result cliIn(byte[] stdin, String... args) throws IOException, InterruptedException {
    return Cli.run("127.0.0.1:" + port, stdin, args);
  }

  private boolean readOnly(String command) throws IOException, InterruptedException {
    Cli.Result r = cli(command, "--json");
    assertEquals(0, r.code(), r + "\n" + masterLogs());
    assertTrue(r.out().contains("\"readOnly\":"), r.out());
    return r.out().contains("\"readOnly\":true");
  }

  private void awaitServing(GranaryClient c) {
    Wait.until("the master serves", T, () -> {
      try {
        c.clusterStatus();
        return true;
      } catch (UnavailableException e) {
        return false;
      }
    }, this::masterLogs);
  }

  /** A 3.8 KB path, so that a few hundred records use up the log's preallocated megabyte. */
  private static String longPath(int i) {
    StringBuilder sb = new StringBuilder("/fill");
    for (int j = 0; j < 14; j++) {
      sb.append('/').append(String.valueOf((char) ('a' + j)).repeat(250)).append(j);
    }
    return sb.append("/n").append(i).toString();
  }

  @Test
  void aFullDiskMakesTheMasterReadOnlyUntilSpaceReturns() throws Exception {
    Assumptions.assumeTrue(mountSmallFileSystem(), "no tmpfs can be mounted in a user namespace");
    port = ProcessCluster.freePort();
    String refused = null;
    startMaster();
    try (GranaryClient c = GranaryClient.open(new ClientConfig(new HostPort("127.0.0.1", port),
        0, 1, Duration.ofSeconds(5)))) {
      awaitServing(c);
      assertEquals(0, cli("mkdir", "/kept").code());
      assertEquals(0, cliIn(new byte[0], "put", "-", "/kept/empty").code());
      assertFalse(readOnly("cluster"));

      assertTrue(fill() > 0);
      // The log writes into its preallocated space until that is used up too.
      for (int i = 0; i < 5000 && refused == null; i++) {
        try {
          c.mkdirs(longPath(i), true);
        } catch (UnavailableException e) {
          assertTrue(e.getMessage().startsWith("master is read-only: cannot write its operation "
              + "log in " + mount.resolve("master") + ": No space left on device"), e.getMessage());
          refused = longPath(i);
        }
      }
      assertNotNull(refused, "the log never failed\n" + masterLogs());

      Cli.Result mkdir = cli("mkdir", "/x");
      assertEquals(4, mkdir.code(), mkdir.toString());
      String line = mkdir.err().strip();
      assertFalse(line.contains("\n"), "one line: " + line);
      assertTrue(line.contains("master is read-only: cannot write its operation log in "
          + mount.resolve("master") + ": No space left on device; free space and it resumes by "
          + "itself"), line);
      assertEquals(4, cliIn(new byte[0], "put", "-", "/y").code());
      assertNoTrace(refused);
      assertEquals(0, cli("stat", "/kept/empty").code(), "reads are served");
      assertTrue(readOnly("cluster"));
      assertTrue(readOnly("fsck"));
    }

    // A restart on the full disk comes up read-only instead of refusing to start.
    stopMaster();
    fill();
    startMaster();
    try (GranaryClient c = GranaryClient.open(new ClientConfig(new HostPort("127.0.0.1", port),
        0, 1, Duration.ofSeconds(5)))) {
      awaitServing(c);
      assertTrue(master.isAlive(), masterLogs());
      assertTrue(readOnly("cluster"));
      assertNoTrace(refused);
      assertEquals(0, cli("stat", "/kept").code());
      assertEquals(4, cli("mkdir", "/x").code());

      // Space comes back: mutations resume without a restart.
      Files.delete(inside("filler"));
      Wait.until("the master is writable again", T, () -> !readOnly("cluster"), this::masterLogs);
      Cli.Result ok = cli("mkdir", "/x");
      assertEquals(0, ok.code(), ok + "\n" + masterLogs());
      assertTrue(cli("ls", "/").out().contains("x"));
      assertFalse(readOnly("fsck"));
    }
    assertTrue(masterLogs().contains("READ-ONLY"), masterLogs());
    assertTrue(masterLogs().contains("can be written again"), masterLogs());
  }

  /** Nothing refused shows: not {@code /x}, {@code /y}, nor {@code path}. */
  private void assertNoTrace(String path) throws IOException, InterruptedException {
    assertEquals(3, cli("stat", "/x").code());
    assertEquals(3, cli("stat", "/y").code());
    Cli.Result s = cli("stat", path);
    assertTrue(s.code() == 3, "'" + path + "' must not exist: " + s);
    Cli.Result ls = cli("ls", "/");
    assertEquals(0, ls.code(), ls.toString());
    assertFalse(ls.out().contains("x"), ls.out());
    assertFalse(ls.out().contains("y"), ls.out());
  }
}
