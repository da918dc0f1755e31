import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerPid } from '../../stack/pid-registry';
import { freePort, portOpen, sleep, which } from '../../stack/processes';

/**
 * nginx as an mTLS-terminating gRPC proxy in front of a plaintext Temporal frontend: the
 * secured-Temporal fixture. It runs in the foreground as one process (no master/workers) with its
 * prefix, config, logs and temp paths in `dir`, and is stopped by its PID.
 */
export interface GrpcTlsProxy {
  port: number;
  address: string;
  errorLog: string;
  stop(): Promise<void>;
}

export interface GrpcTlsProxyOptions {
  dir: string;
  upstream: string;
  serverCert: string;
  serverKey: string;
  /** The CA whose client certificates are accepted (ssl_verify_client on). */
  clientCa: string;
}

function nginxBinary(): string {
  const found = which('nginx') ?? ['/usr/sbin/nginx'].find((p) => fs.existsSync(p));
  if (!found) throw new Error('nginx is not installed; run scripts/setup.sh (or apt-get install -y nginx)');
  return found;
}

export async function startGrpcTlsProxy(options: GrpcTlsProxyOptions): Promise<GrpcTlsProxy> {
  const port = await freePort();
  const dir = options.dir;
  for (const sub of ['logs', 'tmp']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  const errorLog = path.join(dir, 'logs', 'error.log');
  const conf = path.join(dir, 'nginx.conf');
  const temp = (name: string) => path.join(dir, 'tmp', name);
  fs.writeFileSync(
    conf,
    `master_process off;
error_log ${errorLog} info;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${temp('body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  server {
    # nginx 1.22 (Debian 12) takes http2 on listen; from 1.25 it is also a directive of its own.
    listen 127.0.0.1:${port} ssl http2;
    ssl_certificate ${options.serverCert};
    ssl_certificate_key ${options.serverKey};
    ssl_client_certificate ${options.clientCa};
    ssl_verify_client on;
    # Workflow-task long polls last up to a minute.
    grpc_read_timeout 120s;
    grpc_send_timeout 120s;
    location / { grpc_pass grpc://${options.upstream}; }
  }
}
`,
  );
  const binary = nginxBinary();
  const child: ChildProcess = spawn(binary, ['-p', dir, '-c', conf, '-g', `daemon off; pid ${path.join(dir, 'nginx.pid')};`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  registerPid(child.pid, binary);
  const deadline = Date.now() + 10_000;
  while (!(await portOpen(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      if (child.exitCode === null) child.kill('SIGKILL');
      const log = fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8').split('\n').slice(-10).join('\n') : '';
      throw new Error(`nginx on port ${port} did not start: ${stderr}${log}`);
    }
    await sleep(50);
  }
  return {
    port,
    address: `127.0.0.1:${port}`,
    errorLog,
    async stop() {
      if (child.exitCode !== null || !child.pid) return;
      const pid = child.pid;
      await new Promise<void>((resolve) => {
        // SIGQUIT finishes open streams; a proxy still up after 5 s is killed.
        const timer = setTimeout(() => process.kill(pid, 'SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        process.kill(pid, 'SIGQUIT');
      });
    },
  };
}
