package dev.granary.master.security;

import dev.granary.master.namespace.MetadataException;
import dev.granary.wire.Status;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The cluster's users: name, group, superuser flag, the SHA-256 of the token and whether it was
 * revoked. Part of the metadata image: changed only by applying {@code UserAdd}/{@code UserRevoke}
 * records (under the metadata write lock, for a request or a replay), saved in checkpoints.
 *
 * <p>Reads take no lock: each user is an immutable {@link User} in a concurrent map, so the check a
 * secured master makes on every request of an authenticated connection ({@link #current}) is one
 * map lookup and a 32-byte comparison, never a hash. A revoked user stays in the registry, so a
 * revoked name can be added again with a new token while connections holding the old one stay
 * refused.
 */
public final class UserRegistry {
  /** Longest user or group name. */
  public static final int MAX_NAME = 64;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._][A-Za-z0-9._-]{0,63}");

  /** One user as recorded. {@code tokenHash} is never shown. */
  public record User(String name, String group, boolean superuser, byte[] tokenHash,
      boolean revoked) {
    /** The caller this user's requests act as. */
    public Caller caller() {
      return new Caller(name, group, superuser);
    }

    /** Never shows the hash. */
    @Override
    public String toString() {
      return "User[" + name + ", group " + group + (superuser ? ", superuser" : "")
          + (revoked ? ", revoked" : "") + "]";
    }
  }

  private final Map<String, User> users = new ConcurrentHashMap<>();

  /**
   * Checks a user or group name: 1 to {@value #MAX_NAME} characters of {@code [A-Za-z0-9._-]}, not
   * starting with {@code -}.
   *
   * @param what "user" or "group", for the message
   * @throws MetadataException INVALID_ARGUMENT naming the value and the rule
   */
  public static void checkName(String what, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "invalid " + what + " name '" + name
          + "': expected 1 to " + MAX_NAME + " characters of A-Z a-z 0-9 . _ -, not starting "
          + "with -");
    }
  }

  /**
   * Adds user {@code name} (validated), or gives a revoked one a new token, group and flag.
   *
   * @throws MetadataException INVALID_ARGUMENT for a bad name or group, ALREADY_EXISTS if the
   *     name is an active user; nothing changes then
   */
  public void add(String name, String group, boolean superuser, byte[] tokenHash) {
    checkName("user", name);
    checkName("group", group);
    if (tokenHash.length != Tokens.HASH_BYTES) {
      throw new IllegalArgumentException("token hash of " + name + " has " + tokenHash.length
          + " bytes");
    }
    User old = users.get(name);
    if (old != null && !old.revoked()) {
      throw new MetadataException(Status.ALREADY_EXISTS, "user " + name + " already exists; "
          + "revoke it first to give it new credentials");
    }
    users.put(name, new User(name, group, superuser, tokenHash.clone(), false));
  }

  /**
   * Revokes {@code name}: its token fails from now on.
   *
   * @throws MetadataException INVALID_ARGUMENT for the superuser {@code admin}, NOT_FOUND for a
   *     name that is not an active user; nothing changes then
   */
  public void revoke(String name) {
    if (name.equals(Caller.ADMIN)) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "the superuser cannot be revoked; "
          + "rotate by adding another superuser");
    }
    User u = users.get(name);
    if (u == null || u.revoked()) {
      throw new MetadataException(Status.NOT_FOUND, "no user " + name
          + (u == null ? "" : " (already revoked)"));
    }
    users.put(name, new User(u.name(), u.group(), u.superuser(), u.tokenHash(), true));
  }

  /**
   * The user {@code name} proves to be with {@code token}: null if the name is unknown or revoked
   * or the token is not its own (compared in constant time).
   */
  public User authenticate(String name, String token) {
    User u = users.get(name);
    if (u == null || u.revoked() || !Tokens.matches(token, u.tokenHash())) {
      return null;
    }
    return u;
  }

  /**
   * The active user whose token is {@code token}, or null if none is (unknown, or revoked). For a
   * caller that holds only a token (a REST client's Bearer token): tokens are 256-bit random, so
   * no two users share one. The token is hashed once and compared with every user's hash in
   * constant time, without stopping at a match, so the timing tells nothing about the token.
   */
  public User authenticateToken(String token) {
    byte[] hash = Tokens.hash(token);
    User found = null;
    for (User u : users.values()) {
      if (MessageDigest.isEqual(hash, u.tokenHash()) && !u.revoked()) {
        found = u;
      }
    }
    return found;
  }

  /**
   * The caller an authenticated connection acts as now: null if {@code bound} was revoked since,
   * or its name was given another token. A map lookup and a comparison, for every request.
   */
  public Caller current(User bound) {
    User u = users.get(bound.name());
    if (u == null || u.revoked() || !MessageDigest.isEqual(u.tokenHash(), bound.tokenHash())) {
      return null;
    }
    return u.caller();
  }

  /** User {@code name} as recorded (revoked or not), or null if it was never added. */
  public User get(String name) {
    return users.get(name);
  }

  /** Whether a user of this name was ever added (revoked or not). */
  public boolean contains(String name) {
    return users.containsKey(name);
  }

  /** Every user (revoked ones too), by name: for checkpoints. */
  public List<User> all() {
    List<User> out = new ArrayList<>(users.values());
    out.sort(Comparator.comparing(User::name));
    return out;
  }

  /** Puts a user as a checkpoint recorded it (no rule is checked: it held when written). */
  public void load(User u) {
    users.put(u.name(), u);
  }

  /** Makes this registry hold exactly what {@code durable} holds (undoing records never logged). */
  public void restore(UserRegistry durable) {
    users.keySet().retainAll(durable.users.keySet());
    users.putAll(durable.users);
  }
}
