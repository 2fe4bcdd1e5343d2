package dev.granary.cli;

import dev.granary.config.ConfigKeys;
import dev.granary.config.ConfigLoader;
import dev.granary.config.Effective;
import dev.granary.config.MasterConfig;
import dev.granary.master.MasterServer;
import dev.granary.master.journal.CorruptJournalException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code granary master}: runs the master in the foreground. */
@Command(name = "master", description = "Run the master (foreground; stops cleanly on SIGTERM/SIGINT).",
    mixinStandardHelpOptions = true)
final class MasterCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(MasterCommand.class);

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
  Path config;

  @Mixin
  final KeyOptions keys = new KeyOptions(ConfigKeys.MASTER_SECTION);

  @Override
  public Integer call() throws Exception {
    Effective<MasterConfig> effective = ConfigLoader.effectiveMaster(config, keys.given());
    MasterConfig cfg = effective.config();
    MasterServer server = RestWiring.install(new MasterServer(cfg));
    try {
      server.start();
    } catch (CorruptJournalException e) {
      // Not a guess at what the log meant: stop and name the file and line for the operator.
      throw new CliException(Failures.USAGE, e.getMessage());
    }
    log.info("{}: master serving on port {} with {}", server.masterId(), server.port(), effective);
    return ServerProcess.runUntilSignalled(server, server.masterId(), log);
  }
}
