/**
 * The nginx-proxy image of the localhost-nginx front (issue 10, kubespray's design): Debian's nginx
 * with its stream module (libnginx-mod-stream, a dynamic module), built offline from Debian packages
 * like the LB image and keyed by its inputs. It runs as a static pod on every worker
 * (substrate/cluster/localhost-lb.ts says why), so it is loaded into each worker's containerd
 * (`kind load docker-image`) and never pulled.
 *
 * What the closure lacks and the image writes in: /etc/passwd and /etc/group (base-passwd writes
 * them in a maintainer script, which a closure cut never runs) with the `nobody` account nginx's
 * workers switch to, and /var/lib/nginx, the parent of the http module's temp paths that nginx
 * creates at start (Debian builds with --http-client-body-temp-path=/var/lib/nginx/body, ...).
 */
import type { Progress } from '../progress.js';
import { closureImageRef, ensureDebianClosureImage, type DebianClosureImage } from './debian-closure-image.js';

/** Where the pod sees its config (a hostPath of the worker's /etc/nginx, read-only, as kubespray mounts it). */
export const NGINX_CONF_DIR = '/etc/nginx';
export const NGINX_CONF = `${NGINX_CONF_DIR}/nginx.conf`;
/** Debian's path of the stream module (libnginx-mod-stream). */
export const NGINX_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';
const GROUP = 'root:x:0:\nnogroup:x:65534:\n';

export const NGINX_IMAGE: DebianClosureImage = {
  name: 'nginx-proxy',
  repository: 'kube-ha-chaos.local/nginx-proxy',
  recipeVersion: '1',
  // iproute2 for `ss` in the image (nginx's own Depends has it too).
  packages: ['nginx', 'libnginx-mod-stream', 'iproute2'],
  roots: ['nginx', 'libnginx-mod-stream', 'iproute2', 'coreutils', 'dash'],
  contents: [
    { dest: 'etc/passwd', content: PASSWD },
    { dest: 'etc/group', content: GROUP },
    { dest: 'var/lib/nginx/.keep', content: '' },
    { dest: 'var/log/nginx/.keep', content: '' },
  ],
  config: [
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    // In the foreground with its log on stderr (the pod's log): `-e stderr` replaces the compiled-in
    // /var/log/nginx/error.log for what nginx logs before it has read its config.
    'ENTRYPOINT ["/usr/sbin/nginx", "-e", "stderr", "-g", "daemon off;"]',
  ],
};

/** The nginx-proxy image this checkout builds (no I/O). */
export function nginxImageRef(): string {
  return closureImageRef(NGINX_IMAGE);
}

/** Build (or confirm cached) the nginx-proxy image; returns its reference. */
export function ensureNginxImage(progress: Progress): Promise<string> {
  return ensureDebianClosureImage(NGINX_IMAGE, progress);
}
