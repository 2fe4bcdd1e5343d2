package dev.granary.master.net;

import dev.granary.master.security.UserRegistry;

/**
 * What the master remembers about one client connection between requests: the user it
 * authenticated as, or null. Set by {@link AuthenticateHandler}, read by the
 * {@link RequestDispatcher} on every request (a volatile read: requests of one connection may be
 * answered on other threads).
 */
public final class Session {
  private volatile UserRegistry.User user;

  /** The user this connection authenticated as, or null. */
  public UserRegistry.User user() {
    return user;
  }

  /** Binds the connection to {@code u} (null: to no one). */
  public void bind(UserRegistry.User u) {
    this.user = u;
  }
}
