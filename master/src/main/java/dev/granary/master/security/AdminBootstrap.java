package dev.granary.master.security;

import dev.granary.config.Credentials;
import dev.granary.master.journal.Op;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the superuser on a secured master that has none: on the first start of a new cluster
 * (or the first secured start of one that ran without security) it writes
 * {@code DATA_DIR/admin.credentials} (mode 0600) with a new token and the authority's certificate,
 * then records user {@code admin} (group {@code admin}, superuser) in the operation log.
 *
 * <p>The file is written first: a crash between the two leaves no admin in the log, so the next
 * start makes a new token and replaces the file. Once {@code admin} is in the log this does
 * nothing, even if the file was deleted since: the master cannot recover a token it only keeps the
 * hash of. Keep a copy of the file, or add another superuser with it first.
 */
public final class AdminBootstrap {
  private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
  /** The superuser's credentials file, in the master's data directory. */
  public static final String FILE = "admin.credentials";

  /** Logs an operation; the future completes once it is durable. */
  @FunctionalInterface
  public interface OpLog {
    CompletableFuture<Void> record(Op op);
  }

  private final Path dataDir;
  private final String caCertPem;
  private final String nodeId;

  /** {@code caCertPem}: the certificate of the cluster's authority, for the credentials file. */
  public AdminBootstrap(Path dataDir, String caCertPem, String nodeId) {
    this.dataDir = dataDir;
    this.caCertPem = caCertPem;
    this.nodeId = nodeId;
  }

  /**
   * Creates the superuser if the log has never had one; returns whether it did.
   *
   * @throws IOException if the credentials file or the log record cannot be written
   */
  public boolean ensureAdmin(UserRegistry users, OpLog opLog, Clock clock) throws IOException {
    if (users.contains(Caller.ADMIN)) {
      return false;
    }
    String token = Tokens.generate();
    Path file = dataDir.resolve(FILE);
    new Credentials(Caller.ADMIN, token, caCertPem).write(file, true);
    try {
      opLog.record(new Op.UserAdd(clock.millis(), Caller.ADMIN, Caller.ADMIN_GROUP, true,
          Tokens.hash(token))).get();
    } catch (ExecutionException e) {
      throw new IOException("cannot record user " + Caller.ADMIN + " in the operation log: "
          + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while recording user " + Caller.ADMIN, e);
    }
    log.info("{}: created the superuser {}: its credentials are in {} (mode 0600); keep a copy, "
        + "the master cannot make it again", nodeId, Caller.ADMIN, file);
    return true;
  }
}
