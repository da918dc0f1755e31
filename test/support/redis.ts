export { startEphemeralRedis as startRedis, type EphemeralRedis } from '../../stack/ephemeral-redis';
