package dev.granary.master.security;

import java.util.Objects;

/**
 * Who a request acts for: an authenticated user, its group, and whether it is a superuser (who
 * passes every permission check). Chunkservers act for no user: they are authorized by role, not by
 * permissions, and carry {@link #NOBODY}.
 */
public record Caller(String user, String group, boolean superuser) {
  /** The superuser's name: the holder of {@code admin.credentials}. */
  public static final String ADMIN = "admin";
  /** The superuser's group. */
  public static final String ADMIN_GROUP = "admin";
  /**
   * Every caller of a cluster with {@code security: none}: there are no identities, so everyone
   * is the superuser (the master says so in a WARN line at start).
   */
  public static final Caller UNSECURED = new Caller(ADMIN, ADMIN_GROUP, true);
  /** A peer that has not authenticated as a user (a chunkserver, or a client before AUTH). */
  public static final Caller NOBODY = new Caller("", "", false);

  public Caller {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(group, "group");
  }

  /** Whether this caller authenticated as a user. */
  public boolean isUser() {
    return !user.isEmpty();
  }
}
