// Which proxy a request goes through: VS Code's `http.proxy` first, then the usual environment
// variables, with the exceptions of VS Code's `http.noProxy` and NO_PROXY. This machine's own
// addresses never go through a proxy.

export interface ProxyChoice {
  proxyUrl?: string;
  /**
   * false only when a proxy carries the request and the user turned `http.proxyStrictSSL` off (a
   * company proxy that re-signs TLS). A direct connection always checks certificates: the setting
   * is about proxies, and a key must never go to a server whose certificate nobody checked.
   */
  rejectUnauthorized: boolean;
}

const LOOPBACK = /^(localhost|127(?:\.\d+){3}|\[?::1\]?)$/i;

/** Whether a host name is this machine (localhost, 127.x.x.x, ::1). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

export function selectProxy(targetUrl: string, settings: { proxy: string; strictSSL: boolean; noProxy?: readonly string[] }, env: Record<string, string | undefined>): ProxyChoice {
  const choice: ProxyChoice = { rejectUnauthorized: true };
  let target: URL;
  try {
    target = new URL(targetUrl);
  } catch {
    return choice;
  }
  if (isLoopbackHost(target.hostname)) return choice;
  const pick = (...names: string[]) => names.map((n) => env[n]?.trim()).find((v) => v);
  const noProxy = [...(settings.noProxy ?? []), pick('NO_PROXY', 'no_proxy') ?? ''].join(',');
  if (noProxy && bypasses(target, noProxy)) return choice;
  const proxy = settings.proxy.trim() || (target.protocol === 'https:' ? pick('HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy') : pick('HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'));
  if (!proxy) return choice;
  return { proxyUrl: /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`, rejectUnauthorized: settings.strictSSL };
}

/** NO_PROXY: a comma or space separated list of `*`, hosts, domain suffixes (`.corp`, `corp`) and `host:port`. */
function bypasses(target: URL, noProxy: string): boolean {
  const host = target.hostname.toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[,\s]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const [name, entryPort] = entry.startsWith('[') ? [entry.slice(0, entry.indexOf(']') + 1), entry.split(']:')[1]] : entry.split(':');
      if (entryPort && entryPort !== port) return false;
      const suffix = name.replace(/^\*?\./, '');
      return host === suffix || host.endsWith(`.${suffix}`);
    });
}
