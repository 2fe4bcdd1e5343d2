package dev.granary.it;

import static dev.granary.it.RestClient.json;
import static dev.granary.it.RestClient.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.cli.LocalCluster;
import dev.granary.config.MasterConfig;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The REST API of a cluster with {@code security: none}: plain HTTP, no token needed (a Bearer
 * header is ignored), every caller the superuser.
 */
class RestApiUnsecuredTest {
  private MiniCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void plainHttpWithoutATokenActsAsTheSuperuser() throws Exception {
    cluster = MiniCluster.start(LocalCluster.Settings.defaults().withChunkservers(2)
        .withSecurity(MasterConfig.NONE).withHttp(true).withChunkSize(1 << 20));
    String url = cluster.cluster().master().http().url();
    assertTrue(url.startsWith("http://"), url);
    RestClient rest = new RestClient(url, null, null);
    byte[] data = "no security here".getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> put = rest.put("/open/a.txt", data, false);
    assertEquals(201, put.statusCode(), text(put));
    assertArrayEquals(data, rest.get("files", "/open/a.txt").body());
    assertArrayEquals(data, rest.as("anything", null).get("files", "/open/a.txt").body());
    assertEquals(1, json(rest.get("list", "/open")).size());
    assertEquals(2, json(rest.get("cluster", "")).get("chunkservers").size());
    assertEquals(404, rest.get("stat", "/nope").statusCode());
  }
}
