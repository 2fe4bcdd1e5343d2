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
import dev.granary.client.UploadResult;
import dev.granary.client.WriteOptions;
import dev.granary.wire.Compression;
import dev.granary.wire.Limits;
import dev.granary.wire.Sha256;
import dev.granary.wire.msg.ChunkLocation;
import dev.granary.wire.msg.ChunkMatchRequest;
import dev.granary.wire.msg.ChunkMatchResponse;
import dev.granary.wire.msg.CommitChunk;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.LookupResponse;
import dev.granary.wire.msg.ServerDefaultsRequest;
import dev.granary.wire.msg.ServerDefaultsResponse;
import dev.granary.wire.msg.WriteCheckRequest;
import dev.granary.wire.msg.WriteCheckResponse;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger log = LoggerFactory.getLogger(Transfers.class);
  private volatile ServerDefaultsResponse serverDefaults;
  private final PolicyCache policies;

  Transfers(ClientContext ctx, BlockFetcher fetcher, Cleaner cleaner) {
    this.ctx = ctx;
    this.fetcher = fetcher;
    this.cleaner = cleaner;
    this.policies = new PolicyCache(ctx, System::nanoTime);
  }

  // ---------------------------------------------------------------- writing

  GranaryOutputStream create(String path, WriteOptions options)
      throws GranaryException {
    String p = DefaultGranaryClient.remote(path);
    WriteOptions resolved = resolve(options);
    // The codec is chosen when the first chunk is stored (or at close): a small file's stream then
    // asks the master nothing before its commit unless its directory's policy is not cached.
    FileUpload upload = new FileUpload(ctx, p, resolved, new Progress(TransferListener.NONE),
        () -> codecFor(p, resolved, policies.get(p)));
    return new UploadStream(upload, resolved.chunkSize(), PooledByteBufAllocator.DEFAULT,
        e -> { }, () -> checkWritable(p, resolved));
  }

  /**
   * How a new file at {@code p} is stored: {@code options}' compression, else the policy's; and
   * encrypted if {@code options} or the policy say so, with this client's key. Null: plain.
   *
   * @throws DeniedException encryption is asked for and this client has no key
   */
  private FileCodec codecFor(String p, WriteOptions options, WriteCheckResponse policy)
      throws DeniedException {
    Compression c = options.compression() != null
        ? Compression.valueOf(options.compression().name()) : policy.compression();
    boolean encrypt = options.encrypt() || policy.encrypt();
    if (encrypt && ctx.key() == null) {
      throw new DeniedException(p + ": " + (options.encrypt() ? "encrypting"
          : "its directory's policy encrypts new files; writing there") + " needs a key file"
          + " (--key-file, GRANARY_KEY_FILE or client.keyFile; make one with granary key new)");
    }
    return FileCodec.forWrite(c, encrypt ? ctx.key() : null);
  }

  UploadResult put(Path local, String remote, WriteOptions options,
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
    WriteCheckResponse check = writeCheck(p, options);
    FileEntry existing = check.existing();
    FileCodec codec = codecFor(p, options, check);
    try (FileChannel in = FileChannel.open(local, StandardOpenOption.READ)) {
      long size = in.size();
      long cs = options.chunkSize();
      int chunks = (int) ((size + cs - 1) / cs);
      // With the cluster's deduplication, ask the master which chunks it holds among the
      // caller's (the file is hashed first). Replacing a file, hash each chunk just before it
      // would be sent and name it instead when the current contents hold it: hashing the next
      // chunks overlaps sending a changed one (a delta update).
      // Not for encrypted files: a fresh data key per file means their chunks never match (and
      // a match would tell whoever sees the digests which files are equal). Deduplication
      // matches raw chunks, so only plain files; a delta update matches a compressed file's
      // records, which lz4 and zstd make the same for the same bytes.
      Map<Integer, CommitChunk> held = Map.of();
      FileUpload.HeldChunks current = null;
      boolean encrypted = codec != null && codec.encrypted();
      if (chunks > 0 && codec == null && defaults().dedup()) {
        List<Sha256> digests = ChunkDigests.of(in, size, cs, ctx.workers(), ctx.parallelism());
        held = held(p, size, cs, digests);
      } else if (chunks > 0 && !encrypted && existing != null && existing.size() > 0) {
        current = currentChunks(p);
      }
      try {
        return upload(in, p, size, options, held, current, listener, codec);
      } catch (ChunkGoneException e) {
        // A chunk named as held was freed before the commit: send every chunk.
        log.info("{}: {}; sending every chunk", p, e.getMessage());
        return upload(in, p, size, options, Map.of(), null, listener, codec);
      }
    } catch (IOException e) {
      throw localFailure(local, e);
    }
  }

  /**
   * Writes {@code in} to {@code p}, naming the chunks in {@code held} instead of sending them and,
   * with {@code current}, each chunk the file there now holds (found once the chunk is hashed).
   */
  private UploadResult upload(FileChannel in, String p, long size, WriteOptions options,
      Map<Integer, CommitChunk> held, FileUpload.HeldChunks current, TransferListener listener,
      FileCodec codec) throws GranaryException {
    Progress progress = new Progress(listener);
    FileUpload upload = new FileUpload(ctx, p, options, progress, () -> codec);
    progress.start(size);
    long cs = options.chunkSize();
    int chunks = (int) ((size + cs - 1) / cs);
    try {
      for (int i = 0; i < chunks; i++) {
        long at = i * cs;
        long length = Math.min(cs, size - at);
        CommitChunk reused = held.get(i);
        if (reused != null) {
          upload.reuse(i, reused);
          continue;
        }
        upload.acquireSlot();
        FileRegionSource source = new FileRegionSource(in, at, length);
        boolean last = i == chunks - 1;
        if (current != null) {
          upload.submitUnlessHeld(i, source, () -> ChunkDigests.of(in, at, length), current,
              last);
        } else {
          upload.submit(i, source, last);
        }
      }
      FileEntry entry = upload.commit(chunks, size);
      progress.finish();
      int reusedCount = upload.chunksReused();
      return new UploadResult(DefaultGranaryClient.status(entry), upload.bytesSent(),
          chunks - reusedCount, reusedCount);
    } finally {
      // Chunks still reading the file must finish before it is closed.
      upload.abortAndWait();
    }
  }

  /**
   * The chunks of the file at {@code p} now, by length and SHA-256, as a commit names them (no
   * replicas; the master fills in their version and digest); null if the caller may not read it
   * or it has none with a known SHA-256.
   */
  private FileUpload.HeldChunks currentChunks(String p) throws GranaryException {
    Map<String, CommitChunk> byContent = new HashMap<>();
    try {
      int next = 0;
      FileEntry entry;
      do {
        LookupResponse r = ctx.locations().lookup(p, next, true);
        entry = r.file();
        if (r.chunks().isEmpty()) {
          break;
        }
        for (ChunkLocation c : r.chunks()) {
          if (!c.sha256().isNone()) {
            byContent.putIfAbsent(c.length() + ":" + c.sha256().hex(), new CommitChunk(
                c.handle(), c.version(), c.length(), 0, List.of(), c.sha256()));
          }
          next = c.index() + 1;
        }
      } while (next < entry.chunkCount());
    } catch (DeniedException | NotFoundException e) {
      return null; // not readable, or gone meanwhile: send every chunk
    }
    if (byContent.isEmpty()) {
      return null;
    }
    return (index, length, sha) -> byContent.get(length + ":" + sha.hex());
  }

  /**
   * The chunks of the new contents the master already holds for {@code p}, by index, as the
   * commit names them (no replicas), asked in batches of {@link Limits#MAX_MATCH_CHUNKS}.
   */
  private Map<Integer, CommitChunk> held(String p, long size, long cs, List<Sha256> digests)
      throws GranaryException {
    Map<Integer, CommitChunk> out = new HashMap<>();
    for (int first = 0; first < digests.size(); first += Limits.MAX_MATCH_CHUNKS) {
      int end = Math.min(digests.size(), first + Limits.MAX_MATCH_CHUNKS);
      List<ChunkMatchRequest.ChunkDigest> batch = new ArrayList<>(end - first);
      for (int i = first; i < end; i++) {
        batch.add(new ChunkMatchRequest.ChunkDigest(Math.min(cs, size - i * cs),
            digests.get(i)));
      }
      ChunkMatchResponse r = ctx.master().call(new ChunkMatchRequest(p, first, batch),
          ChunkMatchResponse.class, p);
      for (ChunkMatchResponse.ChunkMatch m : r.matches()) {
        int i = m.index();
        if (i < first || i >= end || m.length() != Math.min(cs, size - (long) i * cs)) {
          throw new InternalException(p + ": the master matched chunk " + i
              + " outside what was asked", null);
        }
        out.put(i, new CommitChunk(m.handle(), m.version(), m.length(), m.digest(), List.of(),
            digests.get(i)));
      }
    }
    return out;
  }

  /** The cluster's default replication and chunk size, without overwrite. */
  WriteOptions clusterDefaults() throws GranaryException {
    return resolve(WriteOptions.defaults()).withReplication(defaults().replication());
  }

  /**
   * Fills in the cluster's default for a zero chunk size. A zero replication stays: the master
   * chooses it for the file's path (its directory's policy, else the cluster's default).
   */
  private WriteOptions resolve(WriteOptions options) throws GranaryException {
    if (options.chunkSize() != WriteOptions.CLUSTER_DEFAULT_CHUNK_SIZE) {
      return options;
    }
    ServerDefaultsResponse d = defaults();
    WriteOptions r = options;
    if (r.chunkSize() == WriteOptions.CLUSTER_DEFAULT_CHUNK_SIZE) {
      r = r.withChunkSize(d.chunkSize());
    }
    return r;
  }

  /** The master's defaults, asked once per client. */
  private ServerDefaultsResponse defaults() throws GranaryException {
    ServerDefaultsResponse d = serverDefaults;
    if (d == null) {
      d = ctx.master().call(new ServerDefaultsRequest(), ServerDefaultsResponse.class,
          "cluster defaults");
      serverDefaults = d;
    }
    return d;
  }

  /** The file at {@code path} that the write would replace, or null; refuses what it may not. */
  private FileEntry checkWritable(String path, WriteOptions options) throws GranaryException {
    return writeCheck(path, options).existing();
  }

  /**
   * What is at {@code path} and how its directory's policy stores new files (remembered for
   * {@link PolicyCache#TTL_NANOS}); refuses a write that may not replace what is there.
   */
  private WriteCheckResponse writeCheck(String path, WriteOptions options)
      throws GranaryException {
    WriteCheckResponse r = ctx.master().call(new WriteCheckRequest(path),
        WriteCheckResponse.class, path);
    policies.put(path, r);
    FileEntry existing = r.existing();
    if (existing == null) {
      return r;
    }
    if (existing.directory()) {
      throw new InvalidArgumentException(InvalidArgumentException.Kind.IS_A_DIRECTORY,
          path + ": is a directory", null);
    }
    if (!options.overwrite()) {
      throw new AlreadyExistsException(path + ": file exists (use overwrite to replace it)");
    }
    return r;
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
    FileCodec codec = FileCodec.forRead(first.file().encoding(), ctx.key(), path);
    return new FileReader(ctx, fetcher, path, version, first, cleaner, codec);
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
