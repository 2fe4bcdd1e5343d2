package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.granary.client.GranaryClient;
import dev.granary.client.NotFoundException;
import dev.granary.config.Credentials;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST API of real {@code bin/granary} processes driven by {@code curl}: the README's
 * walkthrough run as written, and a 1 GiB file streamed up and down through a master whose heap
 * is capped at 256 MiB (a gateway that held the file would die of it: the launcher exits on an
 * out-of-memory error).
 */
class RestProcessTest {
  private static final long GIB = 1L << 30;
  @TempDir
  Path tmp;
  private ProcessCluster cluster;
  private int httpPort;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private void start(int chunkservers, List<String> flags, String masterJavaOptions)
      throws IOException {
    httpPort = ProcessCluster.freePort();
    List<String> all = new ArrayList<>(List.of("--http-port", Integer.toString(httpPort)));
    all.addAll(flags);
    cluster = new ProcessCluster(tmp.resolve("cluster"), all);
    cluster.masterJavaOptions(masterJavaOptions);
    cluster.startMaster();
    cluster.startChunkservers(chunkservers);
    cluster.awaitLive(chunkservers, Duration.ofSeconds(60));
  }

  private String masterId() throws Exception {
    try (GranaryClient c = GranaryClient.open(cluster.clientConfig(0, 1,
        Duration.ofSeconds(10)))) {
      return c.clusterStatus().masterId();
    }
  }

  /** Runs {@code command} in {@code dir}; returns its stdout, failing with its output if not 0. */
  private String run(Path dir, Duration timeout, List<String> command) throws Exception {
    return run(dir, timeout, command, 0);
  }

  /** Runs {@code command}; returns its stdout, failing unless it exits with {@code exit}. */
  private String run(Path dir, Duration timeout, List<String> command, int exit)
      throws Exception {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("GRANARY_CREDENTIALS");
    pb.environment().put("GRANARY_MASTER", cluster.masterAddress().toString());
    Process p = ChildJvm.configure(pb).start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(command.get(0) + " still running after " + timeout + "\n"
            + Files.readString(err) + "\n" + cluster.logs());
      }
    } finally {
      p.destroyForcibly();
    }
    String stdout = Files.readString(out);
    assertEquals(exit, p.exitValue(), () -> {
      try {
        return "exit " + p.exitValue() + "\nstdout:\n" + stdout + "\nstderr:\n"
            + Files.readString(err) + "\n" + cluster.logs();
      } catch (IOException e) {
        return e.toString();
      }
    });
    return stdout;
  }

  /** The README's curl walkthrough: the shell block that starts with {@code CRED=}. */
  static String readmeWalkthrough() throws IOException {
    String readme = Files.readString(ProcessCluster.root().resolve("README.md"));
    int start = readme.indexOf("```sh\nCRED=data/master/admin.credentials");
    assertTrue(start >= 0, "README.md has no curl walkthrough starting with CRED=");
    start += "```sh\n".length();
    return readme.substring(start, readme.indexOf("```", start));
  }

  @Test
  void theReadmeWalkthroughRunsAsWritten() throws Exception {
    start(2, List.of("--replication", "2"), null);
    String script = readmeWalkthrough()
        .replace("data/master/admin.credentials", cluster.adminCredentials().toString())
        .replace("7080", Integer.toString(httpPort))
        .replace("bin/granary", ProcessCluster.launcher().toString());
    Path work = Files.createDirectories(tmp.resolve("work"));
    String out = run(work, Duration.ofSeconds(120), List.of("bash", "-euo", "pipefail", "-c",
        script));

    // Each JSON answer ends its line, so the output is the commands' answers line by line.
    List<String> lines = List.of(out.split("\n", -1));
    assertEquals(14, lines.size(), out);
    assertEquals("/data/report.csv", RestClient.JSON.readTree(lines.get(0)).get("path").asText());
    assertEquals(List.of("id,total", "1,10", "2,20", "id,total", "19", "report.csv"),
        lines.subList(1, 7), out);
    assertEquals("/data/archive/2024", RestClient.JSON.readTree(lines.get(7)).get("path")
        .asText());
    assertEquals("/data/archive/2024/report.csv", RestClient.JSON.readTree(lines.get(8))
        .get("path").asText());
    JsonNode overwritten = RestClient.JSON.readTree(lines.get(9));
    assertEquals(19, overwritten.get("size").asLong(), out);
    assertEquals(List.of("LIVE", "LIVE", "HEALTHY", ""), lines.subList(10, 14), out);
    try (GranaryClient c = GranaryClient.open(cluster.clientConfig(0, 1,
        Duration.ofSeconds(10)))) {
      assertThrows(NotFoundException.class, () -> c.stat("/data"));
    }
  }

  @Test
  void aGibibyteStreamsUpAndDownThroughAMasterWithA256MiBHeap() throws Exception {
    start(1, List.of("--replication", "1", "--min-replicas", "1"),
        "-Xmx256m -XX:MaxDirectMemorySize=384m");
    Path big = tmp.resolve("big.bin");
    try (FileChannel ch = FileChannel.open(big, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      // One random MiB, each copy stamped with its offset: a misplaced or repeated MiB shows.
      byte[] block = new byte[1 << 20];
      new SplittableRandom(42).nextBytes(block);
      for (long at = 0; at < GIB; at += block.length) {
        ByteBuffer b = ByteBuffer.wrap(block).putLong(0, at);
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
    }
    Credentials admin = Credentials.read(cluster.adminCredentials());
    Path ca = tmp.resolve("ca.pem");
    Files.writeString(ca, admin.caCert(), StandardCharsets.US_ASCII);
    String id = masterId();
    String url = "https://" + id + ":" + httpPort + "/api/v1/files/big.bin";
    List<String> curl = List.of("curl", "-sS", "--fail-with-body", "--cacert", ca.toString(),
        "--connect-to", id + ":" + httpPort + ":127.0.0.1:" + httpPort,
        "-H", "Authorization: Bearer " + admin.token());

    long t0 = System.nanoTime();
    List<String> up = new ArrayList<>(curl);
    up.addAll(List.of("-T", big.toString(), url));
    JsonNode entry = RestClient.JSON.readTree(run(tmp, Duration.ofSeconds(120), up));
    assertEquals(GIB, entry.get("size").asLong(), entry.toString());
    long t1 = System.nanoTime();
    // Again without overwrite: 409 before the body is read; curl shows the error and exits 22.
    String refused = run(tmp, Duration.ofSeconds(60), up, 22);
    assertEquals("CONFLICT", RestClient.JSON.readTree(refused).get("error").asText(), refused);
    long t1b = System.nanoTime();

    Path back = tmp.resolve("back.bin");
    List<String> down = new ArrayList<>(curl);
    down.addAll(List.of("-o", back.toString(), url));
    run(tmp, Duration.ofSeconds(120), down);
    long t2 = System.nanoTime();
    assertEquals(-1, Files.mismatch(big, back), "the downloaded file differs");
    assertTrue(cluster.masterRunning(), "the master died:\n" + cluster.logs());
    System.out.printf("1 GiB through the REST API: upload %.1f s, download %.1f s%n",
        (t1 - t0) / 1e9, (t2 - t1b) / 1e9);
  }
}
