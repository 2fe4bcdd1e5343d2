package dev.granary.chunkserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Status;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.net.RemoteException;
import dev.granary.wire.net.Transports;
import dev.granary.wire.security.ChunkAccess;
import dev.granary.wire.security.ChunkToken;
import dev.granary.wire.security.TokenCheck;
import dev.granary.wire.security.TokenKey;
import dev.granary.wire.security.TokenKeys;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real chunkservers on loopback under a fake master that requires chunk access tokens: every
 * read, write, pipeline hop and copy is checked against the master's keys.
 */
class ChunkTokenTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int READ = ChunkAccess.bits(ChunkAccess.READ);
  private static final int WRITE = ChunkAccess.bits(ChunkAccess.WRITE);

  @TempDir Path tmp;
  private final SecureRandom random = new SecureRandom();
  private final long farFuture = System.currentTimeMillis() + 3_600_000;
  private final TokenKey key = TokenKey.generate(11, farFuture, random);
  private EventLoopGroup group;
  private FakeMaster master;
  private final List<ChunkServer> servers = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void setUp() {
    group = Transports.eventLoopGroup(2, "test-client");
    master = new FakeMaster(group, 50);
    master.tokenKeys(new TokenKeys(true, List.of(key)));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    servers.forEach(ChunkServer::close);
    master.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private ChunkServer start(String name) throws Exception {
    return start(name, master);
  }

  private ChunkServer start(String name, FakeMaster of) throws Exception {
    ChunkServer cs = new ChunkServer(TestData.config(tmp.resolve(name), of.address()));
    servers.add(cs);
    cs.start();
    return cs;
  }

  private ChunkServer startWithKeys(String name) throws Exception {
    ChunkServer cs = start(name);
    Poll.until(name + " holds the master's keys", WAIT, () -> cs.tokens().hasKeys(),
        master::dump);
    return cs;
  }

  private TestChunkClient client(ChunkServer cs) throws Exception {
    TestChunkClient c = TestChunkClient.connect(group, cs.port());
    closeables.add(c);
    return c;
  }

  private static NodeAddress addr(ChunkServer cs) {
    return new NodeAddress(cs.nodeId(), "127.0.0.1", cs.port());
  }

  private ChunkToken token(long handle, int access) {
    return ChunkToken.sign(key, handle, access, "alice", farFuture);
  }

  /** The TOKEN_INVALID refusal {@code call} fails with; its detail is the reason. */
  private static TokenCheck.Reason refusal(ThrowingCall call) {
    Throwable t = assertThrows(Exception.class, call::run);
    while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    assertTrue(t instanceof RemoteException, t.toString());
    RemoteException r = (RemoteException) t;
    assertEquals(Status.TOKEN_INVALID, r.status(), r.getMessage());
    return TokenCheck.Reason.fromCode(r.detail());
  }

  private interface ThrowingCall {
    void run() throws Exception;
  }

  private boolean stored(ChunkServer cs, long handle) {
    return cs.store().get(handle) != null;
  }

  @Test
  void readsNeedAValidReadTokenForTheirChunk() throws Exception {
    ChunkServer cs = startWithKeys("cs0");
    byte[] data = TestData.bytes(200_000, 1);
    TestChunkClient c = client(cs);
    c.open(5, 1, data, List.of(), token(5, WRITE)).finish();

    assertEquals(TokenCheck.Reason.MISSING, refusal(() -> c.read(5, 1, 0, data.length)));
    ChunkToken expired = ChunkToken.sign(key, 5, READ, "alice",
        System.currentTimeMillis() - 1);
    assertEquals(TokenCheck.Reason.EXPIRED,
        refusal(() -> c.read(5, 1, 0, data.length, expired)));
    assertEquals(TokenCheck.Reason.WRONG_CHUNK,
        refusal(() -> c.read(5, 1, 0, data.length, token(6, READ))));
    ChunkToken valid = token(5, READ);
    byte[] mac = valid.mac();
    mac[0] ^= 0x40;
    ChunkToken forged = new ChunkToken(5, READ, "alice", farFuture, key.id(), mac);
    assertEquals(TokenCheck.Reason.BAD_MAC,
        refusal(() -> c.read(5, 1, 0, data.length, forged)));
    TokenKey unknown = TokenKey.generate(12, farFuture, random);
    assertEquals(TokenCheck.Reason.UNKNOWN_KEY, refusal(() -> c.read(5, 1, 0, data.length,
        ChunkToken.sign(unknown, 5, READ, "alice", farFuture))));
    assertEquals(TokenCheck.Reason.WRONG_ACCESS,
        refusal(() -> c.read(5, 1, 0, data.length, token(5, WRITE))));

    assertArrayEquals(data, c.read(5, 1, 0, data.length, valid));
    assertTrue(cs.tokens().refusals() >= 6);
  }

  @Test
  void aWriteWithoutAWriteTokenForItsHandleStoresNothing() throws Exception {
    ChunkServer cs = startWithKeys("cs0");
    byte[] data = TestData.bytes(300_000, 2);
    TestChunkClient c = client(cs);
    assertEquals(TokenCheck.Reason.MISSING,
        refusal(() -> c.open(7, 1, data, List.of()).finish()));
    assertEquals(TokenCheck.Reason.WRONG_ACCESS,
        refusal(() -> c.open(7, 1, data, List.of(), token(7, READ)).finish()));
    assertEquals(TokenCheck.Reason.WRONG_CHUNK,
        refusal(() -> c.open(7, 1, data, List.of(), token(8, WRITE)).finish()));
    // The connection still serves: a valid write after the refused ones succeeds.
    c.open(8, 1, data, List.of(), token(8, WRITE)).finish();
    assertFalse(stored(cs, 7), "a refused write stores nothing");
    assertTrue(stored(cs, 8));
    try (var files = Files.list(tmp.resolve("cs0").resolve("tmp"))) {
      assertEquals(0, files.count(), "no partial file of a refused write");
    }
  }

  @Test
  void everyPipelineHopChecksTheForwardedToken() throws Exception {
    // The tail takes its keys from a master of its own, so they can differ from the head's.
    FakeMaster tailMaster = new FakeMaster(group, 50);
    closeables.add(tailMaster);
    tailMaster.tokenKeys(new TokenKeys(true, List.of(key)));
    ChunkServer head = startWithKeys("cs0");
    ChunkServer tail = start("cs1", tailMaster);
    Poll.until("the tail holds the key", WAIT, () -> tail.tokens().hasKeys());
    byte[] data = TestData.bytes(150_000, 3);
    client(head).open(9, 1, data, List.of(addr(tail)), token(9, WRITE)).finish();
    assertArrayEquals(data, client(tail).read(9, 1, 0, data.length, token(9, READ)));

    // The tail no longer knows the key (as after a master restart the head has not heard of):
    // the head accepts the token, its forward is refused at the tail, and the write fails.
    TokenKey other = TokenKey.generate(13, farFuture, random);
    tailMaster.tokenKeys(new TokenKeys(true, List.of(other)));
    Poll.until("the tail drops the old key", WAIT, () -> tail.tokens().check(token(9, READ), 9,
        "test", ChunkAccess.READ) != null);
    assertThrows(Exception.class,
        () -> client(head).open(10, 1, data, List.of(addr(tail)), token(10, WRITE)).finish());
    assertFalse(stored(tail, 10));
    assertTrue(tail.tokens().refusals() >= 1);
  }

  @Test
  void copiesCarryTheMastersCopyToken() throws Exception {
    ChunkServer a = startWithKeys("cs0");
    ChunkServer b = startWithKeys("cs1");
    byte[] data = TestData.bytes(100_000, 4);
    client(a).open(20, 1, data, List.of(), token(20, WRITE)).finish();

    master.queue(a.nodeId(), new ChunkCommand(ChunkCommand.Kind.COPY, 20, 1, addr(b)));
    Poll.until("result of the copy without a token", WAIT, () -> master.results.size() == 1,
        master::dump);
    assertFalse(master.results.get(0).ok(), "a copy without a COPY token is refused");
    assertFalse(stored(b, 20));

    master.queue(a.nodeId(), new ChunkCommand(ChunkCommand.Kind.COPY, 20, 1, addr(b),
        token(20, ChunkAccess.bits(ChunkAccess.COPY))));
    Poll.until("result of the copy with a token", WAIT, () -> master.results.size() == 2,
        master::dump);
    assertTrue(master.results.get(1).ok(), master.results.get(1).message());
    assertArrayEquals(data, client(b).read(20, 1, 0, data.length, token(20, READ)));
  }

  @Test
  void aNodeThatOnceRequiredTokensKeepsRequiringThemAfterARestart() throws Exception {
    ChunkServer cs = startWithKeys("cs0");
    byte[] data = TestData.bytes(70_000, 5);
    client(cs).open(30, 1, data, List.of(), token(30, WRITE)).finish();
    assertTrue(Files.exists(tmp.resolve("cs0").resolve("tokens-required")));
    cs.close();
    servers.remove(cs);

    // A master (an impostor, or one restarted without security) that sends no keys and does
    // not require tokens: the node still refuses, for lack of keys.
    master.tokenKeys(TokenKeys.NONE);
    ChunkServer again = start("cs0");
    Poll.until("registered again", WAIT, () -> again.masterSession().isRegistered(),
        master::dump);
    assertTrue(again.tokens().required());
    TestChunkClient c = client(again);
    assertEquals(TokenCheck.Reason.MISSING, refusal(() -> c.read(30, 1, 0, data.length)));
    assertEquals(TokenCheck.Reason.NO_KEYS, refusal(() -> c.read(30, 1, 0, data.length,
        token(30, READ))));
    assertTrue(TokenCheck.Reason.NO_KEYS.retryable(), "clients retry until keys arrive");

    master.tokenKeys(new TokenKeys(true, List.of(key)));
    Poll.until("keys from the master", WAIT, () -> again.tokens().hasKeys(), master::dump);
    assertArrayEquals(data, c.read(30, 1, 0, data.length, token(30, READ)));
  }

  @Test
  void withoutTokensRequiredNothingIsChecked() throws Exception {
    master.tokenKeys(TokenKeys.NONE);
    ChunkServer cs = start("cs0");
    Poll.until("registered", WAIT, () -> cs.masterSession().isRegistered(), master::dump);
    assertFalse(cs.tokens().required());
    assertNull(cs.tokens().check(ChunkToken.NONE, 1, "test", ChunkAccess.WRITE));
    byte[] data = TestData.bytes(1000, 6);
    TestChunkClient c = client(cs);
    c.write(40, 1, data, List.of());
    assertArrayEquals(data, c.read(40, 1, 0, data.length));
    assertFalse(Files.exists(tmp.resolve("cs0").resolve("tokens-required")));
  }
}
