package dev.granary.cli;

import dev.granary.client.GranaryClient;
import java.io.InputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code granary cat REMOTE}: writes a file to stdout. */
@Command(name = "cat",
    description = "Write REMOTE (or with --version N, that version of it) to stdout.")
final class CatCommand implements Callable<Integer> {
  @Mixin
  ClientOptions client;

  @Mixin
  VersionOption version;

  @Parameters(index = "0", paramLabel = "REMOTE")
  String remote;

  @Override
  public Integer call() throws Exception {
    RemotePaths.requireAbsolute(remote);
    long v = version.version();
    try (GranaryClient c = client.open(); InputStream in = c.open(remote, v)) {
      in.transferTo(System.out);
      System.out.flush();
    }
    return 0;
  }
}
