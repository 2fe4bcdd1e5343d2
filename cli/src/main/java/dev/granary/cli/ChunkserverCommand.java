package dev.granary.cli;

import dev.granary.chunkserver.ChunkServer;
import dev.granary.chunkserver.net.Joiner;
import dev.granary.config.ChunkserverConfig;
import dev.granary.config.ConfigKeys;
import dev.granary.config.ConfigLoader;
import dev.granary.config.Effective;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code granary chunkserver}: runs a chunkserver in the foreground. */
@Command(name = "chunkserver",
    description = "Run a chunkserver (foreground; stops cleanly on SIGTERM/SIGINT).",
    mixinStandardHelpOptions = true)
final class ChunkserverCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ChunkserverCommand.class);

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
  Path config;

  @Mixin
  final KeyOptions keys = new KeyOptions(ConfigKeys.CHUNKSERVER_SECTION);

  @Override
  public Integer call() throws Exception {
    Effective<ChunkserverConfig> effective =
        ConfigLoader.effectiveChunkserver(config, keys.given(), System.getenv());
    ChunkserverConfig cfg = effective.config();
    ChunkServer server = new ChunkServer(cfg);
    try {
      server.start();
    } catch (Joiner.JoinRefusedException e) {
      throw new CliException(Failures.DENIED, e.getMessage());
    }
    log.info("{}: chunkserver serving on port {} with {}", server.nodeId(), server.port(),
        effective);
    return ServerProcess.runUntilSignalled(server, server.nodeId(), log);
  }
}
