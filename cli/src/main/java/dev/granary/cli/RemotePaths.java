package dev.granary.cli;

import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.NotFoundException;

/** Small rules for remote path arguments shared by the commands. */
final class RemotePaths {
  private RemotePaths() {}

  /**
   * The path a file named {@code name} lands at when the user gives {@code remote}: inside it if it
   * is an existing directory (or ends with '/'), else {@code remote} itself.
   */
  static String intoDirectory(GranaryClient c, String remote, String name) throws Exception {
    requireAbsolute(remote);
    if (name == null) {
      return remote;
    }
    boolean dir = remote.endsWith("/");
    if (!dir) {
      try {
        FileStatus st = c.stat(remote);
        dir = st.directory();
      } catch (NotFoundException e) {
        dir = false;
      }
    }
    return dir ? join(remote, name) : remote;
  }

  static String join(String dir, String name) {
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }

  static void requireAbsolute(String remote) throws CliException {
    if (!remote.startsWith("/")) {
      throw new CliException(Failures.USAGE, remote + ": remote paths are absolute (start with /)");
    }
  }

  static String lastComponent(String remote) {
    String r = remote.endsWith("/") && remote.length() > 1
        ? remote.substring(0, remote.length() - 1) : remote;
    return r.substring(r.lastIndexOf('/') + 1);
  }

  /** Whether an exception means "not found", for commands that treat that case specially. */
  static boolean isNotFound(GranaryException e) {
    return e instanceof NotFoundException;
  }
}
