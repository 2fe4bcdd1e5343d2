package dev.granary.hadoop;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.DeniedException;
import dev.granary.client.GranaryException;
import dev.granary.client.GranaryIOException;
import dev.granary.client.IntegrityException;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NotFoundException;
import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.PathIsDirectoryException;
import org.apache.hadoop.fs.PathIsNotEmptyDirectoryException;
import org.apache.hadoop.security.AccessControlException;

/**
 * Maps each typed Granary failure onto the exception Hadoop's file system specification names for
 * it, keeping Granary's one-line message and the original as the cause. Callers catch the specific
 * Hadoop types ({@link FileNotFoundException} above all), so the mapping is the contract.
 */
final class Errors {
  private Errors() {}

  /**
   * The Hadoop exception for {@code e}, a failure of an operation on {@code path}. Hadoop's
   * path exceptions word their own message around the path ({@code `/a': Is a directory}); the
   * others keep Granary's.
   */
  static IOException translate(GranaryException e, String path) {
    String msg = e.getMessage();
    IOException out;
    if (e instanceof NotFoundException) {
      out = new FileNotFoundException(msg);
    } else if (e instanceof AlreadyExistsException) {
      out = new FileAlreadyExistsException(msg);
    } else if (e instanceof DeniedException) {
      out = new AccessControlException(msg);
    } else if (e instanceof IntegrityException) {
      // The client has already tried every replica; the position is not known here.
      out = new ChecksumException(msg, -1);
    } else if (e instanceof InvalidArgumentException ia) {
      out = switch (ia.kind()) {
        case NOT_EMPTY -> new PathIsNotEmptyDirectoryException(path);
        case NOT_A_DIRECTORY -> new ParentNotDirectoryException(msg);
        case IS_A_DIRECTORY -> new PathIsDirectoryException(path);
        case INVALID, TOO_LARGE -> new IOException(msg);
      };
    } else {
      out = new IOException(msg);
    }
    if (out.getCause() == null) {
      out.initCause(e);
    }
    return out;
  }

  /**
   * As {@link #translate(GranaryException, String)} for an operation that only looks a path up
   * (status, listing, open, delete): in Hadoop's model nothing exists below a file, so a path
   * whose ancestor is a file is a {@link FileNotFoundException}, where Granary, like POSIX, says
   * "not a directory".
   */
  static IOException translateLookup(GranaryException e, String path) {
    if (isUnderFile(e)) {
      FileNotFoundException out = new FileNotFoundException(e.getMessage());
      out.initCause(e);
      return out;
    }
    return translate(e, path);
  }

  /** Whether {@code e} says an ancestor of the path is a file. */
  static boolean isUnderFile(GranaryException e) {
    return e instanceof InvalidArgumentException ia
        && ia.kind() == InvalidArgumentException.Kind.NOT_A_DIRECTORY;
  }

  /**
   * The Hadoop exception for a stream's failure: a {@link GranaryIOException} becomes the mapping
   * of its typed cause; any other {@link IOException} is returned as it is.
   */
  static IOException translate(IOException e, String path) {
    if (e instanceof GranaryIOException g) {
      return translate(g.granaryCause(), path);
    }
    return e;
  }
}
