package dev.granary.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A chunkserver's configuration, validated and immutable. Build it with {@link
 * ConfigLoader#loadChunkserver} (defaults &lt; file &lt; flags) or {@link #defaults()}. Each key's
 * default, rule and description are declared once, in the chunkserver's schema; the README's
 * configuration table and {@code granary chunkserver --help} show them.
 *
 * @param host the address to bind, {@code 0.0.0.0} for every interface
 * @param port the port to listen on, 0..65535; 0 lets the operating system pick a free port
 * @param master the master's address
 * @param dataDir the directory holding replicas and their checksums
 * @param capacity bytes this server offers, 0 or more; 0 means the free space of the data dir's
 *     disk
 * @param scrubInterval how often every replica's checksums are verified, at least 1s
 * @param scrubRate the scrubber's read rate cap in bytes per second, at least 1MiB
 * @param maxTransfers concurrent chunk transfers served, 1..4096
 * @param idleTimeout how long an idle connection stays open, at least 1s
 * @param maxConnections connections held open at once, 1..1000000; one more is closed at once
 * @param joinToken the cluster's join token, used once by a chunkserver that has no certificate
 *     yet to get one from a {@code tls} master (env {@code GRANARY_JOIN_TOKEN}; empty for none;
 *     never printed)
 * @param httpPort the HTTP(S) listener's port (this node's metrics at {@code /metrics}),
 *     0..65535; 0 turns it off, so several chunkservers share a host without choosing ports
 */
public record ChunkserverConfig(
    String host,
    int port,
    HostPort master,
    Path dataDir,
    long capacity,
    Duration scrubInterval,
    long scrubRate,
    int maxTransfers,
    Duration idleTimeout,
    int maxConnections,
    String joinToken,
    int httpPort) {

  /**
   * Validates every component against the rules above.
   *
   * @throws ConfigException naming the first invalid key as {@code chunkserver.key}, its value and
   *     what was expected
   */
  public ChunkserverConfig {
    ChunkserverSchema.HOST.require(host);
    ChunkserverSchema.PORT.require(port);
    ChunkserverSchema.MASTER.require(master);
    ChunkserverSchema.DATA_DIR.require(dataDir);
    ChunkserverSchema.CAPACITY.require(capacity);
    ChunkserverSchema.SCRUB_INTERVAL.require(scrubInterval);
    ChunkserverSchema.SCRUB_RATE.require(scrubRate);
    ChunkserverSchema.MAX_TRANSFERS.require(maxTransfers);
    ChunkserverSchema.IDLE_TIMEOUT.require(idleTimeout);
    ChunkserverSchema.MAX_CONNECTIONS.require(maxConnections);
    ChunkserverSchema.JOIN_TOKEN.require(joinToken);
    ChunkserverSchema.HTTP_PORT.require(httpPort);
  }

  /**
   * The same configuration with the HTTP listener off (the default).
   *
   * @throws ConfigException as the canonical constructor
   */
  public ChunkserverConfig(String host, int port, HostPort master, Path dataDir, long capacity,
      Duration scrubInterval, long scrubRate, int maxTransfers, Duration idleTimeout,
      int maxConnections, String joinToken) {
    this(host, port, master, dataDir, capacity, scrubInterval, scrubRate, maxTransfers,
        idleTimeout, maxConnections, joinToken, 0);
  }

  /**
   * The same configuration without a join token.
   *
   * @throws ConfigException as the canonical constructor
   */
  public ChunkserverConfig(String host, int port, HostPort master, Path dataDir, long capacity,
      Duration scrubInterval, long scrubRate, int maxTransfers, Duration idleTimeout,
      int maxConnections) {
    this(host, port, master, dataDir, capacity, scrubInterval, scrubRate, maxTransfers,
        idleTimeout, maxConnections, "");
  }

  /** This configuration with {@link #joinToken()} set to {@code token}. */
  public ChunkserverConfig withJoinToken(String token) {
    return new ChunkserverConfig(host, port, master, dataDir, capacity, scrubInterval, scrubRate,
        maxTransfers, idleTimeout, maxConnections, token, httpPort);
  }

  /** This configuration with {@link #httpPort()} set to {@code port} (0: off). */
  public ChunkserverConfig withHttpPort(int port) {
    return new ChunkserverConfig(host, this.port, master, dataDir, capacity, scrubInterval,
        scrubRate, maxTransfers, idleTimeout, maxConnections, joinToken, port);
  }

  /**
   * The same configuration with the default {@code maxConnections}: for code that sets the keys of
   * 0.1 only.
   *
   * @throws ConfigException as the canonical constructor
   */
  public ChunkserverConfig(String host, int port, HostPort master, Path dataDir, long capacity,
      Duration scrubInterval, long scrubRate, int maxTransfers, Duration idleTimeout) {
    this(host, port, master, dataDir, capacity, scrubInterval, scrubRate, maxTransfers,
        idleTimeout, ChunkserverSchema.MAX_CONNECTIONS.defaultValue());
  }

  /** The documented defaults, as used when neither file nor flags set a key. */
  public static ChunkserverConfig defaults() {
    return ChunkserverSchema.SCHEMA.defaults();
  }

  /**
   * The effective configuration on one line, sizes and durations as a user would write them, e.g.
   * {@code ChunkserverConfig{host=0.0.0.0, port=7071, master=127.0.0.1:7070, ...}}.
   */
  @Override
  public String toString() {
    return ChunkserverSchema.SCHEMA.render(this);
  }
}
