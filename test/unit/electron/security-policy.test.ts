import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, isAllowedNavigation, isTrustedSender, resolveAppPath, WINDOW_CSP } from '../../../main/electron/security-policy';

const ROOT = resolve('/opt/smc/resources/app.asar/out/renderer');
const FILE_ENTRY = 'file:///opt/smc/out/renderer/index.html';

describe('isAllowedNavigation', () => {
  it('allows only reloading the entry document', () => {
    expect(APP_ENTRY_URL).toBe('app://smc/index.html');
    expect(isAllowedNavigation('app://smc/index.html', APP_ENTRY_URL)).toBe(true);
    expect(isAllowedNavigation('app://smc/index.html#/sensors', APP_ENTRY_URL)).toBe(true);
    expect(isAllowedNavigation('app://smc/index.html?tab=alarms', APP_ENTRY_URL)).toBe(true);
    expect(isAllowedNavigation('APP://SMC/index.html', APP_ENTRY_URL)).toBe(true);
  });

  it.each([
    ['another document of the app', 'app://smc/assets/index.js'],
    ['the app origin root', 'app://smc/'],
    ['another app:// host', 'app://evil/index.html'],
    ['a host that merely starts with ours', 'app://smc.evil.com/index.html'],
    ['credentials in front of our host', 'app://smc@evil.com/index.html'],
    ['credentials on our host', 'app://user:pw@smc/index.html'],
    ['a port on our host', 'app://smc:8080/index.html'],
    ['https with our URL in the path', 'https://evil.com/app://smc/index.html'],
    ['https with our URL in the query', 'https://evil.com/?next=app://smc/index.html'],
    ['the local station over http', 'http://127.0.0.1:8000/'],
    ['javascript:', 'javascript:alert(1)//app://smc/index.html'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['a file:// path', 'file:///etc/passwd'],
    ['file:// of the built renderer itself', 'file:///opt/smc/out/renderer/index.html'],
    ['about:blank', 'about:blank'],
    ['an encoded path that only decodes to ours', 'app://smc/%69ndex.html'],
    ['a traversal that leaves and returns', 'app://smc/assets/../../index.html/x'],
    ['not a URL', 'index.html'],
    ['empty', ''],
  ])('denies %s', (_what, url) => {
    expect(isAllowedNavigation(url, APP_ENTRY_URL)).toBe(false);
  });

  it('with a file:// entry, allows that exact file only', () => {
    expect(isAllowedNavigation(FILE_ENTRY, FILE_ENTRY)).toBe(true);
    expect(isAllowedNavigation('file:///opt/smc/out/renderer/other.html', FILE_ENTRY)).toBe(false);
    expect(isAllowedNavigation('file:///opt/smc/out/renderer/../../../etc/passwd', FILE_ENTRY)).toBe(false);
    expect(isAllowedNavigation('file:///opt/smc/out/renderer/%2e%2e/%2e%2e/secret.html', FILE_ENTRY)).toBe(false);
    expect(isAllowedNavigation('file://evil-share/opt/smc/out/renderer/index.html', FILE_ENTRY)).toBe(false);
    expect(isAllowedNavigation('file:///opt/smc/out/renderer/index.html.evil', FILE_ENTRY)).toBe(false);
    expect(isAllowedNavigation('https://evil.com/opt/smc/out/renderer/index.html', FILE_ENTRY)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  it('trusts any page of the app origin (client-side routes included)', () => {
    expect(isTrustedSender('app://smc/index.html', APP_ENTRY_URL)).toBe(true);
    expect(isTrustedSender('app://smc/sensors/pump-1', APP_ENTRY_URL)).toBe(true);
    expect(isTrustedSender('app://smc/index.html#/alarms', APP_ENTRY_URL)).toBe(true);
  });

  it.each([
    ['no frame', null],
    ['undefined', undefined],
    ['empty', ''],
    ['about:blank', 'about:blank'],
    ['another app host', 'app://other/index.html'],
    ['a look-alike host', 'app://smc.evil.com/index.html'],
    ['credentials', 'app://smc@evil.com/index.html'],
    ['an https page embedding our URL', 'https://evil.com/app://smc/index.html'],
    ['the station over http', 'http://127.0.0.1:8000/index.html'],
    ['a data: frame', 'data:text/html,hi'],
    ['a file:// page', 'file:///opt/smc/out/renderer/index.html'],
    ['devtools', 'devtools://devtools/bundled/inspector.html'],
  ])('refuses %s', (_what, url) => {
    expect(isTrustedSender(url, APP_ENTRY_URL)).toBe(false);
  });

  it('with a file:// entry, trusts that exact file only', () => {
    expect(isTrustedSender(FILE_ENTRY, FILE_ENTRY)).toBe(true);
    expect(isTrustedSender('file:///tmp/downloaded.html', FILE_ENTRY)).toBe(false);
    expect(isTrustedSender('file:///opt/smc/out/renderer/../renderer/x/../index.html', FILE_ENTRY)).toBe(true);
  });
});

describe('resolveAppPath', () => {
  it('maps app://smc paths into the renderer folder', () => {
    expect(resolveAppPath('app://smc/index.html', ROOT)).toBe(join(ROOT, 'index.html'));
    expect(resolveAppPath('app://smc/assets/index-B15.js', ROOT)).toBe(join(ROOT, 'assets', 'index-B15.js'));
    expect(resolveAppPath('app://smc/assets/a%20b.css', ROOT)).toBe(join(ROOT, 'assets', 'a b.css'));
    expect(resolveAppPath('app://smc/assets/x.js?v=1#h', ROOT)).toBe(join(ROOT, 'assets', 'x.js'));
  });

  it('serves index.html for the root and client-side routes', () => {
    expect(resolveAppPath('app://smc/', ROOT)).toBe(join(ROOT, 'index.html'));
    expect(resolveAppPath('app://smc', ROOT)).toBe(join(ROOT, 'index.html'));
    expect(resolveAppPath('app://smc/sensors/pump-1', ROOT)).toBe(join(ROOT, 'index.html'));
  });

  it('keeps dot segments the URL parser resolves inside the root', () => {
    expect(resolveAppPath('app://smc/../../../etc/passwd.txt', ROOT)).toBe(join(ROOT, 'etc', 'passwd.txt'));
    expect(resolveAppPath('app://smc/%2e%2e/%2e%2e/etc/passwd.txt', ROOT)).toBe(join(ROOT, 'etc', 'passwd.txt'));
    expect(resolveAppPath('app://smc/assets/../index.html', ROOT)).toBe(join(ROOT, 'index.html'));
    // Double encoding decodes once: a literal "%2e%2e" folder name, still inside.
    expect(resolveAppPath('app://smc/%252e%252e/x.js', ROOT)).toBe(join(ROOT, '%2e%2e', 'x.js'));
  });

  it.each([
    ['an encoded slash traversal', 'app://smc/assets%2f..%2f..%2f..%2fetc%2fpasswd.txt'],
    ['an encoded backslash traversal', 'app://smc/..%5c..%5c..%5cwindows%5cwin.ini'],
    ['a drive letter', 'app://smc/C:%5cwindows%5cwin.ini'],
    ['an encoded NUL', 'app://smc/index.html%00.js'],
    ['a malformed escape', 'app://smc/%E0%A4%A.js'],
    ['another host', 'app://evil/index.html'],
    ['a look-alike host', 'app://smc.evil/index.html'],
    ['credentials', 'app://a@smc/index.html'],
    ['file://', 'file:///etc/passwd'],
    ['https', 'https://smc/index.html'],
    ['not a URL', '../../etc/passwd'],
  ])('rejects %s', (_what, url) => {
    expect(resolveAppPath(url, ROOT)).toBeNull();
  });
});

describe('WINDOW_CSP', () => {
  const directives = new Map(WINDOW_CSP.split(';').map((d) => {
    const [name, ...values] = d.trim().split(/\s+/);
    return [name!, values] as const;
  }));

  it('denies by default and allows scripts only from the app itself', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(WINDOW_CSP).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|\*/);
  });

  it('gives the window no network, frames, plugins or form targets', () => {
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('frame-src')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
  });
});
