package dev.granary.client.internal;

import dev.granary.client.GranaryClient;
import dev.granary.client.WriteOptions;
import dev.granary.client.fake.FakeCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Random;
import java.util.function.BooleanSupplier;

/** Helpers shared by the client tests. */
final class TestData {
  static final long CHUNK = 256 * 1024;
  static final WriteOptions OPTIONS = WriteOptions.defaults().withChunkSize(CHUNK);

  private TestData() {}

  static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static GranaryClient client(FakeCluster cluster, long cacheSize) {
    return client(cluster, cacheSize, Duration.ofSeconds(5));
  }

  static GranaryClient client(FakeCluster cluster, long cacheSize, Duration timeout) {
    return DefaultGranaryClient.open(cluster.config(cacheSize, 4, timeout),
        RetryPolicy.system(timeout, Duration.ofSeconds(1)));
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[50_000];
    int n;
    while ((n = in.read(buf)) > 0) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  /** Polls {@code condition} until it holds or {@code timeout} passes. */
  static boolean eventually(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(10);
    }
    return condition.getAsBoolean();
  }
}
