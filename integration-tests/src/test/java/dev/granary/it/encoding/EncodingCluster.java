package dev.granary.it.encoding;

import dev.granary.cli.LocalCluster;
import dev.granary.client.EncryptionKey;
import dev.granary.client.GranaryClient;
import dev.granary.config.ClientConfig;
import dev.granary.config.MasterConfig;
import dev.granary.it.MiniCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The cluster of one test class of compression and encryption, as a static
 * {@code @RegisterExtension} field: a {@code tls} MiniCluster of three chunkservers (replication
 * three) with small chunks, started before the class's first test and stopped after its last, and
 * two key files, A and B, in a private temp dir. Clients are the superuser's without a block cache,
 * so every read fetches and decodes real stored bytes; they differ only in the key file they hold.
 */
final class EncodingCluster implements BeforeAllCallback, AfterAllCallback {
  /** Client timeout: long enough to ride out a master or chunkserver restart. */
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final LocalCluster.Settings settings;
  private MiniCluster mini;
  private Path keys;
  private Path keyA;
  private Path keyB;

  /** A cluster whose master's default chunk size is {@code chunkSize}. */
  EncodingCluster(long chunkSize) {
    this(LocalCluster.Settings.defaults().withSecurity(MasterConfig.TLS).withChunkSize(chunkSize));
  }

  EncodingCluster(LocalCluster.Settings settings) {
    this.settings = settings;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    keys = Files.createTempDirectory("granary-keys-");
    keyA = keys.resolve("a.key");
    keyB = keys.resolve("b.key");
    EncryptionKey.generate().write(keyA);
    EncryptionKey.generate().write(keyB);
    mini = MiniCluster.start(settings);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (mini != null) {
        mini.close();
      }
    } finally {
      if (keys != null) {
        try (Stream<Path> s = Files.walk(keys)) {
          for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  MiniCluster mini() {
    return mini;
  }

  /** Key file A (mode 0600). */
  Path keyA() {
    return keyA;
  }

  /** Key file B (mode 0600), a different key. */
  Path keyB() {
    return keyB;
  }

  /** The superuser's client holding key file {@code keyFile} (null: no key). */
  GranaryClient client(Path keyFile) {
    return mini.client(new ClientConfig(mini.cluster().masterAddress(), 0, 4, TIMEOUT,
        mini.adminCredentials()).withKeyFile(keyFile));
  }

  /**
   * The superuser's client with key A and a 64 MiB block cache, as applications run it: repeated
   * and random reads are served from the cache.
   */
  GranaryClient cachedWithKeyA() {
    return mini.client(new ClientConfig(mini.cluster().masterAddress(), 64L << 20, 4, TIMEOUT,
        mini.adminCredentials()).withKeyFile(keyA));
  }

  /** The superuser's client with key A. */
  GranaryClient withKeyA() {
    return client(keyA);
  }

  /** The superuser's client with key B. */
  GranaryClient withKeyB() {
    return client(keyB);
  }

  /** The superuser's client without a key. */
  GranaryClient withoutKey() {
    return client(null);
  }
}
