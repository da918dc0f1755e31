export { startEphemeralCluster as startRedisCluster, type RedisCluster } from '../../stack/ephemeral-cluster';
