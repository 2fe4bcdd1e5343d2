package dev.granary.cli;

import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.NotFoundException;
import dev.granary.client.TransferListener;
import dev.granary.client.WriteOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary put LOCAL REMOTE}: stores a local file (or stdin) in Granary. */
@Command(name = "put", mixinStandardHelpOptions = true,
    description = {"Store LOCAL (or stdin, given as -) at REMOTE. Missing parent directories are "
        + "created; an existing file is replaced atomically only with --force. If REMOTE is an "
        + "existing directory, the file goes inside it under LOCAL's name."})
final class PutCommand implements Callable<Integer> {
  @Mixin
  ClientOptions client;

  @Parameters(index = "0", paramLabel = "LOCAL", description = "Local file, or - for stdin.")
  String local;

  @Parameters(index = "1", paramLabel = "REMOTE", description = "Absolute remote path.")
  String remote;

  @Option(names = "--replication", paramLabel = "N",
      description = "Replicas per chunk (default: the master's replication).")
  Integer replication;

  @Option(names = "--force", description = "Replace an existing file atomically.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    WriteOptions options = WriteOptions.defaults().withOverwrite(force);
    if (replication != null) {
      if (replication < 1 || replication > 16) {
        throw new CliException(Failures.USAGE, "invalid --replication " + replication
            + ": expected an integer between 1 and 16");
      }
      options = options.withReplication(replication);
    }
    try (GranaryClient c = client.open()) {
      String target = RemotePaths.intoDirectory(c, remote,
          local.equals("-") ? null : Path.of(local).getFileName().toString());
      if (local.equals("-")) {
        try (OutputStream out = c.create(target, options)) {
          InputStream in = System.in;
          in.transferTo(out);
        }
        return 0;
      }
      Path path = Path.of(local);
      if (!Files.exists(path)) {
        throw new NoSuchFileException(local);
      }
      if (Files.isDirectory(path)) {
        throw new CliException(Failures.USAGE, local + ": is a directory (put takes one file)");
      }
      TransferListener progress = ProgressBar.forTerminal("put " + target);
      FileStatus st = c.put(path, target, options, progress);
      return st == null ? 1 : 0;
    }
  }
}
