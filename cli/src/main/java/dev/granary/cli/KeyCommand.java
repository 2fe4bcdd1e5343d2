package dev.granary.cli;

import dev.granary.client.EncryptionKey;
import dev.granary.client.GranaryClient;
import dev.granary.client.KeyRotation;
import java.io.PrintWriter;
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

/**
 * {@code granary key new --out FILE | key rotate --old-key-file A --new-key-file B PATH [-R]}:
 * the key files client-side encryption uses. A key file is made here and never leaves the
 * client; rotation rewraps each file's data key on the master, so no data is read or rewritten.
 */
@Command(name = "key", mixinStandardHelpOptions = true,
    subcommands = {KeyCommand.New.class, KeyCommand.Rotate.class},
    description = {"Key files for client-side encryption (put --encrypt, --key-file).",
        "A file encrypted with a key reads only with that key (or, after key rotate, the new "
            + "one): keep the key file safe and private."})
final class KeyCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code granary key new --out FILE [--json]}: a new random key in a new 0600 file. */
  @Command(name = "new", mixinStandardHelpOptions = true,
      description = "Write a new random key to FILE (created with mode 0600; an existing file is "
          + "never overwritten) and print its id.")
  static final class New implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE", required = true,
        description = "The key file to create.")
    Path out;

    @Option(names = "--json", description = "Print {\"keyFile\",\"keyId\"}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw new NoSuchFileException(parent.toString());
      }
      EncryptionKey key = EncryptionKey.generate();
      key.write(out);
      PrintWriter w = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("keyFile", out.toString());
        m.put("keyId", key.id());
        w.println(Json.write(m));
      } else {
        w.println(key.id());
      }
      w.flush();
      return 0;
    }
  }

  /**
   * {@code granary key rotate --old-key-file A --new-key-file B PATH [-R] [--json]}: the files at
   * PATH (under it, with -R), and the versions they keep, read with key B from now on.
   */
  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = {"Rewrap the data key of every encrypted file at PATH (with -R, under it) "
          + "and of the versions it keeps with the key of --new-key-file: afterwards they read "
          + "with the new key alone. Only keys on the master change; no data is read or sent.",
          "Files already rewrapped are counted and left alone, so an interrupted rotation is "
              + "finished by running it again. Snapshots keep the key they were taken with."})
  static final class Rotate implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Option(names = "--old-key-file", paramLabel = "FILE", required = true,
        description = "The key the files are encrypted with now.")
    Path oldKeyFile;

    @Option(names = "--new-key-file", paramLabel = "FILE", required = true,
        description = "The key they are to be read with (granary key new --out FILE).")
    Path newKeyFile;

    @Parameters(index = "0", paramLabel = "PATH")
    String path;

    @Option(names = "-R", description = "Every file under PATH (a directory).")
    boolean recursive;

    @Option(names = "--json", description = "Print {\"rotated\",\"alreadyNew\",\"notEncrypted\"}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      RemotePaths.requireAbsolute(path);
      // Both keys are read before dialling: a bad key file is a one-line config error (exit 2).
      EncryptionKey oldKey = EncryptionKey.read(oldKeyFile);
      EncryptionKey newKey = EncryptionKey.read(newKeyFile);
      try (GranaryClient c = client.open()) {
        KeyRotation r = c.rotateKey(path, recursive, oldKey, newKey);
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("rotated", r.rotated());
          m.put("alreadyNew", r.alreadyNew());
          m.put("notEncrypted", r.notEncrypted());
          w.println(Json.write(m));
        } else {
          w.println("rotated " + r.rotated() + " to key " + newKey.id() + ", " + r.alreadyNew()
              + " already on it, " + r.notEncrypted() + " not encrypted");
        }
        w.flush();
        return 0;
      }
    }
  }
}
