import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { carriesTextOf, createExcludeMatcher, RECOGNISED_LINE, RECOGNISED_LINE_ACTIVE } from '../../../src/core/exclude';
import { DEFAULT_EXCLUDE } from '../../../src/core/config';

/**
 * Each default, with files it must keep at home and near misses that must stay sendable. Paths
 * under /w are in a workspace folder (matched with their relative path too); others are not.
 */
const DEFAULTS: { what: string; excluded: string[]; sendable: string[] }[] = [
  { what: 'environment files', excluded: ['/w/.env', '/w/.env.local', '/w/config/.env.production', '/w/.envrc', '/w/deploy/prod.env', '/w/staging.env'], sendable: ['/w/src/env.ts', '/w/src/environment.ts', '/w/environment/x.go', '/w/src/env/index.ts', '/w/docs/env.md'] },
  { what: 'PEM and key files', excluded: ['/w/certs/server.pem', '/w/k/tls.key', '/w/AuthKey_ABC123.p8', '/w/putty.ppk'], sendable: ['/w/src/keyboard.ts', '/w/src/key.ts', '/w/src/pem-parser.py', '/w/src/keys.go', '/w/src/p8.ts'] },
  { what: 'SSH private keys by name', excluded: ['/w/deploy/id_rsa', '/w/deploy/id_ed25519', '/w/id_ecdsa', '/w/id_ed25519_sk', '/w/keys/id_rsa_work', '/w/id_dsa.old'], sendable: ['/w/deploy/id_rsa.pub', '/w/deploy/id_ed25519.pub', '/w/keys/id_rsa_work.pub', '/w/id_rsa-cert.pub', '/w/src/id_generator.py', '/w/src/id_utils.ts'] },
  { what: 'key stores', excluded: ['/w/store.p12', '/w/cert.pfx', '/w/android/app.jks', '/w/release.keystore', '/w/krb5.keytab'], sendable: ['/w/src/keystore.ts', '/w/src/KeyStore.java', '/w/src/pfx.ts', '/w/src/jks_reader.py'] },
  { what: 'PGP keys and encrypted files', excluded: ['/w/private.asc', '/w/backup.gpg', '/w/keys/signing-key.asc'], sendable: ['/w/src/gpg.ts', '/w/src/asc.ts', '/w/src/ascii.ts'] },
  { what: 'credential folders in a home folder', excluded: ['/home/u/.ssh/id_rsa', '/home/u/.ssh/id_rsa.pub', '/home/u/.ssh/config', '/home/u/.ssh/known_hosts', '/home/u/.gnupg/private-keys-v1.d/ab.key', '/home/u/.gnupg/pubring.kbx', '/home/u/.aws/credentials', '/home/u/.aws/config', '/home/u/.azure/accessTokens.json', '/home/u/.config/gcloud/application_default_credentials.json', '/home/u/.config/gcloud/configurations/config_default', '/home/u/.kube/config', '/w/ops/kubeconfig', '/w/ops/kubeconfig.yaml', '/home/u/.docker/config.json', '/home/u/.config/gh/hosts.yml', '/home/u/.cargo/credentials.toml', '/home/u/.cargo/credentials', '/home/u/.gem/credentials', '/home/u/.m2/settings.xml', '/home/u/.m2/settings-security.xml'], sendable: ['/w/src/ssh.ts', '/w/src/aws/client.ts', '/w/src/kube/config.ts', '/w/src/kubeconfig.go', '/w/docker/config.json', '/w/.docker/daemon.json', '/w/.config/app/settings.json', '/w/.github/hosts.yml', '/w/.cargo/config.toml', '/w/pom.xml', '/w/settings.xml'] },
  { what: 'password and token files', excluded: ['/home/u/.git-credentials', '/home/u/.netrc', 'C:\\Users\\u\\_netrc', '/w/.npmrc', '/w/.yarnrc.yml', '/home/u/.pypirc', '/home/u/.pgpass', '/home/u/.my.cnf', '/w/public/.htpasswd', '/home/u/.vault-token'], sendable: ['/w/.gitignore', '/w/.gitattributes', '/w/package.json', '/w/.yarnrc', '/w/src/netrc.py', '/w/setup.cfg', '/w/src/htpasswd.ts', '/w/src/vault.ts'] },
  { what: 'credential and secret files', excluded: ['/w/credentials.json', '/w/config/gcp-credentials.json', '/w/credentials-prod.json', '/w/service-account.json', '/w/my_service_account-key.json', '/w/client_secret_123.apps.googleusercontent.com.json', '/w/config/secrets.yml', '/w/secrets.json', '/w/config/app-secrets.yaml', '/w/client_secret.json', '/w/db.secret', '/w/prod.secrets'], sendable: ['/w/src/credentials.ts', '/w/src/credentialsForm.tsx', '/w/src/secrets.ts', '/w/src/secrets.py', '/w/src/secret.go', '/w/src/serviceAccount.ts', '/w/docs/secrets.md'] },
  { what: 'Terraform variables and state', excluded: ['/w/infra/prod.tfvars', '/w/infra/prod.tfvars.json', '/w/infra/terraform.tfstate', '/w/infra/terraform.tfstate.backup'], sendable: ['/w/infra/main.tf', '/w/infra/variables.tf', '/w/infra/outputs.tf.json'] },
  { what: 'VS Code\'s own user settings', excluded: ['/home/u/.config/Code/User/settings.json', '/home/u/.config/Code/User/profiles/4a1b/settings.json', '/home/u/.config/Code/User/mcp.json', 'C:\\Users\\u\\AppData\\Roaming\\Code - Insiders\\User\\settings.json', '/Users/u/Library/Application Support/VSCodium/User/settings.json', '/home/u/.local/share/code-server/User/settings.json', '/home/u/.vscode-server/data/Machine/settings.json', '/home/u/.vscode-server/data/User/settings.json', '/opt/vscode/data/user-data/User/settings.json'], sendable: ['/w/.vscode/settings.json', '/w/.vscode/mcp.json', '/w/.vscode/launch.json', '/w/src/settings.json', '/home/u/.config/Code/User/keybindings.json', '/home/u/.config/Code/User/snippets/ts.json'] },
];

