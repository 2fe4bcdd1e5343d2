package dev.granary.cli;

import dev.granary.client.Compression;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.NotFoundException;
import dev.granary.client.TransferListener;
import dev.granary.client.UploadResult;
import dev.granary.client.WriteOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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

  @Option(names = "--force", description = "Replace an existing file atomically; only the"
      + " chunks whose content changed are sent.")
  boolean force;

  @Option(names = "--compress", paramLabel = "lz4|zstd|none",
      description = "Compress each 64 KiB block on this client (a block that does not shrink is"
          + " stored raw); none: not compressed, whatever the directory's policy says"
          + " (default: the directory's policy).")
  String compress;

  @Option(names = "--encrypt", description = "Encrypt on this client (AES-256-GCM) with the key of"
      + " --key-file before any byte leaves it; files under a directory whose policy says"
      + " encrypt are encrypted without it.")
  boolean encrypt;

  @Option(names = "--json", description = "Print {\"path\",\"size\",\"bytesSent\","
      + "\"chunksSent\",\"chunksReused\"}.")
  boolean json;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    WriteOptions options = WriteOptions.defaults().withOverwrite(force)
        .withCompression(compress == null ? null : compression("--compress", compress))
        .withEncrypt(encrypt);
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
        if (json) {
          // A stream cannot be hashed before it is sent: every chunk of it is sent.
          FileStatus st = c.stat(target);
          long chunks = st.chunkSize() == 0 ? 0 : (st.size() + st.chunkSize() - 1)
              / st.chunkSize();
          print(new UploadResult(st, st.size(), (int) chunks, 0));
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
      UploadResult r = c.upload(path, target, options, progress);
      if (json) {
        print(r);
      }
      return 0;
    }
  }

  /** The compression {@code value} names; a usage error naming {@code flag} if none. */
  static Compression compression(String flag, String value) throws CliException {
    try {
      return Compression.of(value);
    } catch (IllegalArgumentException e) {
      throw new CliException(Failures.USAGE, "invalid " + flag + " '" + value
          + "': expected lz4, zstd or none");
    }
  }

  private void print(UploadResult r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("path", r.status().path());
    out.put("size", r.status().size());
    out.put("bytesSent", r.bytesSent());
    out.put("chunksSent", r.chunksSent());
    out.put("chunksReused", r.chunksReused());
    spec.commandLine().getOut().println(Json.write(out));
  }
}
