package dev.granary.cli;

import dev.granary.client.GranaryClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary rm REMOTE [-r]}. */
@Command(name = "rm", mixinStandardHelpOptions = true,
    description = "Remove a file or an empty directory; -r removes a whole tree (atomically). "
        + "Replica files leave the chunkservers' disks within the master's gcInterval.")
final class RmCommand implements Callable<Integer> {
  @Mixin
  ClientOptions client;

  @Parameters(index = "0", paramLabel = "REMOTE")
  String path;

  @Option(names = "-r", description = "Remove directories and their contents.")
  boolean recursive;

  @Override
  public Integer call() throws Exception {
    RemotePaths.requireAbsolute(path);
    try (GranaryClient c = client.open()) {
      c.delete(path, recursive);
      return 0;
    }
  }
}
