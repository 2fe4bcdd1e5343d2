package dev.granary.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The master's configuration, validated and immutable. Build it with {@link
 * ConfigLoader#loadMaster} (defaults &lt; file &lt; flags) or {@link #defaults()}.
 *
 * <p>Each component is the {@code master} key of the same name, in the order the schema lists
 * them. What a key means, its default and its rule are written once, in the master's schema, and
 * read from there by the loader, this record's checks, {@code granary master --help}, the README's
 * configuration table and {@link ConfigKeys#keys(String)}; they are not repeated here.
 */
public record MasterConfig(
    String host,
    int port,
    Path dataDir,
    long chunkSize,
    int replication,
    int minReplicas,
    Duration pulseInterval,
    Duration deadAfter,
    Duration gcInterval,
    String placement,
    long checkpointOps,
    int maxCopiesPerNode,
    int maxConnections,
    Duration leaseTimeout,
    String security,
    int balanceThreshold,
    long balanceBandwidth,
    int httpPort,
    boolean dedup) {

  /** The placement policy that spreads replicas over chunkservers in turn. */
  public static final String ROUND_ROBIN = "round-robin";

  /** The placement policy that prefers the chunkservers with the most free space. */
  public static final String MOST_FREE_SPACE = "most-free-space";

  /** {@link #security()}: TLS, certificates, users, permissions and chunk access tokens. */
  public static final String TLS = "tls";

  /** {@link #security()}: no identities and no encryption, for a trusted lab network. */
  public static final String NONE = "none";

  /** Every valid {@link #security()}. */
  public static final List<String> SECURITY_MODES = List.of(TLS, NONE);

  /** Every valid {@link #placement()}. */
  public static final List<String> PLACEMENTS = List.of(ROUND_ROBIN, MOST_FREE_SPACE);

  /**
   * Validates every component against its key's rule.
   *
   * @throws ConfigException naming the first invalid key as {@code master.key}, its value and
   *     what was expected
   */
  public MasterConfig {
    MasterSchema.HOST.require(host);
    MasterSchema.PORT.require(port);
    MasterSchema.DATA_DIR.require(dataDir);
    MasterSchema.CHUNK_SIZE.require(chunkSize);
    MasterSchema.REPLICATION.require(replication);
    MasterSchema.MIN_REPLICAS.require(minReplicas);
    MasterSchema.PULSE_INTERVAL.require(pulseInterval);
    MasterSchema.DEAD_AFTER.require(deadAfter);
    MasterSchema.GC_INTERVAL.require(gcInterval);
    MasterSchema.PLACEMENT.require(placement);
    MasterSchema.CHECKPOINT_OPS.require(checkpointOps);
    MasterSchema.MAX_COPIES_PER_NODE.require(maxCopiesPerNode);
    MasterSchema.MAX_CONNECTIONS.require(maxConnections);
    MasterSchema.LEASE_TIMEOUT.require(leaseTimeout);
    MasterSchema.SECURITY.require(security);
    MasterSchema.BALANCE_THRESHOLD.require(balanceThreshold);
    MasterSchema.BALANCE_BANDWIDTH.require(balanceBandwidth);
    MasterSchema.HTTP_PORT.require(httpPort);
    MasterSchema.DEDUP.require(dedup);
    MasterSchema.MIN_REPLICAS_AT_MOST_REPLICATION.require(minReplicas, replication);
    MasterSchema.PULSE_INTERVAL_BELOW_DEAD_AFTER.require(pulseInterval, deadAfter);
  }

  /**
   * The same configuration with the default {@code maxConnections} and {@link #leaseTimeout()}:
   * for code that sets the keys of 0.1 only.
   *
   * @throws ConfigException as the canonical constructor
   */
  public MasterConfig(String host, int port, Path dataDir, long chunkSize, int replication,
      int minReplicas, Duration pulseInterval, Duration deadAfter, Duration gcInterval,
      String placement, long checkpointOps, int maxCopiesPerNode) {
    this(host, port, dataDir, chunkSize, replication, minReplicas, pulseInterval, deadAfter,
        gcInterval, placement, checkpointOps, maxCopiesPerNode,
        MasterSchema.MAX_CONNECTIONS.defaultValue(), MasterSchema.LEASE_TIMEOUT.defaultValue());
  }

  /**
   * The same configuration with the default {@link #security()}.
   *
   * @throws ConfigException as the canonical constructor
   */
  public MasterConfig(String host, int port, Path dataDir, long chunkSize, int replication,
      int minReplicas, Duration pulseInterval, Duration deadAfter, Duration gcInterval,
      String placement, long checkpointOps, int maxCopiesPerNode, int maxConnections,
      Duration leaseTimeout) {
    this(host, port, dataDir, chunkSize, replication, minReplicas, pulseInterval, deadAfter,
        gcInterval, placement, checkpointOps, maxCopiesPerNode, maxConnections, leaseTimeout,
        MasterSchema.SECURITY.defaultValue());
  }

  /**
   * The same configuration with the default balancing and the HTTP listener off ({@link
   * #httpPort()} 0), as before 0.2: for code that sets the keys before those only, so that several masters built in one JVM
   * or on one host do not all claim the default port.
   *
   * @throws ConfigException as the canonical constructor
   */
  public MasterConfig(String host, int port, Path dataDir, long chunkSize, int replication,
      int minReplicas, Duration pulseInterval, Duration deadAfter, Duration gcInterval,
      String placement, long checkpointOps, int maxCopiesPerNode, int maxConnections,
      Duration leaseTimeout, String security) {
    this(host, port, dataDir, chunkSize, replication, minReplicas, pulseInterval, deadAfter,
        gcInterval, placement, checkpointOps, maxCopiesPerNode, maxConnections, leaseTimeout,
        security, MasterSchema.BALANCE_THRESHOLD.defaultValue(),
        MasterSchema.BALANCE_BANDWIDTH.defaultValue(), 0);
  }

  /**
   * The same configuration without deduplication ({@link #dedup()} false, its default): for code
   * that sets the keys before it only.
   *
   * @throws ConfigException as the canonical constructor
   */
  public MasterConfig(String host, int port, Path dataDir, long chunkSize, int replication,
      int minReplicas, Duration pulseInterval, Duration deadAfter, Duration gcInterval,
      String placement, long checkpointOps, int maxCopiesPerNode, int maxConnections,
      Duration leaseTimeout, String security, int balanceThreshold, long balanceBandwidth,
      int httpPort) {
    this(host, port, dataDir, chunkSize, replication, minReplicas, pulseInterval, deadAfter,
        gcInterval, placement, checkpointOps, maxCopiesPerNode, maxConnections, leaseTimeout,
        security, balanceThreshold, balanceBandwidth, httpPort,
        MasterSchema.DEDUP.defaultValue());
  }

  /** This configuration with {@link #dedup()} set to {@code on}. */
  public MasterConfig withDedup(boolean on) {
    return new MasterConfig(host, port, dataDir, chunkSize, replication, minReplicas,
        pulseInterval, deadAfter, gcInterval, placement, checkpointOps, maxCopiesPerNode,
        maxConnections, leaseTimeout, security, balanceThreshold, balanceBandwidth, httpPort, on);
  }

  /** This configuration with {@link #security()} set to {@code mode}. */
  public MasterConfig withSecurity(String mode) {
    return new MasterConfig(host, port, dataDir, chunkSize, replication, minReplicas,
        pulseInterval, deadAfter, gcInterval, placement, checkpointOps, maxCopiesPerNode,
        maxConnections, leaseTimeout, mode, balanceThreshold, balanceBandwidth, httpPort, dedup);
  }

  /** This configuration with {@link #httpPort()} set to {@code port} (0: off). */
  public MasterConfig withHttpPort(int port) {
    return new MasterConfig(host, this.port, dataDir, chunkSize, replication, minReplicas,
        pulseInterval, deadAfter, gcInterval, placement, checkpointOps, maxCopiesPerNode,
        maxConnections, leaseTimeout, security, balanceThreshold, balanceBandwidth, port, dedup);
  }

  /** Whether the cluster runs with TLS, identities and permissions. */
  public boolean secured() {
    return security.equals(TLS);
  }

  /** The documented defaults, as used when neither file nor flags set a key. */
  public static MasterConfig defaults() {
    return MasterSchema.SCHEMA.defaults();
  }

  /**
   * The effective configuration on one line, sizes and durations as a user would write them, e.g.
   * {@code MasterConfig{host=0.0.0.0, port=7070, dataDir=data/master, chunkSize=64MiB, ...}}.
   */
  @Override
  public String toString() {
    return MasterSchema.SCHEMA.render(this);
  }
}
