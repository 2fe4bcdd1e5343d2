package dev.granary.cli;

import dev.granary.config.ConfigLoader;
import dev.granary.config.MasterConfig;
import dev.granary.master.MasterServer;
import dev.granary.master.journal.CorruptJournalException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code granary master}: runs the master in the foreground. */
@Command(name = "master", description = "Run the master (foreground; stops cleanly on SIGTERM/SIGINT).",
    mixinStandardHelpOptions = true)
final class MasterCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(MasterCommand.class);

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
  Path config;

  @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind (default 0.0.0.0).")
  String host;

  @Option(names = "--port", paramLabel = "N", description = "Port to serve on (default 7070).")
  String port;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Operation log and checkpoints (default data/master).")
  String dataDir;

  @Option(names = "--chunk-size", paramLabel = "SIZE", description = "Default 64MiB.")
  String chunkSize;

  @Option(names = "--replication", paramLabel = "N", description = "Replication goal (default 3).")
  String replication;

  @Option(names = "--min-replicas", paramLabel = "N",
      description = "Replicas a write needs to succeed (default 2).")
  String minReplicas;

  @Option(names = "--pulse-interval", paramLabel = "DUR", description = "Default 1s.")
  String pulseInterval;

  @Option(names = "--dead-after", paramLabel = "DUR",
      description = "A chunkserver silent this long is DEAD (default 10s).")
  String deadAfter;

  @Option(names = "--gc-interval", paramLabel = "DUR", description = "Default 30s.")
  String gcInterval;

  @Option(names = "--placement", paramLabel = "POLICY",
      description = "round-robin (default) or most-free-space.")
  String placement;

  @Option(names = "--checkpoint-ops", paramLabel = "N",
      description = "Operations between checkpoints (default 100000).")
  String checkpointOps;

  @Option(names = "--max-copies-per-node", paramLabel = "N",
      description = "Re-replication copies handed to a node at once (default 32).")
  String maxCopiesPerNode;

  @Option(names = "--max-connections", paramLabel = "N",
      description = "Connections held open at once; one more is closed (default 4096).")
  String maxConnections;

  @Option(names = "--lease-timeout", paramLabel = "DUR",
      description = "An upload's unrenewed lease lasts this long; then its uncommitted chunks are"
          + " collected (default 2m).")
  String leaseTimeout;

  @Option(names = "--balance-threshold", paramLabel = "PCT",
      description = "Percentage points a chunkserver's used fraction may differ from the"
          + " cluster's before replicas are moved (default 10).")
  String balanceThreshold;

  @Option(names = "--balance-bandwidth", paramLabel = "SIZE",
      description = "Bytes per second each chunkserver moves for balancing (default 64MiB).")
  String balanceBandwidth;

  @Option(names = "--security", paramLabel = "MODE",
      description = "tls (certificates, users, permissions, chunk tokens) or none (a trusted lab"
          + " network: no identities).")
  String security;

  @Option(names = "--http-port", paramLabel = "N",
      description = "HTTP(S) port: metrics at /metrics, HTTPS when security is tls (default 7080;"
          + " 0: off).")
  String httpPort;

  @Override
  public Integer call() throws Exception {
    Flags flags = new Flags()
        .put("host", host).put("port", port).put("dataDir", dataDir).put("chunkSize", chunkSize)
        .put("replication", replication).put("minReplicas", minReplicas)
        .put("pulseInterval", pulseInterval).put("deadAfter", deadAfter)
        .put("gcInterval", gcInterval).put("placement", placement)
        .put("checkpointOps", checkpointOps).put("maxCopiesPerNode", maxCopiesPerNode)
        .put("maxConnections", maxConnections)
        .put("leaseTimeout", leaseTimeout).put("security", security)
        .put("balanceThreshold", balanceThreshold).put("balanceBandwidth", balanceBandwidth)
        .put("httpPort", httpPort);
    MasterConfig cfg = ConfigLoader.loadMaster(config, flags.map());
    MasterServer server = RestWiring.install(new MasterServer(cfg));
    try {
      server.start();
    } catch (CorruptJournalException e) {
      // Not a guess at what the log meant: stop and name the file and line for the operator.
      throw new CliException(Failures.USAGE, e.getMessage());
    }
    log.info("{}: master serving on port {} with {}", server.masterId(), server.port(), cfg);
    return ServerProcess.runUntilSignalled(server, server.masterId(), log);
  }
}
