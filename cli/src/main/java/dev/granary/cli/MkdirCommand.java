package dev.granary.cli;

import dev.granary.client.GranaryClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary mkdir DIR [-p]}. */
@Command(name = "mkdir", mixinStandardHelpOptions = true,
    description = "Create REMOTE_DIR. Without -p a missing parent is an error (exit 3) and so is an "
        + "existing path (exit 6); with -p parents are created and an existing directory is fine.")
final class MkdirCommand implements Callable<Integer> {
  @Mixin
  ClientOptions client;

  @Parameters(index = "0", paramLabel = "REMOTE_DIR")
  String dir;

  @Option(names = "-p", description = "Create missing parents; an existing directory is fine.")
  boolean parents;

  @Override
  public Integer call() throws Exception {
    RemotePaths.requireAbsolute(dir);
    try (GranaryClient c = client.open()) {
      c.mkdirs(dir, parents);
      return 0;
    }
  }
}
