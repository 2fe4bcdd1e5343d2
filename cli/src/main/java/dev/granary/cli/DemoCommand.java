package dev.granary.cli;

import dev.granary.client.ClusterStatus;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.WriteOptions;
import dev.granary.config.ClientConfig;
import dev.granary.config.Sizes;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code granary demo}: a local cluster (a master and three chunkservers on free loopback ports,
 * temporary data dirs), a generated file put and got back and verified, then {@code cluster} and
 * {@code fsck}; everything is removed at the end. Needs no setup.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start a local cluster (1 master, 3 chunkservers, temporary dirs), put a "
        + "generated file, get it back, verify it, show cluster and fsck, clean up.")
final class DemoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--size", paramLabel = "SIZE", defaultValue = "100MiB",
      description = "Size of the generated file (default ${DEFAULT-VALUE}).")
  String size;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    long bytes;
    try {
      bytes = Sizes.parse(size);
    } catch (IllegalArgumentException e) {
      throw new CliException(Failures.USAGE, "invalid --size \"" + size + "\": " + e.getMessage());
    }
    Path work = Files.createTempDirectory("granary-demo-");
    LocalCluster.Settings settings = LocalCluster.Settings.defaults();
    try (LocalCluster cluster = LocalCluster.start(settings, work.resolve("cluster"), false)) {
      out.printf("started a master on %s and %d chunkservers under %s%n",
          cluster.masterAddress(), cluster.size(), work);
      // The demo wires its own credentials: the superuser's file its master wrote.
      ClientConfig cfg = new ClientConfig(cluster.masterAddress(), 256L << 20, 4,
          Duration.ofSeconds(30), settings.secured() ? cluster.adminCredentials() : null);
      try (GranaryClient client = GranaryClient.open(cfg)) {
        waitForChunkservers(client, cluster.size());
        Path local = work.resolve("generated.bin");
        String expected = generate(local, bytes);
        String remote = "/demo/generated.bin";
        long t0 = System.nanoTime();
        FileStatus st = client.put(local, remote, WriteOptions.defaults(),
            ProgressBar.forTerminal("put " + remote));
        double putSecs = (System.nanoTime() - t0) / 1e9;
        out.printf("put %s: %s in %d chunks, %.2f s (%.0f MiB/s)%n", remote,
            Human.bytes(st.size()), st.chunkCount(), putSecs, bytes / 1048576.0 / putSecs);
        Path back = work.resolve("got-back.bin");
        t0 = System.nanoTime();
        client.get(remote, back, false, ProgressBar.forTerminal("get " + remote));
        double getSecs = (System.nanoTime() - t0) / 1e9;
        String actual = sha256(back);
        out.printf("get %s: %.2f s (%.0f MiB/s)%n", remote, getSecs,
            bytes / 1048576.0 / getSecs);
        if (!actual.equals(expected)) {
          throw new CliException(Failures.INTEGRITY, "demo: the file read back differs (sha256 "
              + actual + ", wrote " + expected + ")");
        }
        out.println("verified: sha256 " + expected + " matches");
        out.println();
        ClusterCommand.render(client.clusterStatus(), out);
        out.println();
        FsckCommand.render("/", client.fsck("/"), out);
      }
    } finally {
      LocalCluster.deleteTree(work);
    }
    out.println();
    out.println("demo done; the cluster is stopped and its files removed");
    out.flush();
    return 0;
  }

  private static void waitForChunkservers(GranaryClient client, int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      ClusterStatus st = client.clusterStatus();
      long live = st.nodes().stream().filter(x -> x.state().equals("LIVE")).count();
      if (live >= n) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new CliException(Failures.UNAVAILABLE, "demo: only " + live + " of " + n
            + " chunkservers registered within 30 s");
      }
      Thread.sleep(50);
    }
  }

  private static String generate(Path file, long bytes) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 20];
    SplittableRandom random = new SplittableRandom(2026);
    try (OutputStream out = Files.newOutputStream(file)) {
      long left = bytes;
      while (left > 0) {
        random.nextBytes(buf);
        int n = (int) Math.min(buf.length, left);
        out.write(buf, 0, n);
        sha.update(buf, 0, n);
        left -= n;
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 20];
    try (var in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