describe('exclude matcher', () => {
  const defaults = createExcludeMatcher(DEFAULT_EXCLUDE);
  /** The path as the adapter passes it: relative too when it is in the workspace folder /w. */
  const judge = (path: string) => {
    const posix = path.replace(/\\/g, '/');
    return defaults.isExcluded(path, posix.startsWith('/w/') ? posix.slice(3) : undefined);
  };

  for (const { what, excluded, sendable } of DEFAULTS) {
    it(`keeps ${what} at home by default, and only those`, () => {
      for (const path of excluded) assert.equal(judge(path), true, `${path} is excluded`);
      for (const path of sendable) assert.equal(judge(path), false, `${path} stays sendable`);
    });
  }

  it('every default glob is exercised by a case above', () => {
    const cases = DEFAULTS.flatMap((d) => d.excluded);
    for (const glob of DEFAULT_EXCLUDE) {
      const alone = createExcludeMatcher([glob]);
      assert.ok(cases.some((path) => alone.isExcluded(path)), `no case excludes with ${glob}`);
    }
  });

  it('package.json declares the same default as the code', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8'));
    assert.deepEqual(pkg.contributes.configuration.properties['kestrel.exclude'].default, DEFAULT_EXCLUDE);
  });

  it('lets ordinary source files through', () => {
    for (const path of ['/w/src/env.ts', '/w/src/keyboard.ts', '/w/README.md', '/w/src/pem-parser.py', '/w/environment/x.go']) {
      assert.equal(defaults.isExcluded(path, path.slice(3)), false, path);
    }
  });

  it('matches workspace-relative globs and Windows paths', () => {
    const m = createExcludeMatcher(['secrets/**', '**/*.sqlite']);
    assert.equal(m.isExcluded('/w/secrets/a/b.txt', 'secrets/a/b.txt'), true);
    assert.equal(m.isExcluded('C:\\w\\data\\db.sqlite', 'data\\db.sqlite'), true);
    assert.equal(m.isExcluded('/w/src/secrets.ts', 'src/secrets.ts'), false);
  });

  it('applies .kestrelignore with gitignore syntax, negations included', () => {
    const m = createExcludeMatcher([], 'private/\n*.log\n!keep.log\n# comment\n/top-only.txt\n');
    assert.equal(m.isExcluded('/w/private/notes.md', 'private/notes.md'), true);
    assert.equal(m.isExcluded('/w/a/b/debug.log', 'a/b/debug.log'), true);
    assert.equal(m.isExcluded('/w/keep.log', 'keep.log'), false);
    assert.equal(m.isExcluded('/w/top-only.txt', 'top-only.txt'), true);
    assert.equal(m.isExcluded('/w/sub/top-only.txt', 'sub/top-only.txt'), false);
    // Outside every workspace folder the ignore file does not apply (its paths are folder-relative).
    assert.equal(m.isExcluded('/elsewhere/private/x.md'), false);
  });
});

