export { MASTER_NAME, startSentinelFixture, type SentinelFixture, type SentinelProcess } from '../../stack/ephemeral-sentinel';
