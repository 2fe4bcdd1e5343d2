package dev.granary.client.internal;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.DeniedException;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryException;
import dev.granary.client.GranaryOutputStream;
import dev.granary.client.InternalException;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NotFoundException;
import dev.granary.client.TransferListener;
import dev.granary.client.WriteOptions;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.LookupResponse;
import dev.granary.wire.msg.ServerDefaultsRequest;
import dev.granary.wire.msg.ServerDefaultsResponse;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.StatResponse;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A client's file transfers: streams and channels over remote files, and whole-file copies between
 * local paths and Granary ({@link dev.granary.client.GranaryClient}'s {@code create}, {@code put},
 * {@code open}, {@code openChannel} and {@code get}, whose Javadoc is the contract).
 */
final class Transfers {
  private static final int COPY_BUFFER = 1 << 20;

  private final ClientContext ctx;
  private final BlockFetcher fetcher;
  /** Frees the read-ahead buffers of streams dropped without being closed. */
  private final Cleaner cleaner;
  /** The master's defaults, fetched on the first write that needs them. */
  private volatile ServerDefaultsResponse serverDefaults;

  Transfers(ClientContext ctx, BlockFetcher fetcher, Cleaner cleaner) {
    this.ctx = ctx;
    this.fetcher = fetcher;
    this.cleaner = cleaner;
  }

  // ---------------------------------------------------------------- writing

  GranaryOutputStream create(String path, WriteOptions options)
      throws GranaryException {
    String p = DefaultGranaryClient.remote(path);
    WriteOptions resolved = resolve(options);
    FileUpload upload = new FileUpload(ctx, p, resolved, new Progress(TransferListener.NONE));
    return new UploadStream(upload, resolved.chunkSize(), PooledByteBufAllocator.DEFAULT,
        e -> { }, () -> checkWritable(p, resolved));
  }

  FileStatus put(Path local, String remote, WriteOptions options,
      TransferListener listener) throws GranaryException {
    String p = DefaultGranaryClient.remote(remote);
    if (!Files.exists(local)) {
      throw new NotFoundException(local + ": no such file or directory");
    }
    if (Files.isDirectory(local)) {
      throw new InvalidArgumentException(InvalidArgumentException.Kind.IS_A_DIRECTORY,
          local + ": is a directory", null);
    }
    options = resolve(options);
    checkWritable(p, options);
    Progress progress = new Progress(listener);
    FileUpload upload = new FileUpload(ctx, p, options, progress);
    try (FileChannel in = FileChannel.open(local, StandardOpenOption.READ)) {
      long size = in.size();
      progress.start(size);
      long cs = options.chunkSize();
      int chunks = (int) ((size + cs - 1) / cs);
      try {
        for (int i = 0; i < chunks; i++) {
          upload.acquireSlot();
          long at = i * cs;
          upload.submit(i, new FileRegionSource(in, at, Math.min(cs, size - at)));
        }
        FileEntry entry = upload.commit(chunks);
        progress.finish();
        return DefaultGranaryClient.status(entry);
      } finally {
        // Chunks still reading the file must finish before it is closed.
        upload.abortAndWait();
      }
    } catch (IOException e) {
      throw localFailure(local, e);
    }
  }

  /** The cluster's default replication and chunk size, without overwrite. */
  WriteOptions clusterDefaults() throws GranaryException {
    WriteOptions d = resolve(WriteOptions.defaults());
    return d.withReplication(serverDefaults.replication());
  }

  /**
   * Fills in the cluster's default for a zero chunk size. A zero replication stays: the master
   * chooses it for the file's path (its directory's policy, else the cluster's default).
   */
  private WriteOptions resolve(WriteOptions options) throws GranaryException {
    if (options.chunkSize() != WriteOptions.CLUSTER_DEFAULT_CHUNK_SIZE) {
      return options;
    }
    ServerDefaultsResponse d = serverDefaults;
    if (d == null) {
      d = ctx.master().call(new ServerDefaultsRequest(), ServerDefaultsResponse.class,
          "cluster defaults");
      serverDefaults = d;
    }
    WriteOptions r = options;
    if (r.chunkSize() == WriteOptions.CLUSTER_DEFAULT_CHUNK_SIZE) {
      r = r.withChunkSize(d.chunkSize());
    }
    return r;
  }

  private void checkWritable(String path, WriteOptions options) throws GranaryException {
    FileEntry existing;
    try {
      existing = ctx.master().call(new StatRequest(path), StatResponse.class, path).entry();
    } catch (NotFoundException e) {
      return;
    }
    if (existing.directory()) {
      throw new InvalidArgumentException(InvalidArgumentException.Kind.IS_A_DIRECTORY,
          path + ": is a directory", null);
    }
    if (!options.overwrite()) {
      throw new AlreadyExistsException(path + ": file exists (use overwrite to replace it)");
    }
  }

  // ---------------------------------------------------------------- reading

  InputStream open(String path, long version) throws GranaryException {
    return new GranaryInputStream(reader(DefaultGranaryClient.remote(path), version));
  }

  SeekableByteChannel openChannel(String path, long version) throws GranaryException {
    return new GranaryChannel(reader(DefaultGranaryClient.remote(path), version));
  }

  private FileReader reader(String path, long version) throws GranaryException {
    if (version < 0) {
      throw new InvalidArgumentException(path + ": version " + version
          + " is negative (0 is the current contents, versions count from 1)");
    }
    LookupResponse first = ctx.locations().lookup(path, version, 0, false);
    if (first.file().directory()) {
      throw new InvalidArgumentException(InvalidArgumentException.Kind.IS_A_DIRECTORY,
          path + ": is a directory", null);
    }
    return new FileReader(ctx, fetcher, path, version, first, cleaner);
  }

  FileStatus get(String remote, long version, Path local, boolean overwrite,
      TransferListener listener) throws GranaryException {
    String p = DefaultGranaryClient.remote(remote);
    Path target = local.toAbsolutePath();
    if (Files.isDirectory(target)) {
      throw new InvalidArgumentException(InvalidArgumentException.Kind.IS_A_DIRECTORY,
          local + ": is a directory", null);
    }
    if (Files.exists(target) && !overwrite) {
      throw new AlreadyExistsException(local + ": file exists (use overwrite to replace it)");
    }
    Path dir = target.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new NotFoundException(dir + ": no such directory");
    }
    FileReader reader = reader(p, version);
    Progress progress = new Progress(listener);
    progress.start(reader.size());
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".granary-part");
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.allocate(COPY_BUFFER);
        long pos = 0;
        while (true) {
          buf.clear();
          int n = reader.read(pos, buf, true);
          if (n < 0) {
            break;
          }
          buf.flip();
          while (buf.hasRemaining()) {
            out.write(buf);
          }
          pos += n;
          progress.add(n);
        }
      }
      if (overwrite) {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      }
      tmp = null;
      progress.finish();
      return DefaultGranaryClient.status(reader.entry());
    } catch (IOException e) {
      throw localFailure(local, e);
    } finally {
      reader.close();
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Best effort: a leftover temp file is harmless and clearly named.
        }
      }
    }
  }

  private static GranaryException localFailure(Path local, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new NotFoundException(local + ": no such file or directory", e);
    }
    if (e instanceof FileAlreadyExistsException) {
      return new AlreadyExistsException(local + ": file exists", e);
    }
    if (e instanceof AccessDeniedException) {
      return new DeniedException(local + ": permission denied", e);
    }
    return new InternalException(local + ": " + e.getMessage(), e);
  }
}
