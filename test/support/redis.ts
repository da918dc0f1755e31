export { startEphemeralRedis as startRedis, type EphemeralRedis } from '../../scripts/ephemeral-redis';
