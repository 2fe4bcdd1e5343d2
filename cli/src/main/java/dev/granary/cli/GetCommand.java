package dev.granary.cli;

import dev.granary.client.GranaryClient;
import dev.granary.client.TransferListener;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary get REMOTE LOCAL}: copies a Granary file to a local file or stdout. */
@Command(name = "get",
    description = {"Copy REMOTE to LOCAL (or stdout, given as -). An existing local file is "
        + "overwritten only with --force. If LOCAL is a directory the file goes inside it. --version N copies that "
        + "version of REMOTE (see versions)."})
final class GetCommand implements Callable<Integer> {
  @Mixin
  ClientOptions client;

  @Mixin
  VersionOption version;

  @Parameters(index = "0", paramLabel = "REMOTE")
  String remote;

  @Parameters(index = "1", paramLabel = "LOCAL", description = "Local file, or - for stdout.")
  String local;

  @Option(names = "--force", description = "Overwrite an existing local file.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    RemotePaths.requireAbsolute(remote);
    try (GranaryClient c = client.open()) {
      if (local.equals("-")) {
        try (InputStream in = c.open(remote, version.version())) {
          OutputStream out = System.out;
          in.transferTo(out);
          out.flush();
        }
        return 0;
      }
      Path target = Path.of(local);
      if (Files.isDirectory(target)) {
        target = target.resolve(RemotePaths.lastComponent(remote));
      }
      TransferListener progress = ProgressBar.forTerminal("get " + remote);
      c.get(remote, version.version(), target, force, progress);
      return 0;
    }
  }
}
