package dev.granary.cli;

import dev.granary.chunkserver.ChunkServer;
import dev.granary.chunkserver.net.Joiner;
import dev.granary.config.ChunkserverConfig;
import dev.granary.config.ConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code granary chunkserver}: runs a chunkserver in the foreground. */
@Command(name = "chunkserver",
    description = "Run a chunkserver (foreground; stops cleanly on SIGTERM/SIGINT).",
    mixinStandardHelpOptions = true)
final class ChunkserverCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ChunkserverCommand.class);

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
  Path config;

  @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind (default 0.0.0.0).")
  String host;

  @Option(names = "--port", paramLabel = "N", description = "Port to serve on (default 7071).")
  String port;

  @Option(names = "--master", paramLabel = "HOST:PORT", description = "Default 127.0.0.1:7070.")
  String master;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Replica files (default data/chunkserver).")
  String dataDir;

  @Option(names = "--capacity", paramLabel = "SIZE",
      description = "Space to use; 0 = the free space of the data dir's disk (default 0).")
  String capacity;

  @Option(names = "--scrub-interval", paramLabel = "DUR",
      description = "Re-verify every replica this often (default 1h).")
  String scrubInterval;

  @Option(names = "--scrub-rate", paramLabel = "SIZE",
      description = "Scrubber bytes per second (default 64MiB).")
  String scrubRate;

  @Option(names = "--max-transfers", paramLabel = "N",
      description = "Concurrent transfers (default 64).")
  String maxTransfers;

  @Option(names = "--idle-timeout", paramLabel = "DUR",
      description = "Close connections idle this long (default 1m).")
  String idleTimeout;

  @Option(names = "--max-connections", paramLabel = "N",
      description = "Connections held open at once; one more is closed (default 4096).")
  String maxConnections;

  @Option(names = "--join-token", paramLabel = "TOKEN",
      description = "The cluster's join token (the master's join-token file), needed once to get"
          + " this node's certificate; env GRANARY_JOIN_TOKEN.")
  String joinToken;

  @Option(names = "--http-port", paramLabel = "N",
      description = "Serve this node's metrics over HTTP(S) at /metrics on this port (default 0:"
          + " off).")
  String httpPort;

  @Override
  public Integer call() throws Exception {
    Flags flags = new Flags()
        .put("host", host).put("port", port).put("master", master).put("dataDir", dataDir)
        .put("capacity", capacity).put("scrubInterval", scrubInterval).put("scrubRate", scrubRate)
        .put("maxTransfers", maxTransfers).put("idleTimeout", idleTimeout)
        .put("maxConnections", maxConnections).put("joinToken", joinToken)
        .put("httpPort", httpPort);
    ChunkserverConfig cfg = ConfigLoader.loadChunkserver(config, flags.map(), System.getenv());
    ChunkServer server = new ChunkServer(cfg);
    try {
      server.start();
    } catch (Joiner.JoinRefusedException e) {
      throw new CliException(Failures.DENIED, e.getMessage());
    }
    log.info("{}: chunkserver serving on port {} with {}", server.nodeId(), server.port(), cfg);
    return ServerProcess.runUntilSignalled(server, server.nodeId(), log);
  }
}
