package dev.granary.master.security;

import dev.granary.wire.msg.FileEntry;

/**
 * The POSIX permission check (as HDFS's FSPermissionChecker): the superuser passes everything;
 * otherwise the owner bits apply when the caller is the owner, else the group bits when the
 * caller's group is the entry's group, else the bits for others. The bits of one class only: an
 * owner denied what others may do is denied, as in POSIX.
 */
public final class Permissions {
  /** Read: a file's bytes, a directory's listing. */
  public static final int READ = 4;
  /** Write: replace a file; create, remove or rename entries in a directory. */
  public static final int WRITE = 2;
  /** Execute: traverse a directory (look up a name in it). */
  public static final int EXECUTE = 1;

  private Permissions() {}

  /** Whether {@code caller} may do {@code access} (an OR of READ, WRITE, EXECUTE). */
  public static boolean allows(Caller caller, String owner, String group, int permission,
      int access) {
    if (caller.superuser()) {
      return true;
    }
    int bits;
    if (caller.user().equals(owner)) {
      bits = permission >> 6;
    } else if (caller.group().equals(group)) {
      bits = permission >> 3;
    } else {
      bits = permission;
    }
    return (bits & access & 7) == access;
  }

  /** The verb a denial names: write, read or traverse (the strongest access asked for). */
  public static String verb(int access) {
    if ((access & WRITE) != 0) {
      return "write";
    }
    return (access & READ) != 0 ? "read" : "traverse";
  }

  /**
   * The one line a denial says, e.g. {@code permission denied: user bob may not write /a/b (owner
   * alice, group staff, mode 755)}.
   */
  public static String denial(Caller caller, String action, String path, String owner,
      String group, int permission) {
    return "permission denied: " + who(caller) + " may not " + action + " " + path + " (owner "
        + owner + ", group " + group + ", mode " + octal(permission) + ")";
  }

  /** "user bob", or what a caller that did not authenticate is called. */
  public static String who(Caller caller) {
    return caller.isUser() ? "user " + caller.user() : "an unauthenticated caller";
  }

  /** {@code bits} as three octal digits: "644", "007". */
  public static String octal(int bits) {
    return FileEntry.octal(bits & 0777);
  }

  /**
   * Parses a mode of three or four octal digits ("644", "0755"); a fourth digit must be 0 (no
   * setuid, setgid or sticky bit).
   *
   * @throws IllegalArgumentException naming the value and what is expected
   */
  public static int parseOctal(String mode) {
    if (!mode.matches("[0-7]{3,4}")) {
      throw new IllegalArgumentException("mode '" + mode
          + "' is not 3 or 4 octal digits (e.g. 644 or 0755)");
    }
    if (mode.length() == 4 && mode.charAt(0) != '0') {
      throw new IllegalArgumentException("mode '" + mode
          + "' sets setuid, setgid or sticky bits, which Granary does not support (use 3 digits)");
    }
    return Integer.parseInt(mode, 8);
  }
}
