package dev.granary.master.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.master.namespace.MetadataException;
import dev.granary.wire.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserRegistryTest {
  @Test
  void tokensAreThirtyTwoRandomBytesInBase64UrlWithoutPadding() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      String t = Tokens.generate();
      assertEquals(43, t.length(), t);
      assertTrue(t.matches("[A-Za-z0-9_-]+"), t);
      assertEquals(Tokens.BYTES, Base64.getUrlDecoder().decode(t).length);
      assertTrue(seen.add(t), "a token repeated");
    }
  }

  @Test
  void hashVerifiesOnlyItsOwnToken() {
    String t = Tokens.generate();
    byte[] h = Tokens.hash(t);
    assertEquals(Tokens.HASH_BYTES, h.length);
    assertTrue(Tokens.matches(t, h));
    assertFalse(Tokens.matches(t + "x", h));
    assertFalse(Tokens.matches(Tokens.generate(), h));
    assertArrayEquals(h, Tokens.fromHex(Tokens.toHex(h)));
    assertThrows(IllegalArgumentException.class, () -> Tokens.fromHex("zz"));
    assertThrows(IllegalArgumentException.class, () -> Tokens.fromHex("abcd"));
  }

  @Test
  void comparisonsAreConstantTime() throws Exception {
    // The compare must be MessageDigest.isEqual (constant time), never Arrays.equals or a loop
    // that stops at the first difference.
    for (String file : new String[] {"Tokens.java", "UserRegistry.java"}) {
      String src = Files.readString(Path.of("src/main/java/dev/granary/master/security", file));
      assertTrue(src.contains("MessageDigest.isEqual("), file);
      assertFalse(src.contains("Arrays.equals("), file);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "bob", "Bob.Smith_2", "x-y", ".hidden", "_", "0"})
  void validNames(String name) {
    UserRegistry.checkName("user", name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-bob", "bob smith", "bob/x", "böb", "a:b", "a@b",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
  void invalidNamesAreOneLineNamingTheValue(String name) {
    MetadataException e = assertThrows(MetadataException.class,
        () -> UserRegistry.checkName("group", name));
    assertEquals(Status.INVALID_ARGUMENT, e.status());
    assertEquals("invalid group name '" + name + "': expected 1 to 64 characters of A-Z a-z 0-9 "
        + ". _ -, not starting with -", e.getMessage());
  }

  @Test
  void sixtyFourCharactersIsTheLongestName() {
    UserRegistry.checkName("user", "a".repeat(64));
  }

  @Test
  void addRevokeReAdd() {
    UserRegistry users = new UserRegistry();
    String t1 = Tokens.generate();
    users.add("bob", "bob", false, Tokens.hash(t1));
    UserRegistry.User bob = users.authenticate("bob", t1);
    assertNotNull(bob);
    assertEquals(new Caller("bob", "bob", false), users.current(bob));
    assertNull(users.authenticate("bob", Tokens.generate()));
    assertNull(users.authenticate("nobody", t1));

    MetadataException exists = assertThrows(MetadataException.class,
        () -> users.add("bob", "x", true, Tokens.hash(Tokens.generate())));
    assertEquals(Status.ALREADY_EXISTS, exists.status());
    assertEquals("bob", users.get("bob").group(), "a refused add changed the user");

    users.revoke("bob");
    assertNull(users.authenticate("bob", t1));
    assertNull(users.current(bob), "a revoked user's connection still passes");
    assertEquals(Status.NOT_FOUND,
        assertThrows(MetadataException.class, () -> users.revoke("bob")).status());
    assertEquals(Status.NOT_FOUND,
        assertThrows(MetadataException.class, () -> users.revoke("carol")).status());

    String t2 = Tokens.generate();
    users.add("bob", "staff", true, Tokens.hash(t2));
    assertNull(users.current(bob), "a connection with the old token passes after a re-add");
    assertNull(users.authenticate("bob", t1));
    assertEquals(new Caller("bob", "staff", true), users.authenticate("bob", t2).caller());
  }

  @Test
  void aTokenAloneFindsItsActiveUser() {
    UserRegistry users = new UserRegistry();
    String bobToken = Tokens.generate();
    String carolToken = Tokens.generate();
    users.add("bob", "staff", false, Tokens.hash(bobToken));
    users.add("carol", "carol", true, Tokens.hash(carolToken));
    assertEquals(new Caller("bob", "staff", false), users.authenticateToken(bobToken).caller());
    assertEquals("carol", users.authenticateToken(carolToken).name());
    assertNull(users.authenticateToken(Tokens.generate()));
    assertNull(users.authenticateToken(""));
    assertNull(users.authenticateToken(bobToken + "x"));

    users.revoke("bob");
    assertNull(users.authenticateToken(bobToken), "a revoked token still finds its user");
    String again = Tokens.generate();
    users.add("bob", "bob", false, Tokens.hash(again));
    assertNull(users.authenticateToken(bobToken), "the old token finds the re-added user");
    assertEquals("bob", users.authenticateToken(again).name());
  }

  @Test
  void theSuperuserCannotBeRevoked() {
    UserRegistry users = new UserRegistry();
    users.add("admin", "admin", true, Tokens.hash(Tokens.generate()));
    MetadataException e = assertThrows(MetadataException.class, () -> users.revoke("admin"));
    assertEquals(Status.INVALID_ARGUMENT, e.status());
    assertEquals("the superuser cannot be revoked; rotate by adding another superuser",
        e.getMessage());
    assertFalse(users.get("admin").revoked());
  }

  @Test
  void restoreMakesTheRegistryWhatTheDurableOneHolds() {
    UserRegistry live = new UserRegistry();
    UserRegistry durable = new UserRegistry();
    byte[] h = Tokens.hash(Tokens.generate());
    durable.add("bob", "bob", false, h);
    live.add("bob", "bob", false, h);
    live.add("eve", "eve", true, Tokens.hash(Tokens.generate()));
    live.revoke("bob");
    live.restore(durable);
    assertFalse(live.contains("eve"));
    assertFalse(live.get("bob").revoked());
    assertNotEquals(0, live.all().size());
  }
}
