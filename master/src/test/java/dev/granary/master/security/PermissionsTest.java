package dev.granary.master.security;

import static dev.granary.master.security.Permissions.EXECUTE;
import static dev.granary.master.security.Permissions.READ;
import static dev.granary.master.security.Permissions.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PermissionsTest {
  private static final Caller ALICE = new Caller("alice", "staff", false);
  private static final Caller BOB = new Caller("bob", "staff", false);
  private static final Caller CAROL = new Caller("carol", "guests", false);
  private static final Caller ROOT = new Caller("admin", "admin", true);

  private static Caller caller(String name) {
    return switch (name) {
      case "alice" -> ALICE;
      case "bob" -> BOB;
      case "carol" -> CAROL;
      case "root" -> ROOT;
      case "nobody" -> Caller.NOBODY;
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static int access(String s) {
    int a = 0;
    for (char c : s.toCharArray()) {
      a |= c == 'r' ? READ : c == 'w' ? WRITE : c == 'x' ? EXECUTE : 0;
    }
    return a;
  }

  /** (caller, owner, group, mode, access) -> allowed; the files are alice's, group staff. */
  @ParameterizedTest(name = "{0} {4} on alice:staff {3} -> {5}")
  @CsvSource({
      "alice, alice, staff, 644, r,   true",
      "alice, alice, staff, 644, w,   true",
      "alice, alice, staff, 644, x,   false",
      "alice, alice, staff, 755, rwx, true",
      "bob,   alice, staff, 755, r,   true",
      "bob,   alice, staff, 755, w,   false",
      "bob,   alice, staff, 755, wx,  false",
      "bob,   alice, staff, 775, wx,  true",
      "bob,   alice, staff, 750, x,   true",
      "carol, alice, staff, 750, x,   false",
      "carol, alice, staff, 750, r,   false",
      "carol, alice, staff, 751, x,   true",
      "carol, alice, staff, 757, rwx, true",
      // The owner's bits apply to the owner even when the group or others may do more (POSIX).
      "alice, alice, staff, 077, r,   false",
      "alice, alice, staff, 477, w,   false",
      // The group's bits apply to a group member even when others may do more.
      "bob,   alice, staff, 707, r,   false",
      "carol, alice, staff, 700, r,   false",
      "root,  alice, staff, 000, rwx, true",
      "nobody, alice, staff, 755, r,  true",
      "nobody, alice, staff, 750, r,  false",
      "alice, alice, staff, 000, r,   false",
  })
  void table(String who, String owner, String group, String mode, String what, boolean allowed) {
    assertEquals(allowed, Permissions.allows(caller(who), owner, group, Integer.parseInt(mode, 8),
        access(what)));
  }

  @Test
  void denialIsOneLineNamingUserPathOwnerGroupAndMode() {
    assertEquals("permission denied: user bob may not write /a/b (owner alice, group staff, "
        + "mode 755)", Permissions.denial(BOB, Permissions.verb(WRITE | EXECUTE), "/a/b", "alice",
        "staff", 0755));
    assertEquals("traverse", Permissions.verb(EXECUTE));
    assertEquals("read", Permissions.verb(READ | EXECUTE));
    assertTrue(Permissions.denial(Caller.NOBODY, "read", "/f", "a", "b", 0).contains(
        "an unauthenticated caller may not read /f (owner a, group b, mode 000)"));
  }

  @Test
  void octalModesParseWithThreeOrFourDigitsAndNoSpecialBits() {
    assertEquals(0644, Permissions.parseOctal("644"));
    assertEquals(0755, Permissions.parseOctal("0755"));
    assertEquals(0, Permissions.parseOctal("000"));
    assertEquals("007", Permissions.octal(07));
    for (String bad : new String[] {"64", "6444x", "888", "rwx", "", "00644", "-644"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Permissions.parseOctal(bad));
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
    IllegalArgumentException sticky = assertThrows(IllegalArgumentException.class,
        () -> Permissions.parseOctal("1755"));
    assertTrue(sticky.getMessage().contains("sticky"), sticky.getMessage());
  }
}
