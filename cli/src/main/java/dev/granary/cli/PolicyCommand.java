package dev.granary.cli;

import dev.granary.client.Compression;
import dev.granary.client.DirectoryPolicy;
import dev.granary.client.GranaryClient;
import dev.granary.client.PolicyChange;
import dev.granary.config.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code granary policy DIR [--replication N] [--keep-versions N] [--trash DURATION] [--compress
 * lz4|zstd|none] [--encrypt|--no-encrypt] [--json]}: shows the effective policy of DIR, or changes
 * the settings named; {@code none} (or {@code inherit}) clears a setting so the nearest ancestor's
 * applies again. For {@code --compress}, where {@code none} is a value (do not compress), only
 * {@code inherit} clears; {@code --inherit-encrypt} clears the encrypt setting.
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
    description = {"Show the policy new files and deletes under DIR take (each setting from the "
        + "nearest directory that makes it), or set it: the directory's owner or a superuser.",
        "A value of none (or inherit) clears that setting on DIR; --compress none means not "
            + "compressed, so --compress inherit clears it, and --inherit-encrypt clears "
            + "--encrypt/--no-encrypt."})
final class PolicyCommand implements Callable<Integer> {
  /** The values that clear a setting. */
  static final Set<String> CLEAR = Set.of("none", "inherit");

  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Parameters(index = "0", paramLabel = "DIR")
  String dir;

  @Option(names = "--replication", paramLabel = "N",
      description = "Replication goal of new files (1-255), or none.")
  String replication;

  @Option(names = "--keep-versions", paramLabel = "N",
      description = "Replaced versions put --force keeps per file (0-1000), or none.")
  String keepVersions;

  @Option(names = "--trash", paramLabel = "DURATION",
      description = "How long rm keeps what it removes in the remover's trash (e.g. 7d, 12h; 0s:"
          + " no trash here even if a parent has one; at most 3650d), or none.")
  String trash;

  @Option(names = "--compress", paramLabel = "lz4|zstd|none",
      description = "How clients compress new files (none: not compressed, even if a parent's"
          + " policy says otherwise), or inherit.")
  String compress;

  @Option(names = "--encrypt", negatable = true,
      description = "--encrypt: new files must be encrypted on the client (a plain write is"
          + " refused); --no-encrypt: not required here, even if a parent requires it.")
  Boolean encrypt;

  @Option(names = "--inherit-encrypt",
      description = "Clear --encrypt/--no-encrypt on DIR: the nearest parent's setting applies.")
  boolean inheritEncrypt;

  @Option(names = "--json", description = "JSON object (shape in the README).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    RemotePaths.requireAbsolute(dir);
    PolicyChange change = encoding(change(replication, keepVersions, trash), compress, encrypt,
        inheritEncrypt);
    PrintWriter out = spec.commandLine().getOut();
    try (GranaryClient c = client.open()) {
      DirectoryPolicy p = c.setPolicy(dir, change);
      out.print(json ? Json.write(Retained.policyJson(p)) + "\n" : Retained.policyText(p));
      out.flush();
      return 0;
    }
  }

  /** The change the flags ask for; a bad value is a usage error naming the flag. */
  static PolicyChange change(String replication, String keepVersions, String trash)
      throws CliException {
    PolicyChange change = PolicyChange.none();
    if (replication != null) {
      change = CLEAR.contains(replication) ? change.clear(DirectoryPolicy.REPLICATION)
          : change.replication(number("--replication", replication, 1, 255));
    }
    if (keepVersions != null) {
      change = CLEAR.contains(keepVersions) ? change.clear(DirectoryPolicy.KEEP_VERSIONS)
          : change.keepVersions(number("--keep-versions", keepVersions, 0, 1000));
    }
    if (trash != null) {
      change = CLEAR.contains(trash) ? change.clear(DirectoryPolicy.TRASH)
          : change.trash(duration(trash));
    }
    return change;
  }

  /**
   * {@code change} with the compression and encryption the flags ask for: {@code compress} a
   * compression name or {@code inherit}; {@code encrypt} true, false or null (not given); {@code
   * inheritEncrypt} to clear it. A bad value is a usage error naming the flag.
   */
  static PolicyChange encoding(PolicyChange change, String compress, Boolean encrypt,
      boolean inheritEncrypt) throws CliException {
    PolicyChange next = change;
    if (compress != null) {
      next = compress.equals("inherit") ? next.clear(DirectoryPolicy.COMPRESS)
          : next.compression(compression(compress));
    }
    if (inheritEncrypt && encrypt != null) {
      throw new CliException(Failures.USAGE, "--inherit-encrypt clears what --"
          + (encrypt ? "" : "no-") + "encrypt sets: give one of them");
    }
    if (inheritEncrypt) {
      next = next.clear(DirectoryPolicy.ENCRYPT);
    } else if (encrypt != null) {
      next = next.encrypt(encrypt);
    }
    return next;
  }

  private static Compression compression(String value) throws CliException {
    try {
      return Compression.of(value);
    } catch (IllegalArgumentException e) {
      throw new CliException(Failures.USAGE, "invalid --compress '" + value
          + "': expected lz4, zstd or none, or inherit to clear it");
    }
  }

  private static int number(String flag, String value, int min, int max) throws CliException {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the one-line refusal
    }
    throw new CliException(Failures.USAGE, "invalid " + flag + " '" + value + "': expected a "
        + "number from " + min + " to " + max + ", or none to clear it");
  }

  private static Duration duration(String value) throws CliException {
    Duration d;
    try {
      // A bare 0 is unambiguous: no trash here.
      d = value.equals("0") ? Duration.ZERO : Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CliException(Failures.USAGE, "invalid --trash: " + e.getMessage()
          + ", or none to clear it");
    }
    if (d.compareTo(Duration.ofDays(3650)) > 0) {
      throw new CliException(Failures.USAGE, "invalid --trash '" + value
          + "': at most 3650d (ten years)");
    }
    return d;
  }
}
