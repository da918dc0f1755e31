import { whenValue, type ConfigRule } from '../config-rule';
import { cfgEv, conf, confNum, infoEv, listensBeyondLoopback, passwordless, role, tlsEnabled } from '../config-values';

/**
 * Exposure: who can reach the server and what they can do. Not here because existing checks
 * cover them: no password with or without protected mode (security.authentication, which turns
 * critical when bound to all interfaces with protected-mode off), DEBUG enabled for everyone
 * (security.dangerous-commands). Not judgeable from the baseline: password strength (CONFIG GET
 * returns it redacted), who may run RESTORE (needs ACL DRYRUN per user), renamed commands (needs
 * COMMAND INFO), the TCP backlog against somaxconn (host fact).
 */

const WEAK_CIPHERS = /(^|[:\s,])(NULL|aNULL|eNULL|EXPORT|RC4|DES|3DES|MD5|LOW)([:\s,]|$)/;

export const exposureRules: ConfigRule[] = [
  {
    id: 'config.enable-module-command-open',
    directives: ['enable-module-command'],
    category: 'security',
    severity: 'warning',
    rationale: 'MODULE LOAD lets a client load any shared object into the server, i.e. run arbitrary code as the server\u2019s user.',
    when: whenValue(
      'enable-module-command',
      (v) => v === 'yes' || v === 'local',
      (v) => ({
        title: `enable-module-command ${v}: clients${v === 'local' ? ' on this host' : ''} can load native modules`,
        detail: `enable-module-command is ${v}${v === 'local' ? ' (loopback connections only)' : ''}.`,
        severity: v === 'yes' ? 'warning' : 'info',
      }),
    ),
    fix: {
      recommendation: 'Load modules from the config file only; the setting needs a restart.',
      commands: ['# in {conf}, then restart: enable-module-command no'],
    },
    source: 'redis/redis@7.0.15 redis.conf L121 ("Commands that can increase the attack surface of Redis and that aren\'t usually")',
    runbook: 'security-acl-hardening',
  },
  {
    id: 'config.enable-protected-configs-open',
    directives: ['enable-protected-configs'],
    category: 'security',
    severity: 'warning',
    rationale:
      'CONFIG SET of dir and dbfilename is then allowed from any connection: the classic way to make the server write an attacker-controlled file (cron entry, SSH key) anywhere it can write. (local, which limits it to loopback, is what test setups use.)',
    when: whenValue(
      'enable-protected-configs',
      (v) => v === 'yes',
      () => ({ title: 'enable-protected-configs yes: any client can move where the server writes files', detail: 'enable-protected-configs is yes.' }),
    ),
    fix: {
      recommendation: 'Disallow runtime changes of protected configs; the setting needs a restart.',
      commands: ['# in {conf}, then restart: enable-protected-configs no'],
    },
    source: 'redis/redis@7.0.15 redis.conf L117 ("Configuration directives that control files that Redis writes to (e.g., \'dir\'")',
    runbook: 'security-acl-hardening',
  },
  {
    id: 'config.protected-mode-off',
    directives: ['protected-mode'],
    category: 'security',
    severity: 'info',
    rationale: 'Harmless while a password is required; the moment the password is removed, remote clients get full access.',
    when: whenValue(
      'protected-mode',
      (v, b) => v === 'no' && passwordless(b) === false,
      () => ({
        title: 'protected-mode no (a password is set)',
        detail: 'protected-mode is no; authentication is configured, so it does not expose the server today.',
      }),
    ),
    fix: { recommendation: 'Keep protected mode on as a second line of defence.', commands: ['CONFIG SET protected-mode yes'] },
    source: 'redis/redis@7.0.15 redis.conf L111 ("protected-mode yes")',
    runbook: 'security-acl-hardening',
  },
  {
    id: 'config.dir-dbfilename-suspicious',
    directives: ['dir', 'dbfilename'],
    category: 'security',
    severity: 'critical',
    rationale:
      'Pointing the RDB at a path that is executed or trusted (cron, SSH authorized_keys, a web root, shared libraries) is the classic sign that someone abused CONFIG SET to plant a file: treat it as a compromise.',
    when(b) {
      const dir = conf(b, 'dir') ?? '';
      const file = conf(b, 'dbfilename') ?? '';
      const badDir = /^\/(etc|root|usr\/lib|var\/spool\/cron|var\/www)(\/|$)|\/\.ssh(\/|$)/.test(dir);
      const badFile = /^(authorized_keys|root|crontab)$|\.(so|php|sh)$/.test(file);
      if (!badDir && !badFile) return undefined;
      return {
        title: `Persistence pointed at ${dir}/${file}: possible compromise`,
        detail: `dir is ${dir} and dbfilename is ${file}.`,
        evidence: [cfgEv('dir', dir), cfgEv('dbfilename', file)],
      };
    },
    fix: {
      recommendation:
        'Isolate the instance, check ACL LOG and client addresses for who changed it, rotate credentials, remove any file written there, and restore dir and dbfilename in the config file (protected configs: restart).',
      commands: ['ACL LOG', 'CLIENT LIST', '# in {conf}, then restart: dir /var/lib/redis', '# in {conf}: dbfilename dump.rdb'],
    },
    source:
      'redis/redis@7.0.15 redis.conf L117 ("Configuration directives that control files that Redis writes to (e.g., \'dir\'"); research/config-audit.md config.dir-dbfilename-suspicious',
    runbook: 'security-acl-hardening',
  },
  {
    id: 'config.unixsocket-world-perm',
    directives: ['unixsocket', 'unixsocketperm'],
    category: 'security',
    severity: 'warning',
    rationale: 'Protected mode always trusts the Unix socket, so any local user can connect through it without a password.',
    when(b) {
      const socket = conf(b, 'unixsocket') ?? '';
      const perm = parseInt(conf(b, 'unixsocketperm') ?? '0', 8);
      if (!socket || (perm & 0o007) === 0 || passwordless(b) !== true) return undefined;
      return {
        title: `Unix socket ${socket} open to every local user (unixsocketperm ${perm.toString(8)}) with no password`,
        detail: `unixsocket is ${socket} with permissions ${perm.toString(8)} and no password is required.`,
        evidence: [cfgEv('unixsocket', socket), cfgEv('unixsocketperm', perm.toString(8))],
      };
    },
    fix: {
      recommendation: 'Restrict the socket to the owner and group, and require a password.',
      commands: ['# in {conf}, then restart: unixsocketperm 770', 'ACL SETUSER default on >long-random-password'],
    },
    source: 'redis/redis@7.0.15 redis.conf L156 ("unixsocketperm 700")',
    runbook: 'security-acl-hardening',
  },
  {
    id: 'config.tls-with-plaintext-port',
    directives: ['tls-port', 'port'],
    category: 'security',
    severity: 'warning',
    rationale: 'TLS is offered but the plaintext listener is still open, so clients (and their credentials) can bypass encryption.',
    when(b) {
      const tls = confNum(b, 'tls-port') ?? 0;
      const port = confNum(b, 'port') ?? 0;
      if (!tls || !port || !listensBeyondLoopback(b)) return undefined;
      return {
        title: `Plaintext port ${port} open next to TLS port ${tls}`,
        detail: `tls-port is ${tls} and port is ${port}, bound to ${conf(b, 'bind')}.`,
        evidence: [cfgEv('tls-port', tls), cfgEv('port', port), cfgEv('bind', conf(b, 'bind') ?? '')],
      };
    },
    fix: { recommendation: 'Close the plaintext port (or bind it to loopback only).', commands: ['CONFIG SET port 0'] },
    source: 'redis/redis@7.0.15 redis.conf L194 ("port 0")',
    runbook: 'security-acl-hardening',
  },
  {
    id: 'config.tls-weak-protocols',
    directives: ['tls-protocols'],
    category: 'security',
    severity: 'warning',
    rationale: 'TLS 1.0 and 1.1 are formally deprecated; allowing them widens the attack surface.',
    when: whenValue(
      'tls-protocols',
      (v, b) => tlsEnabled(b) && /(^|\s)TLSv1(\.1)?(\s|$)/i.test(v),
      (v) => ({ title: `tls-protocols "${v}" allows deprecated TLS versions`, detail: `tls-protocols is "${v}".` }),
    ),
    fix: { recommendation: 'Allow TLS 1.2 and 1.3 only.', commands: ['CONFIG SET tls-protocols "TLSv1.2 TLSv1.3"'] },
    source: 'redis/redis@7.0.15 redis.conf L261-L262 ("that older formally deprecated versions are kept disabled to reduce the attack surface.")',
  },
  {
    id: 'config.tls-weak-ciphers',
    directives: ['tls-ciphers'],
    category: 'security',
    severity: 'warning',
    rationale: 'Those suites give no or weak encryption or authentication.',
    when: whenValue(
      'tls-ciphers',
      (v, b) => tlsEnabled(b) && WEAK_CIPHERS.test(v),
      (v) => ({ title: `tls-ciphers "${v}" enables weak cipher suites`, detail: `tls-ciphers is "${v}".` }),
    ),
    fix: { recommendation: 'Use the OpenSSL defaults without medium-strength suites.', commands: ['CONFIG SET tls-ciphers "DEFAULT:!MEDIUM"'] },
    source: 'redis/redis@7.0.15 redis.conf L275 ("tls-ciphers DEFAULT")',
  },
  {
    id: 'config.tls-no-client-auth-no-password',
    directives: ['tls-auth-clients'],
    category: 'security',
    severity: 'warning',
    rationale: 'Without client certificates and without a password, any TLS client is fully authorised.',
    when: whenValue(
      'tls-auth-clients',
      (v, b) => tlsEnabled(b) && (v === 'no' || v === 'optional') && passwordless(b) === true,
      (v) => ({ title: `tls-auth-clients ${v} and no password: any TLS client gets in`, detail: `tls-auth-clients is ${v} and no password is required.` }),
    ),
    fix: { recommendation: 'Require client certificates or a password.', commands: ['CONFIG SET tls-auth-clients yes'] },
    source: 'redis/redis@7.0.15 redis.conf L239 ("By default, clients (including replica servers) on a TLS port are required")',
  },
  {
    id: 'config.tls-replication-plaintext',
    directives: ['tls-replication'],
    category: 'security',
    severity: 'warning',
    rationale: 'The whole dataset and every write cross the network unencrypted on the replication link.',
    when: whenValue(
      'tls-replication',
      (v, b) => tlsEnabled(b) && v === 'no' && (role(b) === 'replica' || (b.num('connected_slaves') ?? 0) > 0),
      () => ({ title: 'TLS is on but replication runs in plaintext', detail: 'tls-replication is no on a server that replicates.' }),
    ),
    fix: { recommendation: 'Replicate over TLS (the master must accept TLS).', commands: ['CONFIG SET tls-replication yes'] },
    source: 'redis/redis@7.0.15 redis.conf L254 ("tls-replication yes")',
  },
  {
    id: 'config.tls-cluster-plaintext',
    directives: ['tls-cluster'],
    category: 'security',
    severity: 'warning',
    rationale: 'Gossip and failover authorisation on the cluster bus then travel in clear text.',
    when: whenValue(
      'tls-cluster',
      (v, b) => tlsEnabled(b) && v === 'no' && conf(b, 'cluster-enabled') === 'yes',
      () => ({ title: 'TLS is on but the cluster bus runs in plaintext', detail: 'tls-cluster is no in a cluster.' }),
    ),
    fix: { recommendation: 'Enable TLS on the bus on every node in one coordinated change.', commands: ['CONFIG SET tls-cluster yes'] },
    source: 'redis/redis@7.0.15 redis.conf L259 ("tls-cluster yes")',
  },
  {
    id: 'config.tls-prefer-server-ciphers-off',
    directives: ['tls-prefer-server-ciphers'],
    category: 'security',
    severity: 'info',
    rationale: 'The client then picks the cipher, so weaker ones may be negotiated.',
    when: whenValue(
      'tls-prefer-server-ciphers',
      (v, b) => tlsEnabled(b) && v === 'no',
      () => ({ title: 'tls-prefer-server-ciphers no', detail: 'Clients choose the TLS cipher.' }),
    ),
    fix: { recommendation: 'Prefer the server\u2019s cipher order.', commands: ['CONFIG SET tls-prefer-server-ciphers yes'] },
    source: 'redis/redis@7.0.15 redis.conf L286 ("tls-prefer-server-ciphers yes")',
  },
  {
    id: 'config.tls-session-caching-off',
    directives: ['tls-session-caching', 'tls-session-cache-size'],
    category: 'connections',
    severity: 'info',
    rationale: 'Every reconnect then pays a full TLS handshake on the main thread (size 0 instead means an unbounded cache).',
    when(b) {
      if (!tlsEnabled(b)) return undefined;
      const caching = conf(b, 'tls-session-caching');
      const size = confNum(b, 'tls-session-cache-size');
      if (caching !== 'no' && size !== 0) return undefined;
      return {
        title: caching === 'no' ? 'TLS session caching off: every reconnect does a full handshake' : 'tls-session-cache-size 0: unbounded TLS session cache',
        detail: `tls-session-caching is ${caching}, tls-session-cache-size ${size}; ${b.rate('total_connections_received') ?? '?'} new connections/s.`,
        evidence: [cfgEv('tls-session-caching', caching ?? ''), cfgEv('tls-session-cache-size', size ?? '')],
      };
    },
    fix: {
      recommendation: 'Cache sessions with a bounded cache.',
      commands: ['CONFIG SET tls-session-caching yes', 'CONFIG SET tls-session-cache-size 20480'],
    },
    source: 'redis/redis@7.0.15 redis.conf L289 ("reconnections by clients that support it. Use the following directive to disable")',
  },
  {
    id: 'config.tls-dh-params-legacy',
    directives: ['tls-dh-params-file'],
    category: 'security',
    severity: 'info',
    rationale: 'Only OpenSSL before 3.0 needs a DH parameters file; newer versions advise against one.',
    when: whenValue(
      'tls-dh-params-file',
      (v, b) => tlsEnabled(b) && v !== '',
      (v) => ({ title: `tls-dh-params-file ${v} set`, detail: `tls-dh-params-file is ${v}; drop it when the server links OpenSSL 3+.` }),
    ),
    fix: { recommendation: 'Remove it on OpenSSL 3+.', commands: ['CONFIG SET tls-dh-params-file ""'] },
    source: 'redis/redis@7.0.15 redis.conf L227 ("required by older versions of OpenSSL (<3.0). Newer versions do not require")',
  },
  {
    id: 'config.tls-cert-expiry',
    directives: ['tls-cert-file', 'tls-client-cert-file', 'tls-ca-cert-file'],
    category: 'security',
    severity: 'warning',
    rationale: 'When the certificate expires, client, replication and cluster-bus TLS handshakes all fail at once.',
    when(b) {
      if (!tlsEnabled(b)) return undefined;
      const expiring = ['tls_server_cert_expires_in_seconds', 'tls_client_cert_expires_in_seconds', 'tls_ca_cert_expires_in_seconds']
        .map((f) => ({ f, s: b.num(f) }))
        .filter((x): x is { f: string; s: number } => x.s !== undefined && x.s !== 0 && x.s < 30 * 86400); // 0: no such certificate
      if (expiring.length === 0)
        return b.num('tls_server_cert_expires_in_seconds') === undefined ? { skip: 'certificate expiry is not in INFO on this server' } : undefined;
      const soonest = Math.min(...expiring.map((x) => x.s));
      return {
        title: `TLS certificate expires in ${Math.max(0, Math.floor(soonest / 86400))} days`,
        detail: expiring.map((x) => `${x.f} is ${x.s}`).join(', ') + '.',
        severity: soonest < 7 * 86400 ? 'critical' : 'warning',
        evidence: expiring.map((x) => infoEv(x.f, x.s)),
      };
    },
    fix: {
      recommendation: 'Rotate the certificate files, then set the path again to reload the TLS context.',
      commands: ['openssl x509 -enddate -noout -in <tls-cert-file>', 'CONFIG SET tls-cert-file <path>  # re-set after replacing the file'],
    },
    source:
      'redis/redis@7.0.15 redis.conf L197 ("Configure a X.509 certificate and private key to use for authenticating the"); Valkey INFO tls section (tls_server_cert_expires_in_seconds)',
  },
  {
    id: 'config.hide-user-data-off',
    directives: ['hide-user-data-from-log'],
    category: 'security',
    severity: 'info',
    appliesTo: { redis: '7.4', valkey: '8.0' },
    rationale: 'Keys, values and client names may then be written to the log on errors and assertions (a personal-data leak).',
    when: whenValue(
      'hide-user-data-from-log',
      (v) => v === 'no',
      () => ({ title: 'hide-user-data-from-log no: user data can reach the server log', detail: 'hide-user-data-from-log is no.' }),
    ),
    fix: { recommendation: 'Keep user data out of the log.', commands: ['CONFIG SET hide-user-data-from-log yes'] },
    source: 'valkey-io/valkey@8.0.1 valkey.conf L396 ("hide-user-data-from-log yes"); redis/redis@7.4.1 redis.conf L392',
  },
  {
    id: 'config.acllog-disabled',
    directives: ['acllog-max-len'],
    category: 'security',
    severity: 'info',
    rationale: 'Denied commands and failed logins are then not recorded, hiding brute force attempts and misconfigured clients.',
    when: whenValue(
      'acllog-max-len',
      (v) => Number(v) === 0,
      () => ({ title: 'acllog-max-len 0: ACL denials are not recorded', detail: 'acllog-max-len is 0.' }),
    ),
    fix: { recommendation: 'Keep the last 128 denials.', commands: ['CONFIG SET acllog-max-len 128'] },
    source: 'redis/redis@7.0.15 redis.conf L1012 ("ACL LOG RESET. Define the maximum entry length of the ACL Log below.")',
  },
  {
    id: 'config.acl-pubsub-allchannels',
    directives: ['acl-pubsub-default'],
    category: 'security',
    severity: 'info',
    rationale: 'New ACL users then get every Pub/Sub channel unless their rules say otherwise.',
    when: whenValue(
      'acl-pubsub-default',
      (v) => v === 'allchannels',
      () => ({ title: 'acl-pubsub-default allchannels: new users can use every channel', detail: 'acl-pubsub-default is allchannels.' }),
    ),
    fix: { recommendation: 'Grant channels explicitly.', commands: ['CONFIG SET acl-pubsub-default resetchannels'] },
    source: 'redis/redis@7.0.15 redis.conf L1044 ("allchannels: grants access to all Pub/Sub channels")',
  },
  {
    id: 'config.requirepass-ignored-with-aclfile',
    directives: ['aclfile', 'requirepass'],
    category: 'security',
    severity: 'info',
    rationale: 'requirepass does not apply with an ACL file, so the password operators think is active may not be.',
    when(b) {
      const aclfile = conf(b, 'aclfile') ?? '';
      if (!aclfile || conf(b, 'requirepass') !== '(set)') return undefined;
      return {
        title: `requirepass set alongside aclfile ${aclfile}: it is ignored`,
        detail: `aclfile is ${aclfile} and requirepass is set.`,
        evidence: [cfgEv('aclfile', aclfile), cfgEv('requirepass', '(set)')],
      };
    },
    fix: {
      recommendation: 'Manage the default user\u2019s password in the ACL file.',
      commands: ['ACL GETUSER default', 'ACL SETUSER default on >long-random-password', 'ACL SAVE'],
    },
    source: 'redis/redis@7.0.15 redis.conf L1033 ("The requirepass is not compatible with aclfile option and the ACL LOAD")',
    runbook: 'security-acl-hardening',
  },
  {
    id: 'config.rdma-experimental',
    directives: ['rdma-port'],
    category: 'configuration',
    severity: 'info',
    appliesTo: { redis: false, valkey: '9.0' },
    rationale: 'Valkey over RDMA is experimental and may change or disappear in any version.',
    when: whenValue(
      'rdma-port',
      (v) => Number(v) > 0,
      (v) => ({ title: `RDMA listener on port ${v} (experimental)`, detail: `rdma-port is ${v}.` }),
    ),
    fix: { recommendation: 'Use it only where intended and pin the server version.', commands: ['CONFIG GET rdma-*'] },
    source:
      'valkey-io/valkey valkey.conf 9.x (index snapshot 00c3db1d), section RDMA: "Valkey Over RDMA is experimental, it may be changed or be removed in any minor or major version."',
  },
];
