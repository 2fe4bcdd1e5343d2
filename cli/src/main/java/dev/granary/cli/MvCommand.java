package dev.granary.cli;

import dev.granary.client.GranaryClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code granary mv SRC DST}. */
@Command(name = "mv", mixinStandardHelpOptions = true,
    description = "Rename SRC to DST atomically; if DST is an existing directory, SRC moves into it. "
        + "An existing file at DST is an error (exit 6).")
final class MvCommand implements Callable<Integer> {
  @Mixin
  ClientOptions client;

  @Parameters(index = "0", paramLabel = "SRC")
  String source;

  @Parameters(index = "1", paramLabel = "DST")
  String destination;

  @Override
  public Integer call() throws Exception {
    RemotePaths.requireAbsolute(source);
    RemotePaths.requireAbsolute(destination);
    try (GranaryClient c = client.open()) {
      c.rename(source, destination);
      return 0;
    }
  }
}