describe('text of an excluded document in a request that names no file', () => {
  const env = 'OPENROUTER_API_KEY=sk-or-v1-0123456789abcdef\nDEBUG=1\n\nPW=hunter2\nN=42\n';

  it('is recognised by any longer line, wherever it sits in the request', () => {
    assert.equal(carriesTextOf('Why does this fail?\n\nOPENROUTER_API_KEY=sk-or-v1-0123456789abcdef\n', env), true);
    assert.equal(carriesTextOf('see `  OPENROUTER_API_KEY=sk-or-v1-0123456789abcdef  ` here', env), true, 'indentation and surrounding text do not hide it');
  });

  it('is not found in a request that only shares short or common lines with it', () => {
    assert.equal(carriesTextOf('Set DEBUG=1 and PW=hunter2 in the shell', env), false, 'lines under 12 characters are not judged for an open document');
    assert.equal(carriesTextOf('What does OPENROUTER_API_KEY do?', env), false, 'a name alone is not the line');
    assert.equal(carriesTextOf('anything', ''), false);
    assert.equal(carriesTextOf('', env), false);
  });

  it('judges the short lines of the active editor\'s document too', () => {
    assert.equal(carriesTextOf('Set PW=hunter2 in the shell', env, RECOGNISED_LINE_ACTIVE), true);
    assert.equal(carriesTextOf('Set N=42 in the shell', env, RECOGNISED_LINE_ACTIVE), false, 'under 6 characters: too common to judge');
    assert.equal(RECOGNISED_LINE, 12);
  });

  it('does work linear in both texts, and a text made to exhaust it counts as carrying the document', () => {
    // 50,000 lines sharing their first 12 characters, against 1 MB of that character: every
    // position of the request starts like every line.
    const hostileDoc = Array.from({ length: 50_000 }, (_, i) => `${'a'.repeat(12)}${i}`).join('\n');
    const plainDoc = Array.from({ length: 50_000 }, (_, i) => `line number ${i} of the file`).join('\n');
    const request = 'a'.repeat(1_000_000);
    const time = (f: () => boolean) => {
      const t0 = process.hrtime.bigint();
      const result = f();
      return { result, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
    };
    const baseline = time(() => carriesTextOf('x y z '.repeat(170_000), plainDoc));
    const hostile = time(() => carriesTextOf(request, hostileDoc));
    assert.equal(baseline.result, false);
    assert.equal(hostile.result, true, 'refusing is the safe side');
    assert.ok(hostile.ms < 30 * baseline.ms + 200, `hostile ${hostile.ms.toFixed(0)} ms against a plain baseline of ${baseline.ms.toFixed(0)} ms`);
  });
});
