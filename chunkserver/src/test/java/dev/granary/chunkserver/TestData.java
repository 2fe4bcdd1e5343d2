package dev.granary.chunkserver;

import dev.granary.config.ChunkserverConfig;
import dev.granary.config.HostPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

/** Configs and payloads for tests. */
public final class TestData {
  private TestData() {}

  public static ChunkserverConfig config(Path dataDir, HostPort master) {
    return config(dataDir, master, Duration.ofHours(1));
  }

  public static ChunkserverConfig config(Path dataDir, HostPort master, Duration scrubInterval) {
    return new ChunkserverConfig("127.0.0.1", 0, master, dataDir, 0, scrubInterval,
        256L << 20, 64, Duration.ofSeconds(60));
  }

  public static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
