package dev.baton.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MultiMapConfig;
import dev.baton.config.BatonConfig;
import io.vertx.core.VertxOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Hazelcast configuration Baton builds: TCP-IP only, bound where configured, nothing phoning home. */
class ClusteringTest {
  private static final BatonConfig.Cluster CLUSTER = new BatonConfig.Cluster(true, "10.1.2.3", 6701, 6801,
      List.of("10.1.2.4:6701", "10.1.2.5:6702"), "staging");

  @Test
  void discoveryIsTcpIpOnlyWithTheConfiguredMembers() {
    Config c = Clustering.hazelcastConfig(CLUSTER);
    JoinConfig join = c.getNetworkConfig().getJoin();
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getAutoDetectionConfig().isEnabled());
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of("10.1.2.4:6701", "10.1.2.5:6702"), join.getTcpIpConfig().getMembers());
    assertEquals("staging", c.getClusterName());
    assertEquals(6701, c.getNetworkConfig().getPort());
  }

  @Test
  void bindsToTheConfiguredAddressAndNeverPhonesHome() {
    Config c = Clustering.hazelcastConfig(CLUSTER);
    assertEquals("false", c.getProperty("hazelcast.phone.home.enabled"));
    assertEquals("false", c.getProperty("hazelcast.shutdownhook.enabled"));
    assertEquals("10.1.2.3", c.getProperty("hazelcast.local.localAddress"));
    assertEquals("false", c.getProperty("hazelcast.socket.bind.any"));
    assertFalse(c.getNetworkConfig().getRestApiConfig().isEnabled());
  }

  @Test
  void declaresVertxStructuresLikeItsDefaultClusterXml() {
    Config c = Clustering.hazelcastConfig(CLUSTER);
    MultiMapConfig subs = c.getMultiMapConfigs().get("__vertx.subs");
    assertNotNull(subs);
    assertEquals(MultiMapConfig.ValueCollectionType.SET, subs.getValueCollectionType());
    assertEquals(1, subs.getBackupCount());
    assertNotNull(c.getMapConfigs().get("__vertx.haInfo"));
    assertNotNull(c.getMapConfigs().get("__vertx.nodeInfo"));
  }

  @Test
  void eventBusBindsToTheClusterHost() {
    VertxOptions o = Clustering.withEventBus(new VertxOptions(), CLUSTER);
    assertEquals("10.1.2.3", o.getEventBusOptions().getHost());
    assertEquals("10.1.2.3", o.getEventBusOptions().getClusterPublicHost());
    assertEquals(6801, o.getEventBusOptions().getPort());
  }
}
