package dev.baton.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import dev.baton.config.BatonConfig;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Clustered mode: the Hazelcast configuration, built in code (no {@code cluster.xml} looked up on
 * the classpath), and the event-bus options that go with it. Used by {@code Main} when
 * {@code BATON_CLUSTER_ENABLED=true}, and usable as is by a Vert.x application in another JVM that
 * wants to join Baton's cluster (docs/cluster.md).
 */
public final class Clustering {
  private Clustering() {}

  /**
   * A Hazelcast member bound to {@code cluster.host()}, discovering the others by TCP-IP only.
   * Multicast, auto-detection and phone-home are off; Hazelcast's own shutdown hook is off too
   * (Baton leaves the cluster when it closes Vert.x, after draining). Heartbeats and join waits
   * are shorter than Hazelcast's defaults, so that members find each other, and notice a dead one,
   * within seconds.
   */
  public static Config hazelcastConfig(BatonConfig.Cluster cluster) {
    Config config = new Config();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "5");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    // no interface auto-selection: bind to, and announce, the configured address only
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    config.setProperty("hazelcast.socket.bind.any", "false");

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(true).setPortCount(20);
    network.getInterfaces().setEnabled(false);
    network.getRestApiConfig().setEnabled(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(5).setMembers(cluster.members());

    // what vertx-hazelcast's default-cluster.xml declares for its own structures
    config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return config;
  }

  /** A cluster manager for {@code Vertx.builder().withClusterManager(…)}. */
  public static HazelcastClusterManager clusterManager(BatonConfig.Cluster cluster) {
    return new HazelcastClusterManager(hazelcastConfig(cluster));
  }

  /** {@code options} with the clustered event bus bound to {@code cluster.host()} and its bus port. */
  public static VertxOptions withEventBus(VertxOptions options, BatonConfig.Cluster cluster) {
    EventBusOptions bus = options.getEventBusOptions();
    bus.setHost(cluster.host()).setPort(cluster.busPort()).setClusterPublicHost(cluster.host());
    return options;
  }
}
